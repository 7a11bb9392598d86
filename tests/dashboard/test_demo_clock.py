"""The demo clock (PORTAL_TODAY) is the portal's today everywhere: with the date fixed on 15 September 2020 and
the real clock in December 2026, the dashboard and the briefing read exactly as on a real 15 September 2020; and
without it, every page and the API open on the same default year (core.periods), the data's 2020."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from core import periods
from dashboard import briefing, selectors

from .conftest import TODAY

#: Monday 7 December 2026, 10:00 in Liuyang: the data (the 2020 plan) has no plan for this year.
LATER = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC)
WEEK = datetime.date(2020, 9, 7)  # the last full week before Tuesday 15 September 2020


@pytest.fixture
def expected(world):
    """What the dashboard and the briefing show on a real 15 September 2020 (the conftest's frozen clock)."""
    return selectors.dashboard_figures(2020), briefing.week_briefing(WEEK)


def test_the_dashboard_and_the_briefing_read_as_on_the_fixed_date(expected, settings, login, leo):
    figures, week_briefing = expected
    settings.PORTAL_TODAY = TODAY
    with time_machine.travel(LATER, tick=False):
        assert (periods.default_year(), periods.default_week_start()) == (2020, WEEK)
        assert selectors.dashboard_figures(2020) == figures
        assert briefing.week_briefing(WEEK) == week_briefing
        client = login(leo)
        page = client.get(reverse("dashboard:dashboard"))
        download = client.get(reverse("dashboard:briefing", args=["xlsx"]))
    assert page.context["year"] == 2020
    html = page.content.decode()
    assert 'id="demo-clock-banner"' in html and "2020-09-15" in html
    assert 'id="briefing-week" class="form-control form-control-sm" value="2020-09-07"' in html
    assert 'filename="weekly-briefing-2020-09-07.xlsx"' in download["Content-Disposition"]


def test_on_the_real_date_a_year_over_opens_on_its_end(world, login, leo):
    with time_machine.travel(LATER, tick=False):
        assert (periods.default_year(), periods.default_week_start()) == (2020, datetime.date(2020, 12, 21))
        figures = selectors.dashboard_figures(2020)
        client = login(leo)
        page = client.get(reverse("dashboard:dashboard")).content.decode()
        download = client.get(reverse("dashboard:briefing", args=["xlsx"]))
    assert figures.today == LATER.date()
    # "This month" of a year that is over is its December, not today's month of another year.
    assert (figures.safety.month, figures.safety.month_is_current) == (datetime.date(2020, 12, 1), False)
    assert 'id="demo-clock-banner"' not in page
    assert 'value="2020-12-21"' in page
    assert 'filename="weekly-briefing-2020-12-21.xlsx"' in download["Content-Disposition"]
    investment = briefing.week_briefing(datetime.date(2020, 12, 21)).investment
    assert (investment.year, investment.planned) == (2020, 2000)  # the year's plan, not an empty 2026


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboard:dashboard"),
        reverse("safety:zero_out"),
        reverse("projects:investment_summary"),
        reverse("projects:project_list"),
    ],
)
def test_every_page_opens_on_the_same_default_year(world, login, leo, url):
    with time_machine.travel(LATER, tick=False):
        assert login(leo).get(url).context["year"] == 2020


def test_the_api_opens_on_the_same_default_year(world, login, leo):
    with time_machine.travel(LATER, tick=False):
        client = login(leo)
        for url in ("/api/v1/indicators/", "/api/v1/investment-summary/"):
            assert client.get(url).json()["year"] == 2020, url
