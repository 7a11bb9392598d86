"""Periods and ids out of range (issue 13): what the walk in test_odd_query_values.py found answering 500, each
with the answer it now gives."""

import pytest
from django.urls import reverse

from core import periods
from tests.enterprises.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year, month", [(9999, 12), (1, 1), (2101, 1), (1999, 12), (2020, 13), (2020, 0)])
def test_a_roster_month_outside_the_portals_years_does_not_exist(login, alice, year, month):
    client = login(alice)
    assert client.get(reverse("emergency:roster_month", args=[year, month])).status_code == 404
    export = reverse("emergency:roster_export", args=[year, month]) + "?format=xlsx"
    assert client.get(export).status_code == 404


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2020-02-30"])
def test_a_roster_day_outside_the_portals_years_does_not_exist(login, alice, day):
    assert login(alice).get(reverse("emergency:roster_day", args=[day])).status_code == 404


def test_the_last_and_first_roster_months_link_only_to_months_that_exist(login, alice):
    client = login(alice)
    last = client.get(reverse("emergency:roster_month", args=[2100, 12])).content.decode()
    assert 'id="next-month"' not in last and 'id="previous-month"' in last
    first = client.get(reverse("emergency:roster_month", args=[2000, 1])).content.decode()
    assert 'id="previous-month"' not in first and 'id="next-month"' in first


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "abc"])
def test_a_briefing_week_out_of_range_gives_the_default_week(login, leo, week):
    response = login(leo).get(reverse("dashboard:briefing", args=["xlsx"]), {"week": week})
    assert response.status_code == 200
    default = periods.default_week_start().isoformat()
    assert f"weekly-briefing-{default}.xlsx" in response["Content-Disposition"]


def test_a_briefing_week_in_range_is_that_week(login, leo):
    response = login(leo).get(reverse("dashboard:briefing", args=["xlsx"]), {"week": "2020-06-11"})
    assert "weekly-briefing-2020-06-08.xlsx" in response["Content-Disposition"]


def test_the_audit_history_of_a_row_that_does_not_exist_is_the_admins_usual_message(login, admin_user):
    response = login(admin_user).get("/admin/plans/measure/99999999999999999999/auditlog/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "不存在" in response.content.decode()  # 举措 ID “…” 不存在。可能已经被删除了？


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "1\x00"])
def test_an_add_page_ignores_an_initial_value_that_names_no_row(login, admin_user, value):
    response = login(admin_user).get(reverse("admin:enterprises_vehicle_add"), {"enterprise": value})
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("enterprise") is None


def test_an_add_page_keeps_an_initial_value_that_names_a_row(login, admin_user, unit_a):
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    response = login(admin_user).get(reverse("admin:enterprises_vehicle_add"), {"enterprise": enterprise.pk})
    assert response.context["adminform"].form.initial["enterprise"] == str(enterprise.pk)
