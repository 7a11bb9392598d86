"""The monitoring figures, read from the daily rollups (never from the raw alarms):

- alarms per 1,000 km (报警数 ÷ 里程 × 1000) by enterprise, vehicle, driver, alarm type and month, with the same
  month last year and the change (同比);
- 处置率: alarms handled within ``settings.MONITORING_HANDLING_MINUTES`` ÷ alarms; 处理率: alarms handled ÷ alarms;
- night running: vehicle-days on which a passenger vehicle ran between 02:00 and 05:00 (Asia/Shanghai);
- the monthly ranking: the best and the worst enterprises and drivers by alarms per 1,000 km;
- ``FIGURES``: the county's alarms per 1,000 km over a year, for checklist items (``checklists.registry``).

Each function is one query (or two), whatever the number of rows; every figure says which alarms it counts
(``alarm_query``: the alarm list's filters).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checklists.registry import ChecklistFigure

from .choices import AlarmType
from .models import DailyRollup
from .querysets import month_end

RANKING_SIZE = 10
_THOUSAND = Decimal(1000)


def same_month_last_year(month: datetime.date) -> datetime.date:
    return month.replace(year=month.year - 1)


def previous_month(day: datetime.date) -> datetime.date:
    first = day.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _ratio(part, whole) -> Decimal | None:
    if not whole:
        return None
    return Decimal(part or 0) / Decimal(whole)


@dataclass
class Figure:
    """One row of figures for a month: what it is about, the month's and the same month last year's counts."""

    label: str
    alarm_query: dict = field(default_factory=dict)
    km: Decimal = Decimal("0")
    alarms: int = 0
    handled: int = 0
    handled_in_time: int = 0
    night_running: int = 0
    km_last_year: Decimal = Decimal("0")
    alarms_last_year: int = 0

    @property
    def per_1000_km(self) -> Decimal | None:
        rate = _ratio(self.alarms, self.km)
        return None if rate is None else (rate * _THOUSAND).quantize(Decimal("0.01"))

    @property
    def per_1000_km_last_year(self) -> Decimal | None:
        rate = _ratio(self.alarms_last_year, self.km_last_year)
        return None if rate is None else (rate * _THOUSAND).quantize(Decimal("0.01"))

    @property
    def change(self) -> Decimal | None:
        """The change against the same month last year, as a fraction (-0.2 is 同比下降20%)."""
        now, before = self.per_1000_km, self.per_1000_km_last_year
        if now is None or not before:
            return None
        return ((now - before) / before).quantize(Decimal("0.0001"))

    @property
    def disposal_rate(self) -> Decimal | None:
        """处置率: handled within the time limit ÷ alarms."""
        rate = _ratio(self.handled_in_time, self.alarms)
        return None if rate is None else rate.quantize(Decimal("0.0001"))

    @property
    def handling_rate(self) -> Decimal | None:
        """处理率: handled ÷ alarms."""
        rate = _ratio(self.handled, self.alarms)
        return None if rate is None else rate.quantize(Decimal("0.0001"))


def _month_q(month: datetime.date) -> Q:
    return Q(day__gte=month, day__lte=month_end(month))


def _sums(month: datetime.date) -> dict:
    this, last = _month_q(month), _month_q(same_month_last_year(month))
    return {
        "month_km": Sum("km", filter=this),
        "month_alarms": Sum("alarms", filter=this),
        "month_handled": Sum("handled", filter=this),
        "month_handled_in_time": Sum("handled_in_time", filter=this),
        "month_night_running": Count("pk", filter=this & Q(night_running=True)),
        "last_year_km": Sum("km", filter=last),
        "last_year_alarms": Sum("alarms", filter=last),
    }


def _figure(label: str, alarm_query: dict, values: dict) -> Figure:
    return Figure(
        label=label,
        alarm_query=alarm_query,
        km=values["month_km"] or Decimal("0"),
        alarms=values["month_alarms"] or 0,
        handled=values["month_handled"] or 0,
        handled_in_time=values["month_handled_in_time"] or 0,
        night_running=values["month_night_running"] or 0,
        km_last_year=values["last_year_km"] or Decimal("0"),
        alarms_last_year=values["last_year_alarms"] or 0,
    )


def _scope(user, rollups):
    """The rollups the figures count: ``rollups`` when given (background work and API tokens, which read
    everything: ``DailyRollup.objects.all()``), else those ``user`` may see."""
    return rollups if rollups is not None else DailyRollup.objects.restrict(user)


def _rollups(user, month: datetime.date, rollups=None):
    return _scope(user, rollups).filter(_month_q(month) | _month_q(same_month_last_year(month)))


def total(*, month: datetime.date, user=None, rollups=None) -> Figure:
    """The county's month (what ``user`` may see): one query."""
    values = _rollups(user, month, rollups).aggregate(**_sums(month))
    return _figure(_("All enterprises"), {"month": f"{month:%Y-%m}"}, values)


def last_month_of(year: int, today: datetime.date) -> datetime.date:
    """The month a summary of ``year`` shows: last month, or the year's December once the year is over."""
    return previous_month(min(today, datetime.date(year + 1, 1, 1)))


