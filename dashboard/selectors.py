"""The leadership dashboard's figures for a year: a fixed number of aggregate queries whatever the data
(``dashboard_figures``: 17), built on the apps' own querysets and selectors, so that each figure counts what the
list it links to shows. The page renders them once and keeps the result in the cache (``dashboard.cache``).

Everything here reads all the bureau's data: only those who read everything (leaders, administrators) see the
dashboard (``may_view_dashboard``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Value
from django.utils.translation import gettext as _

from core import clock
from core.choices import ReviewState
from inspections.models import Draw, Inspection
from monitoring import figures as monitoring_figures
from monitoring.models import DailyRollup, SupervisionNotice
from organisation.models import Unit
from plans.choices import MeasureStatus
from plans.models import KeyTask, Measure, ProgressReport, WorkPlan
from plans.querysets import MeasureQuerySet
from projects import selectors as project_selectors
from projects.models import Project
from safety.choices import HazardField, HazardLevel, HazardStatus
from safety.models import Hazard
from safety.querysets import HazardQuerySet
from safety.selectors import ZeroOutRow


def may_view_dashboard(user) -> bool:
    """Bureau leaders and administrators: the dashboard counts every unit's data."""
    return bool(user.is_authenticated and user.is_active and user.reads_everything)


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


# Key tasks ----------------------------------------------------------------------------------------------------------


@dataclass
class KeyTaskFigures:
    pk: int
    number: int
    title: str
    total: int
    completed: int
    overdue: int
    completed_due: int  # completed among the measures whose due date has passed
    average_progress: float

    @property
    def done_rate(self) -> float | None:
        return _percent(self.completed, self.total)

    @property
    def on_time_rate(self) -> float | None:
        """按期完成率: of the measures due by now (cancelled ones aside), the share completed — the others are
        overdue. None while none is due."""
        return _percent(self.completed_due, self.completed_due + self.overdue)


def key_task_figures(year: int, today: datetime.date) -> list[KeyTaskFigures]:
    """The year's key tasks with their measures' figures (1 query, ``KeyTaskQuerySet.with_summary``)."""
    rows = (
        KeyTask.objects.filter(plan__year=year)
        .with_summary(today)
        .annotate(
            completed_due=Count(
                "measures", filter=Q(measures__status=MeasureStatus.COMPLETED, measures__due_date__lt=today)
            )
        )
        .order_by("number")
    )
    return [
        KeyTaskFigures(
            pk=task.pk,
            number=task.number,
            title=task.title,
            total=task.measure_count,
            completed=task.completed_count,
            overdue=task.overdue_count,
            completed_due=task.completed_due,
            average_progress=round(task.average_progress or 0, 1),
        )
        for task in rows
    ]


def plan_totals(tasks: list[KeyTaskFigures]) -> KeyTaskFigures:
    """The whole plan's figures, added up from its key tasks (no query)."""
    total = sum(task.total for task in tasks)
    return KeyTaskFigures(
        pk=0,
        number=0,
        title="",
        total=total,
        completed=sum(task.completed for task in tasks),
        overdue=sum(task.overdue for task in tasks),
        completed_due=sum(task.completed_due for task in tasks),
        average_progress=round(sum(task.average_progress * task.total for task in tasks) / total, 1) if total else 0,
    )


# Units --------------------------------------------------------------------------------------------------------------


@dataclass
class UnitFigures:
    pk: int
    name: str
    leader: str
    measures: int  # the year's measures it leads or cooperates on (as the measure list's unit filter)
    overdue: int
    returned: int  # its measures' progress reports now returned for correction
    rank: int = 0


def unit_figures(year: int, today: datetime.date) -> list[UnitFigures]:
    """Per unit with measures in the year: its measures, overdue ones and returned reports, ranked by overdue
    measures then returned reports, most first (4 queries: measures it leads, measures it cooperates on but does
    not lead — so that no measure counts twice, as in the measure list's unit filter —, returned reports, units)."""
    measures = Measure.objects.filter(key_task__plan__year=year)
    overdue = MeasureQuerySet.overdue_q(today)
    # The cooperating units and the reports reach the year's measures by joins, not ``measure IN (SELECT …)``.
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in (
        measures.exclude(lead_unit=None)
        .order_by()
        .values("lead_unit")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=overdue))
    ):
        counts[row["lead_unit"]][0] += row["total"]
        counts[row["lead_unit"]][1] += row["overdue"]
    cooperating = Measure.cooperating_units.through.objects.filter(measure__key_task__plan__year=year).exclude(
        measure__lead_unit=F("unit")
    )
    for row in (
        cooperating.order_by()
        .values("unit")
        .annotate(
            total=Count("measure"), overdue=Count("measure", filter=MeasureQuerySet.overdue_q(today, "measure__"))
        )
    ):
        counts[row["unit"]][0] += row["total"]
        counts[row["unit"]][1] += row["overdue"]
    for row in (
        ProgressReport.objects.filter(state=ReviewState.RETURNED, measure__key_task__plan__year=year)
        .order_by()
        .values("measure__lead_unit")
        .annotate(returned=Count("pk"))
    ):
        if row["measure__lead_unit"] in counts:
            counts[row["measure__lead_unit"]][2] += row["returned"]
    units = Unit.objects.filter(pk__in=list(counts)).select_related("overseeing_leader")
    rows = sorted(units, key=lambda unit: (-counts[unit.pk][1], -counts[unit.pk][2], unit.sort_order, unit.name))
    return [
        UnitFigures(
            pk=unit.pk,
            name=unit.short_name or unit.name,
            leader=str(unit.overseeing_leader or ""),
            measures=counts[unit.pk][0],
            overdue=counts[unit.pk][1],
            returned=counts[unit.pk][2],
            rank=position,
        )
        for position, unit in enumerate(rows, start=1)
    ]


