"""The monitoring section of the leadership dashboard and of the weekly briefing: last month's county figures,
the supervision notices awaiting a reply, the enterprises by alarms per 1,000 km."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboard import briefing, selectors
from dashboard.cache import new_generation
from monitoring.models import SupervisionNotice

from .world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(vehicle_a, driver_a, vehicle_b, driver_b):
    build(vehicle_a, driver_a, vehicle_b, driver_b)


def test_the_dashboard_shows_last_months_figures(world, enterprise_a, login, leo):
    SupervisionNotice.objects.create(
        enterprise=enterprise_a, month=datetime.date(2020, 11, 1), km=1000, alarms=4, per_1000_km=4,
        threshold=2, due_on=datetime.date(2020, 12, 18),
    )  # fmt: skip
    figures = selectors.dashboard_figures(2020, datetime.date(2020, 12, 3)).monitoring

    assert figures.month == datetime.date(2020, 11, 1)
    assert (figures.total.alarms, str(figures.total.per_1000_km), figures.notices_awaiting_reply) == (6, "2.00", 1)
    assert str(selectors.dashboard_figures(2019, datetime.date(2020, 12, 3)).monitoring.month) == "2019-12-01"
    new_generation()
    page = login(leo).get(reverse("dashboard:dashboard")).content.decode()
    assert 'id="monitoring"' in page and f"{reverse('monitoring:notice_list')}?awaiting=1" in page


def test_the_briefing_lists_last_months_enterprises_the_highest_first(world, enterprise_a, enterprise_b):
    data = briefing.week_briefing(datetime.date(2020, 11, 30), today=datetime.date(2020, 12, 7))

    assert data.monitoring_month == datetime.date(2020, 11, 1)
    table = briefing.briefing_tables(data)[-1]
    assert [row[0] for row in table.rows] == [enterprise_a.name, enterprise_b.name]
    assert [str(row[3]) for row in table.rows] == ["4.00", "1.00"]
    assert table.rows[0][4:8] == [Decimal("8.00"), "-50.0%", "50.0%", "75.0%"]  # last year, 同比, 处置率, 处理率
