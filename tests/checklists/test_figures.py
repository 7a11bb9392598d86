"""Each computed figure equals what the portal's own pages and dashboard show for that year (on the demo data,
and on the monitoring's hand-computed month)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from checklists import registry
from dashboard.selectors import dashboard_figures
from monitoring import figures as monitoring_figures
from projects import selectors as project_selectors
from safety.selectors import hazard_zero_out
from tests.monitoring.world import build

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2020, 11, 30)


def figure(key: str, param: str = "") -> Decimal | None:
    return registry.compute(key, 2020, param)


def shown(value) -> Decimal | None:
    """A page's figure as the registry gives it (four places)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))


def test_every_app_declares_its_figures():
    assert {item.key for item in registry.figures()} >= {
        "plans.completion_rate",
        "plans.on_time_rate",
        "projects.investment_rate",
        "safety.zero_out_rate",
        "inspections.done",
        "inspections.draws_published",
        "monitoring.alarms_per_1000_km",
    }


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_TODAY = TODAY
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_figures_equal_the_dashboard_and_the_pages_on_the_demo(demo, login, admin_user):
    dashboard = dashboard_figures(2020, TODAY)
    assert dashboard.key_tasks, "the demo has a 2020 plan"
    # Plans: the whole plan and each key task, as the dashboard's key-task table
    assert figure("plans.completion_rate") == shown(dashboard.plan.done_rate)
    assert figure("plans.on_time_rate") == shown(dashboard.plan.on_time_rate)
    for task in dashboard.key_tasks:
        assert figure("plans.completion_rate", str(task.number)) == shown(task.done_rate)
        assert figure("plans.on_time_rate", str(task.number)) == shown(task.on_time_rate)
    # Projects: the investment summary's categories, and the dashboard's total
    assert figure("projects.investment_rate") == shown(dashboard.projects.rate)
    for row in project_selectors.investment_by_category(2020):
        assert figure("projects.investment_rate", row.key) == shown(row.rate)
    # Safety: the zero-out page's totals and fields
    zero_out = hazard_zero_out(year=2020, today=TODAY)
    assert figure("safety.zero_out_rate") == shown(zero_out.totals.rate) == shown(dashboard.safety.totals.rate)
    for row in zero_out.by_field:
        assert figure("safety.zero_out_rate", row.key) == shown(row.rate)
    # Inspections and draws: what their lists count for the year
    client = login(admin_user)
    inspections = client.get(
        reverse("inspections:inspection_list"), {"date_from": "2020-01-01", "date_to": "2020-12-31"}
    )
    draws = client.get(reverse("inspections:draw_list"), {"year": "2020"})
    assert figure("inspections.done") == inspections.context["page_obj"].paginator.count > 0
    assert figure("inspections.draws_published") == draws.context["page_obj"].paginator.count > 0
    random = client.get(
        reverse("inspections:inspection_list"), {"date_from": "2020-01-01", "date_to": "2020-12-31", "kind": "random"}
    )
    assert figure("inspections.done", "random") == random.context["page_obj"].paginator.count


def test_a_figure_about_nothing_is_none(db):
    assert figure("plans.completion_rate") is None
    assert figure("plans.completion_rate", "99") is None
    assert figure("projects.investment_rate", "no-such-category") is None
    assert figure("safety.zero_out_rate") is None
    assert figure("monitoring.alarms_per_1000_km") is None


def test_alarms_per_1000_km_add_up_the_months_of_the_monitoring_page(
    vehicle_a,
    driver_a,
    vehicle_b,
    driver_b,
    admin_user,
):
    build(vehicle_a, driver_a, vehicle_b, driver_b)
    months = monitoring_figures.monthly(user=admin_user, year=2020)
    km, alarms = sum(month.km for month in months), sum(month.alarms for month in months)
    assert figure("monitoring.alarms_per_1000_km") == (Decimal(alarms) * 1000 / km).quantize(Decimal("0.01"))
    assert figure("monitoring.alarms_per_1000_km") == Decimal("2.00")  # November: 6 alarms on 3,000 km