# Projects -----------------------------------------------------------------------------------------------------------


@dataclass
class ProjectFigures:
    by_category: list[project_selectors.Figures]
    months: list[project_selectors.MonthFigures]
    behind_schedule: int
    blockers: list[project_selectors.BlockerCount]

    @property
    def projects(self) -> int:
        return sum(row.projects for row in self.by_category)

    @property
    def planned(self):
        return sum((row.planned for row in self.by_category), project_selectors.ZERO)

    @property
    def completed(self):
        return sum((row.completed for row in self.by_category), project_selectors.ZERO)

    @property
    def rate(self) -> float | None:
        return project_selectors._rate(self.completed, self.planned)


def project_figures(year: int, today: datetime.date) -> ProjectFigures:
    """Investment by category and by month (3 queries: ``investment_overview``), projects behind schedule,
    blockers by category (5 queries)."""
    investment = project_selectors.investment_overview(year)
    return ProjectFigures(
        by_category=investment.by_category,
        months=investment.months,
        behind_schedule=Project.objects.behind_schedule(today).count(),
        blockers=project_selectors.blockers_by_category(year),
    )


# Safety -------------------------------------------------------------------------------------------------------------


@dataclass
class SafetyFigures:
    by_field: list[ZeroOutRow]
    totals: ZeroOutRow
    open_major: int
    month: datetime.date  # this month's first day, or the year's last month once the year is over
    month_end: datetime.date
    month_is_current: bool
    inspections_this_month: int
    draws_this_month: int


def _month_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = today.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def safety_figures(year: int, today: datetime.date) -> SafetyFigures:
    """Hazards found in the year by field (open, closed, overdue; as ``safety.selectors.hazard_zero_out``) and
    open major ones (1 query, grouped by field and level); inspections and draws this month, or in the year's
    last month once the year is over (2 queries).

    The hazards are counted as ``COUNT(1)``, not ``COUNT(id)``: an index holding the year's date and the columns
    counted could then answer without reading the table (an index-only scan)."""
    one = Value(1)
    rows = (
        Hazard.objects.for_year(year)
        .order_by()
        .values("field", "level")
        .annotate(
            total=Count(one),
            open=Count(one, filter=Q(status__in=HazardStatus.open())),
            closed=Count(one, filter=Q(status=HazardStatus.CLOSED)),
            overdue=Count(one, filter=HazardQuerySet.overdue_q(today)),
        )
    )
    by_field = {value: ZeroOutRow(key=value, label=str(label)) for value, label in HazardField.choices}
    totals = ZeroOutRow(key="total", label="")
    open_major = 0
    for row in rows:
        for target in (by_field[row["field"]], totals):
            target.total += row["total"]
            target.open += row["open"]
            target.closed += row["closed"]
            target.overdue += row["overdue"]
        if row["level"] == HazardLevel.MAJOR:
            open_major += row["open"]
    first, last = _month_bounds(min(today, datetime.date(year, 12, 31)))
    return SafetyFigures(
        by_field=list(by_field.values()),
        totals=totals,
        open_major=open_major,
        month=first,
        month_end=last,
        month_is_current=first <= today <= last,
        inspections_this_month=Inspection.objects.filter(date__gte=first, date__lte=last).count(),
        draws_this_month=Draw.objects.made_in_month(first).count(),
    )


# Two-passenger one-dangerous monitoring -----------------------------------------------------------------------------


@dataclass
class MonitoringFigures:
    month: datetime.date
    total: monitoring_figures.Figure  # alarms per 1,000 km with the same month last year, 处置率, 处理率, night running
    notices_awaiting_reply: int


