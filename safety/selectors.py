"""Reads for the "隐患清零" (zero-out) page, the dashboard and the API: hazards of a year by field and by township
with their open / closed / overdue counts and zero-out rate, and the open major hazards.

Each figure is one aggregate query whatever the number of hazards (``hazard_zero_out`` makes three queries,
``hazard_years`` one). Pass the hazards the reader may see (``Hazard.objects.restrict(user)``) as ``hazards``.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from core import clock

from .choices import HazardField, HazardLevel, HazardStatus
from .models import Hazard
from .querysets import HazardQuerySet


@dataclass
class ZeroOutRow:
    """Counts for one field, township or the whole year. ``rate``: closed / total in percent (None: no hazards)."""

    key: str
    label: str
    total: int = 0
    open: int = 0
    closed: int = 0
    overdue: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.closed) * 100 / Decimal(self.total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def zeroed(self) -> bool:
        """Every hazard found is closed (隐患清零) — and there was at least one."""
        return self.total > 0 and self.open == 0


@dataclass
class ZeroOut:
    year: int
    by_field: list[ZeroOutRow] = field(default_factory=list)
    by_township: list[ZeroOutRow] = field(default_factory=list)
    totals: ZeroOutRow | None = None
    open_major: list[Hazard] = field(default_factory=list)


def _counts(today: datetime.date) -> dict:
    return {
        "total": Count("pk"),
        "open": Count("pk", filter=Q(status__in=HazardStatus.open())),
        "closed": Count("pk", filter=Q(status=HazardStatus.CLOSED)),
        "overdue": Count("pk", filter=HazardQuerySet.overdue_q(today)),
    }


def _row(key, label, values: dict) -> ZeroOutRow:
    return ZeroOutRow(
        key=str(key),
        label=str(label),
        total=values["total"],
        open=values["open"],
        closed=values["closed"],
        overdue=values["overdue"],
    )


def hazard_years(hazards=None) -> list[int]:
    """The years in which hazards were found, newest first (one query)."""
    hazards = Hazard.objects.all() if hazards is None else hazards
    years = hazards.annotate(year=ExtractYear("found_on")).values_list("year", flat=True).distinct()
    return sorted(set(years.order_by()), reverse=True)


def hazard_zero_out(*, year: int, hazards=None, today: datetime.date | None = None) -> ZeroOut:
    """The zero-out figures of hazards found in ``year`` (three queries)."""
    today = today or clock.today()
    hazards = (Hazard.objects.all() if hazards is None else hazards).for_year(year)
    counts = _counts(today)
    by_field = {row["field"]: row for row in hazards.order_by().values("field").annotate(**counts)}
    result = ZeroOut(year=year)
    empty = {"total": 0, "open": 0, "closed": 0, "overdue": 0}
    for value, label in HazardField.choices:
        result.by_field.append(_row(value, label, by_field.get(value, empty)))
    townships = (
        hazards.order_by()
        .values("township_id", "township__name", "township__sort_order")
        .annotate(**counts)
        .order_by("township__sort_order", "township__name")
    )
    result.by_township = [_row(row["township_id"], row["township__name"], row) for row in townships]
    result.totals = ZeroOutRow(
        key="total",
        label="",
        total=sum(row.total for row in result.by_field),
        open=sum(row.open for row in result.by_field),
        closed=sum(row.closed for row in result.by_field),
        overdue=sum(row.overdue for row in result.by_field),
    )
    result.open_major = list(
        hazards.open()
        .filter(level=HazardLevel.MAJOR)
        .with_overdue(today)
        .select_related("township", "responsible_unit", "enterprise", "signed_off_by")
        .order_by("deadline", "code")
    )
    return result


def zero_out_chart_data(summary: ZeroOut) -> dict:
    """What the 隐患清零 page's charts draw, from figures already counted (no query); for ``json_script``.

    ``by_field``: one stack per field — closed, open within its deadline, overdue (overdue hazards are open ones),
    so a stack is the field's total. ``by_township``: the townships with hazards, by zero-out rate ascending (the
    worst first; ties in the township order).
    """
    townships = sorted((row for row in summary.by_township if row.total), key=lambda row: row.rate)  # stable sort
    return {
        "by_field": {
            "keys": [row.key for row in summary.by_field],
            "labels": [row.label for row in summary.by_field],
            "closed": [row.closed for row in summary.by_field],
            "open": [row.open - row.overdue for row in summary.by_field],
            "overdue": [row.overdue for row in summary.by_field],
        },
        "by_township": {
            "keys": [row.key for row in townships],
            "labels": [row.label for row in townships],
            "rate": [float(row.rate) for row in townships],
            "zeroed": [row.zeroed for row in townships],
        },
        "names": {
            "closed": _("Closed"),
            "open": _("Open, within deadline"),
            "overdue": _("Overdue"),
            "rate": _("Zero-out rate"),
            "hazards": _("Hazards"),
        },
    }
