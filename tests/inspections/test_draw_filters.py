"""The draw list's filters: the month (YYYY-MM) and the year a draw was made in, in local time (Asia/Shanghai)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.filters import DrawFilter
from inspections.models import Draw

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def make_draw(user, made_at, seed):
    return Draw.objects.create(
        title=f"双随机抽查{seed}",
        made_at=made_at,
        made_by=user,
        lead_unit=user.unit,
        enterprise_count=1,
        inspectors_per_enterprise=2,
        seed=seed,
        enterprise_ids=[],
        inspector_ids=[],
        result=[],
    )


@pytest.fixture
def draws(eve):
    """Around the turn of August to September 2020 and of 2020 to 2021, in Liuyang's time."""
    return {
        "late_august": make_draw(eve, datetime.datetime(2020, 8, 31, 23, 30, tzinfo=SHANGHAI), "a1"),  # 15:30 UTC
        "early_september": make_draw(eve, datetime.datetime(2020, 9, 1, 0, 30, tzinfo=SHANGHAI), "a2"),  # 8/31 UTC
        "mid_september": make_draw(eve, datetime.datetime(2020, 9, 15, 10, 0, tzinfo=SHANGHAI), "a3"),
        "new_year": make_draw(eve, datetime.datetime(2021, 1, 1, 0, 10, tzinfo=SHANGHAI), "a4"),
    }


def titles(data) -> set[str]:
    return {draw.title for draw in DrawFilter(data, queryset=Draw.objects.all()).qs}


def test_the_month_filter_takes_the_local_calendar_month(draws):
    assert titles({"month": "2020-09"}) == {draws["early_september"].title, draws["mid_september"].title}
    assert titles({"month": "2020-08"}) == {draws["late_august"].title}
    assert titles({"month": "2021-01"}) == {draws["new_year"].title}
    assert titles({"month": "2020-10"}) == set()


def test_the_year_filter_takes_the_local_year(draws):
    assert titles({"year": "2021"}) == {draws["new_year"].title}
    assert len(titles({"year": "2020"})) == 3


def test_a_malformed_month_is_refused_by_the_form_and_filters_nothing(draws):
    draw_filter = DrawFilter({"month": "September"}, queryset=Draw.objects.all())
    assert "month" in draw_filter.form.errors
    assert draw_filter.qs.count() == len(draws)


def test_the_queryset_and_the_dashboard_use_the_same_month(draws):
    with timezone.override("Asia/Shanghai"):
        assert Draw.objects.made_in_month(datetime.date(2020, 9, 15)).count() == 2


def test_the_draw_list_page_filters_by_month(login, alice, draws):
    response = login(alice).get(reverse("inspections:draw_list"), {"month": "2020-09"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2
    page = response.content.decode()
    assert 'id="draw-filter"' in page and 'name="month"' in page and 'value="2020-09"' in page
    assert draws["mid_september"].title in page and draws["late_august"].title not in page


def test_the_draw_list_page_with_no_match_shows_none(login, alice, draws):
    response = login(alice).get(reverse("inspections:draw_list"), {"month": "2019-01"})
    assert response.context["page_obj"].paginator.count == 0
    assert draws["mid_september"].title not in response.content.decode()