def monitoring_figures_for(year: int, today: datetime.date) -> MonitoringFigures:
    """Last month's monitoring figures (the year's December once the year is over) from the daily rollups (1
    query) and the supervision notices awaiting the enterprise's reply (1 query)."""
    month = monitoring_figures.last_month_of(year, today)
    return MonitoringFigures(
        month=month,
        total=monitoring_figures.total(month=month, rollups=DailyRollup.objects.all()),
        notices_awaiting_reply=SupervisionNotice.objects.awaiting_reply().count(),
    )


# The dashboard ------------------------------------------------------------------------------------------------------


@dataclass
class DashboardFigures:
    year: int
    today: datetime.date
    has_plan: bool
    key_tasks: list[KeyTaskFigures]
    plan: KeyTaskFigures
    units: list[UnitFigures]
    projects: ProjectFigures
    safety: SafetyFigures
    monitoring: MonitoringFigures
    years: list[int] = field(default_factory=list)


def dashboard_years(today: datetime.date) -> list[int]:
    """The years to choose from: those with a work plan or an investment plan, and this year (2 queries)."""
    found = set(WorkPlan.objects.values_list("year", flat=True)) | set(project_selectors.years())
    return sorted(found | {today.year}, reverse=True)


def dashboard_figures(year: int, today: datetime.date | None = None) -> DashboardFigures:
    """Every figure of the dashboard for ``year`` (17 queries; see the sections' functions)."""
    today = today or clock.today()
    key_tasks = key_task_figures(year, today)
    return DashboardFigures(
        year=year,
        today=today,
        has_plan=bool(key_tasks),
        key_tasks=key_tasks,
        plan=plan_totals(key_tasks),
        units=unit_figures(year, today),
        projects=project_figures(year, today),
        safety=safety_figures(year, today),
        monitoring=monitoring_figures_for(year, today),
        years=dashboard_years(today),
    )


#: The rows of a long list (key tasks, units) the dashboard shows at first, and loads on demand a page at a time:
#: the page stays the same weight at province scale (500 key tasks, 300 units).
ROWS_SHOWN = 10


@dataclass
class Rows:
    """A page of a long list: its ``rows``, and the offset of the next page (None after the last)."""

    rows: list
    next_offset: int | None
    remaining: int


def rows_from(rows: list, offset: int) -> Rows:
    """The ``ROWS_SHOWN`` rows of ``rows`` from ``offset`` (no query)."""
    offset = max(offset, 0)
    end = offset + ROWS_SHOWN
    return Rows(rows[offset:end], end if end < len(rows) else None, max(len(rows) - end, 0))


def first_rows(rows: list) -> Rows:
    return rows_from(rows, 0)


def dashboard_chart_data(figures: DashboardFigures) -> dict:
    """What dashboard.js draws, from figures already counted (no query); for ``json_script``. Money as floats
    (万元), rates in %. The key tasks' and the units' charts draw the rows shown at first (``ROWS_SHOWN``: the
    units ranked worst first), so that the page's weight does not grow with the province."""
    projects, safety = figures.projects, figures.safety
    key_tasks, units = figures.key_tasks[:ROWS_SHOWN], figures.units[:ROWS_SHOWN]
    return {
        "key_tasks": {
            "labels": [f"{task.number}. {task.title}" for task in key_tasks],
            "completed": [task.completed for task in key_tasks],
            "open": [task.total - task.completed - task.overdue for task in key_tasks],
            "overdue": [task.overdue for task in key_tasks],
        },
        "units": {
            "labels": [unit.name for unit in units],
            "overdue": [unit.overdue for unit in units],
            "returned": [unit.returned for unit in units],
        },
        "investment_by_category": {
            "labels": [row.label for row in projects.by_category],
            "planned": [float(row.planned) for row in projects.by_category],
            "completed": [float(row.completed) for row in projects.by_category],
        },
        "investment_by_month": {
            "labels": [f"{month.month.month}" for month in projects.months],
            "completed": [float(month.completed) for month in projects.months],
            "planned_cumulative": [float(month.planned_cumulative) for month in projects.months],
            "completed_cumulative": [float(month.completed_cumulative) for month in projects.months],
        },
        "blockers": [{"name": row.label, "value": row.count} for row in projects.blockers],
        "names": {
            "completed": _("Completed"),
            "open": _("Open, not overdue"),
            "overdue": _("Overdue"),
            "returned": _("Returned reports"),
            "planned": _("Planned"),
            "planned_cumulative": _("Planned, cumulative"),
            "completed_cumulative": _("Completed, cumulative"),
            "closed": _("Closed"),
            "measures": _("Measures"),
            "money": _("10k yuan"),
            "hazards": _("Hazards"),
            "month": _("Month"),
        },
        "hazards_by_field": {
            "labels": [row.label for row in safety.by_field],
            "closed": [row.closed for row in safety.by_field],
            "open": [row.open - row.overdue for row in safety.by_field],
            "overdue": [row.overdue for row in safety.by_field],
        },
    }
