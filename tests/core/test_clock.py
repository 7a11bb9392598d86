"""The portal's one today (core.clock), its demo setting PORTAL_TODAY, the banner it shows, and the one default
year and week of every page (core.periods) on known dates."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core import clock, periods
from liuyang_transport.env import env_date
from tests.factories import WorkPlanFactory
from tests.projects.factories import InvestmentPlanFactory

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
#: Monday 7 December 2026, 10:15 in Liuyang (02:15 UTC).
REAL_NOW = datetime.datetime(2026, 12, 7, 10, 15, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def real_now():
    with time_machine.travel(REAL_NOW, tick=False):
        yield


def test_without_the_setting_today_is_the_real_date_in_liuyang():
    with time_machine.travel(datetime.datetime(2026, 12, 6, 17, 30, tzinfo=datetime.UTC), tick=False):
        assert clock.today() == D(2026, 12, 7)  # 01:30 on the 7th in Asia/Shanghai
    assert clock.now() == REAL_NOW


def test_the_setting_fixes_the_date_and_keeps_the_time_of_day(settings):
    settings.PORTAL_TODAY = D(2020, 11, 20)
    assert clock.today() == D(2020, 11, 20)
    assert clock.now() == datetime.datetime(2020, 11, 20, 10, 15, tzinfo=SHANGHAI)


def test_the_variable_is_an_iso_date_or_empty(monkeypatch):
    monkeypatch.setenv("PORTAL_TODAY", "2020-11-20")
    assert env_date("PORTAL_TODAY") == D(2020, 11, 20)
    monkeypatch.setenv("PORTAL_TODAY", "")
    assert env_date("PORTAL_TODAY") is None
    monkeypatch.delenv("PORTAL_TODAY")
    assert env_date("PORTAL_TODAY") is None
    monkeypatch.setenv("PORTAL_TODAY", "20.11.2020")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TODAY"):
        env_date("PORTAL_TODAY")


@pytest.mark.django_db
def test_every_page_shows_the_demo_banner_when_the_date_is_fixed(settings, client, login, alice):
    settings.PORTAL_TODAY = D(2020, 11, 20)
    for response in (client.get(reverse("login")), login(alice).get(reverse("home"), follow=True)):
        page = response.content.decode()
        assert 'id="demo-clock-banner"' in page and "2020-11-20" in page


@pytest.mark.django_db
def test_no_banner_on_the_real_date(client, login, alice):
    assert 'id="demo-clock-banner"' not in client.get(reverse("login")).content.decode()
    assert 'id="demo-clock-banner"' not in login(alice).get(reverse("home"), follow=True).content.decode()


# The default year and week ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_any_plan_the_default_year_is_this_year():
    assert periods.default_year() == 2026
    assert periods.default_week_start() == D(2026, 11, 30)  # Monday 7 December: the week just over


@pytest.mark.django_db
def test_the_default_year_is_this_year_when_it_has_a_plan_else_the_latest_with_one():
    WorkPlanFactory(year=2020)
    InvestmentPlanFactory(year=2019)
    assert periods.plan_years() == {2019, 2020}
    assert periods.default_year() == 2020  # 2026 has no plan: the latest year with one
    assert periods.default_year(D(2020, 11, 20)) == 2020
    assert periods.default_year(D(2019, 3, 1)) == 2019  # an investment plan is a plan too
    assert periods.default_year(D(2018, 3, 1)) == 2020  # not an empty year before the data
    InvestmentPlanFactory(year=2026)
    assert periods.default_year() == 2026


@pytest.mark.django_db
def test_the_default_week_is_the_last_full_one_in_the_current_year_else_the_years_last():
    WorkPlanFactory(year=2020)
    assert periods.default_week_start(today=D(2020, 11, 20)) == D(2020, 11, 9)  # a Friday: the week before
    assert periods.default_week_start(today=D(2020, 11, 23)) == D(2020, 11, 16)  # a Monday: the week just over
    assert periods.default_week_start() == D(2020, 12, 21)  # 2020 is over: 21–27 December (the 31st is a Thursday)
    assert periods.default_week_start(2023) == D(2023, 12, 25)  # 31 December 2023 is a Sunday: its week is full
    assert periods.default_week_start(2026) == D(2026, 11, 30)  # the current year, asked for


def test_one_day_holds_the_day_it_began_past_midnight():
    before_midnight = datetime.datetime(2026, 12, 7, 23, 59, 59, tzinfo=SHANGHAI)
    with time_machine.travel(before_midnight, tick=False) as traveller:
        with clock.one_day():
            traveller.shift(datetime.timedelta(seconds=2))
            assert clock.today() == D(2026, 12, 7)
        assert clock.today() == D(2026, 12, 8)


def test_one_day_holds_the_demo_date_too(settings):
    settings.PORTAL_TODAY = D(2020, 11, 30)
    with clock.one_day():
        assert clock.today() == D(2020, 11, 30)