DIMENSIONS = {
    # dimension → (the rollup's key, its label, the alarm list's filter)
    "enterprise": ("enterprise_id", "enterprise__name", "enterprise"),
    "vehicle": ("vehicle_id", "vehicle__plate", "vehicle"),
    "driver": ("driver_id", "driver__name", "driver"),
}


def by(*, month: datetime.date, dimension: str, user=None, rollups=None) -> list[Figure]:
    """The month's figures by enterprise, vehicle or driver (rollups without a driver are left out of the
    drivers'), the largest mileage first: one query."""
    return _by(_rollups(user, month, rollups), month, dimension)


def _by(rollups, month: datetime.date, dimension: str) -> list[Figure]:
    key, label, parameter = DIMENSIONS[dimension]
    if dimension == "driver":
        rollups = rollups.filter(driver__isnull=False)
    rows = rollups.values(key, label).annotate(**_sums(month)).order_by(key)
    figures = [
        _figure(row[label], {parameter: row[key], "month": f"{month:%Y-%m}"}, row)
        for row in rows
        if row["month_km"] or row["month_alarms"]
    ]
    figures.sort(key=lambda figure: (-figure.km, figure.label))
    return figures


def by_type(*, month: datetime.date, user=None, rollups=None) -> list[Figure]:
    """The month's alarms per 1,000 km by alarm type (the month's whole mileage is each type's denominator):
    one query."""
    this_month, last_year = month, same_month_last_year(month)
    km = {this_month: Decimal("0"), last_year: Decimal("0")}
    counts = {this_month: {}, last_year: {}}
    for day, kilometres, types in _rollups(user, month, rollups).values_list("day", "km", "by_type"):
        period = this_month if day >= this_month else last_year
        km[period] += kilometres
        for alarm_type, count in types.items():
            counts[period][alarm_type] = counts[period].get(alarm_type, 0) + count
    figures = []
    for alarm_type, label in AlarmType.choices:
        alarms, alarms_last_year = counts[this_month].get(alarm_type, 0), counts[last_year].get(alarm_type, 0)
        if not (alarms or alarms_last_year):
            continue
        figures.append(
            Figure(
                label=str(label),
                alarm_query={"alarm_type": alarm_type, "month": f"{month:%Y-%m}"},
                km=km[this_month],
                alarms=alarms,
                km_last_year=km[last_year],
                alarms_last_year=alarms_last_year,
            )
        )
    return figures


def monthly(*, year: int, user=None, rollups=None) -> list[Figure]:
    """Each month of ``year`` with the same month of the year before: one query."""
    rollups = _scope(user, rollups).filter(day__year__in=[year, year - 1])
    rows = {(day.year, day.month): values for day, *values in _month_rows(rollups)}
    figures = []
    for number in range(1, 13):
        km, alarms, handled, in_time = rows.get((year, number), (Decimal("0"), 0, 0, 0))
        km_before, alarms_before, _h, _t = rows.get((year - 1, number), (Decimal("0"), 0, 0, 0))
        figures.append(
            Figure(
                label=f"{year}-{number:02d}",
                alarm_query={"month": f"{year}-{number:02d}"},
                km=km,
                alarms=alarms,
                handled=handled,
                handled_in_time=in_time,
                km_last_year=km_before,
                alarms_last_year=alarms_before,
            )
        )
    return figures


def _month_rows(rollups):
    rows = (
        rollups.annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            month_km=Sum("km"),
            month_alarms=Sum("alarms"),
            month_handled=Sum("handled"),
            month_in_time=Sum("handled_in_time"),
        )
        .order_by("month")
    )
    for row in rows:
        yield (
            row["month"],
            row["month_km"] or Decimal("0"),
            row["month_alarms"] or 0,
            row["month_handled"] or 0,
            row["month_in_time"] or 0,
        )


@dataclass
class Ranking:
    best: list[Figure]
    worst: list[Figure]


def ranking(figures: list[Figure], size: int = RANKING_SIZE) -> Ranking:
    """The best (fewest alarms per 1,000 km) and the worst of ``figures`` that ran this month; a figure is in
    one list only."""
    ranked = sorted((f for f in figures if f.km), key=lambda f: (f.per_1000_km, f.label))
    best = ranked[:size]
    chosen = {id(f) for f in best}
    worst = [f for f in reversed(ranked) if id(f) not in chosen][:size]
    return Ranking(best=best, worst=worst)


def alarms_per_1000_km(year: int, param: str = "") -> Decimal | None:
    """The county's alarms per 1,000 km over ``year``: the months of ``monthly`` added up (one query)."""
    km, alarms = Decimal("0"), 0
    for _month, month_km, month_alarms, _handled, _in_time in _month_rows(DailyRollup.objects.filter(day__year=year)):
        km += month_km
        alarms += month_alarms
    return Figure(label=str(year), km=km, alarms=alarms).per_1000_km


FIGURES = [
    ChecklistFigure(
        key="monitoring.alarms_per_1000_km",
        label=gettext_lazy("Alarms per 1,000 km"),
        unit=gettext_lazy("alarms / 1,000 km"),
        compute=alarms_per_1000_km,
    ),
]
