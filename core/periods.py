"""The default year and week of every page, export and API: one rule, so the dashboard, the briefing, the
investment and hazard pages and the API open on the same period.

The default year is this year (``core.clock.today()``) when there is a plan for it (a work plan or an investment
plan), else the latest year that has one. The default week is the last full week (what the weekly meeting looks back
on) while the year is the current one; for another year it is the year's last full week.
"""

import datetime

from django.apps import apps
from django.utils.formats import date_format

from liuyang_transport.formats.dates import DATE_INPUT_FORMATS

from . import clock
from .filters import YEARS


def within_years(day: datetime.date) -> bool:
    """Whether a page, an export or the API may show ``day``'s period: its year is one of ``core.filters.YEARS``
    (a roster month of the year 9999 or 1 is no page, and its neighbours are not computed)."""
    return YEARS[0] <= day.year <= YEARS[1]


def month_label(month: datetime.date) -> str:
    """A month as the portal shows it: 2020年12月 (December 2020 in English)."""
    return date_format(month, "YEAR_MONTH_FORMAT")


def parse_day(text: str) -> datetime.date | None:
    """A day typed year first (``liuyang_transport.formats.dates``: 2020-11-30, 2020/11/30 …), or None."""
    for pattern in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def month_start(year: int, month: int) -> datetime.date | None:
    """The first day of month ``month`` of ``year``, if that is a month a page may show."""
    if not YEARS[0] <= year <= YEARS[1] or not 1 <= month <= 12:
        return None
    return datetime.date(year, month, 1)


def last_week_start(day: datetime.date) -> datetime.date:
    """The Monday of the last full week before ``day``'s: what the weekly meeting (周例会) and the Monday digest
    look back on."""
    return day - datetime.timedelta(days=day.weekday() + 7)


def plan_years() -> set[int]:
    """The years with a work plan or an investment plan (one query)."""
    work_plans = apps.get_model("plans", "WorkPlan").objects.order_by().values_list("year", flat=True)
    investment_plans = apps.get_model("projects", "InvestmentPlan").objects.order_by().values_list("year", flat=True)
    return set(work_plans.union(investment_plans))


def default_year(today: datetime.date | None = None) -> int:
    """This year if it has a plan, else the latest year with one; this year when there is no plan at all
    (one query)."""
    today = today or clock.today()
    years = plan_years()
    return today.year if today.year in years or not years else max(years)


def default_week_start(year: int | None = None, today: datetime.date | None = None) -> datetime.date:
    """The Monday of the default week of ``year`` (by default ``default_year()``): the last full week while
    ``year`` is the current one, else the last full week of ``year``."""
    today = today or clock.today()
    year = default_year(today) if year is None else year
    return last_week_start(today if year == today.year else datetime.date(year + 1, 1, 1))
