"""Investment figures of the road project registry, in one place: the summary page uses them now, the
dashboard and the API later. Each function takes a year and optionally a base queryset of projects (already
restricted and filtered; every project by default) and makes a fixed number of queries, whatever the rows.

Completed investment counts the monthly progress that was reported (submitted or accepted,
``ReviewState.counted()``); planned investment is the projects' annual plans for the year.
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from core import clock
from core.choices import ProblemCategory, ReviewState

from .choices import FundingSourceKind, ProjectCategory
from .models import Blocker, FundingSource, InvestmentPlan, MonthlyProgress, Project

ZERO = Decimal("0.00")


def _projects(projects):
    return Project.objects.all() if projects is None else projects


def _of_projects(rows, projects, path: str = "project"):
    """``rows`` (plans, progress, blockers) limited to those of ``projects``. Every project (None, or a queryset
    without any filter) needs no condition: rows always have a project, and a ``project IN (SELECT …)`` would only
    join the whole registry for nothing."""
    if projects is None or not projects.query.has_filters():
        return rows
    return rows.filter(**{f"{path}__in": projects})


def _rate(done: Decimal, planned: Decimal) -> float | None:
    """Completion in % (one decimal), None when nothing was planned."""
    if not planned:
        return None
    return round(float(done) * 100 / float(planned), 1)


def registry_totals(project_filter, year: int) -> dict[str, Decimal]:
    """The registry's totals line (``ProjectQuerySet.investment_totals``) over the rows ``project_filter`` selects,
    all pages. Kept in the dashboard's cache (``dashboard.cache``) under the filters, the year and the day, so
    they are counted again after any audited write to the projects, as the dashboard's figures are, and the two
    agree. Every user who may open the registry reads all of it (``restrict(user, "view")``), so the totals of a
    filter are the same for all of them."""
    from dashboard.cache import get_or_compute

    data = project_filter.data
    chosen = sorted((name, tuple(data.getlist(name))) for name in project_filter.filters if name in data)
    key = hashlib.sha256(repr(chosen).encode()).hexdigest()
    parts = ("project-totals", year, clock.today().isoformat(), key)
    return get_or_compute(parts, lambda: project_filter.qs.investment_totals(year))[0]


def years() -> list[int]:
    """The years with an investment plan, newest first (one query), for year switchers."""
    return list(InvestmentPlan.objects.order_by("-year").values_list("year", flat=True).distinct())


@dataclass
class Figures:
    """Planned and completed investment of a group of projects for a year (万元)."""

    key: str
    label: str
    projects: int = 0
    total_investment: Decimal = ZERO
    planned: Decimal = ZERO
    completed: Decimal = ZERO

    @property
    def rate(self) -> float | None:
        return _rate(self.completed, self.planned)


def _planned(year, projects, group: str) -> dict:
    rows = (
        _of_projects(InvestmentPlan.objects.filter(year=year), projects)
        .order_by()
        .values(group)
        .annotate(total=Sum("amount"))
    )
    return {row[group]: row["total"] for row in rows}


def _counted_progress(year, projects):
    """The year's counted monthly progress of ``projects`` (``month__year`` becomes a date range: indexable)."""
    return _of_projects(
        MonthlyProgress.objects.filter(month__year=year, state__in=ReviewState.counted()), projects
    ).order_by()


def _completed(year, projects, group: str) -> dict:
    rows = _counted_progress(year, projects).values(group).annotate(total=Sum("investment"))
    return {row[group]: row["total"] for row in rows}


def _category_counts(projects) -> dict:
    return {
        row["category"]: row
        for row in projects.order_by().values("category").annotate(count=Count("pk"), total=Sum("total_investment"))
    }


def investment_by_category(year: int, projects=None) -> list[Figures]:
    """Per category: projects, their total investment, and the year's planned and completed investment
    (3 queries)."""
    projects = _projects(projects)
    return _category_figures(
        _category_counts(projects),
        _planned(year, projects, "project__category"),
        _completed(year, projects, "project__category"),
    )


def _category_figures(counts: dict, planned: dict, completed: dict) -> list[Figures]:
    result = []
    for code, label in ProjectCategory.choices:
        if code not in counts:
            continue
        result.append(
            Figures(
                key=code,
                label=str(label),
                projects=counts[code]["count"],
                total_investment=counts[code]["total"] or ZERO,
                planned=planned.get(code) or ZERO,
                completed=completed.get(code) or ZERO,
            )
        )
    return result


def investment_by_township(year: int, projects=None) -> list[Figures]:
    """Per township the projects run through (3 queries). A project running through several townships counts
    fully in each of them, so the townships' figures add up to more than the total."""
    projects = _projects(projects)
    through = Project.townships.through
    counts = (
        through.objects.filter(project__in=projects)
        .order_by()
        .values("township_id", "township__name", "township__sort_order")
        .annotate(count=Count("project_id"), total=Sum("project__total_investment"))
        .order_by("township__sort_order", "township__name")
    )
    planned = _planned(year, projects, "project__townships")
    completed = _completed(year, projects, "project__townships")
    return [
        Figures(
            key=str(row["township_id"]),
            label=row["township__name"],
            projects=row["count"],
            total_investment=row["total"] or ZERO,
            planned=planned.get(row["township_id"]) or ZERO,
            completed=completed.get(row["township_id"]) or ZERO,
        )
        for row in counts
    ]


@dataclass
class SourceFigures:
    key: str
    label: str
    projects: int
    amount: Decimal


def investment_by_funding_source(projects=None) -> list[SourceFigures]:
    """The funding committed by each kind of source over the projects (1 query)."""
    rows = {
        row["source"]: row
        for row in FundingSource.objects.filter(project__in=_projects(projects))
        .order_by()
        .values("source")
        .annotate(count=Count("project_id", distinct=True), amount=Sum("amount"))
    }
    return [
        SourceFigures(code, str(label), rows[code]["count"], rows[code]["amount"] or ZERO)
        for code, label in FundingSourceKind.choices
        if code in rows
    ]


@dataclass
class AnnualCompletion:
    year: int
    planned: Decimal
    completed: Decimal

    @property
    def rate(self) -> float | None:
        return _rate(self.completed, self.planned)


def annual_completion(year: int, projects=None) -> AnnualCompletion:
    """The year's planned and completed investment and the completion % (2 queries)."""
    planned = _of_projects(InvestmentPlan.objects.filter(year=year), projects).aggregate(total=Sum("amount"))
    completed = _counted_progress(year, projects).aggregate(total=Sum("investment"))
    return AnnualCompletion(year, planned["total"] or ZERO, completed["total"] or ZERO)


@dataclass
class MonthFigures:
    month: datetime.date
    planned: Decimal
    completed: Decimal
    planned_cumulative: Decimal
    completed_cumulative: Decimal


def monthly_investment(year: int, projects=None) -> list[MonthFigures]:
    """Planned and completed investment for each month of the year, and both cumulated (2 queries). The annual
    plan is spread evenly over the twelve months (plans are annual)."""
    planned_year = _of_projects(InvestmentPlan.objects.filter(year=year), projects).aggregate(total=Sum("amount"))
    return spread_months(year, planned_year["total"] or ZERO, _completed(year, projects, "month"))


@dataclass
class InvestmentOverview:
    by_category: list[Figures]
    months: list[MonthFigures]


def investment_overview(year: int, projects=None) -> InvestmentOverview:
    """``investment_by_category`` and ``monthly_investment`` together in 3 queries instead of 5: the year's
    counted progress is summed once, by category and month, and the annual plan is the categories' plans."""
    projects = _projects(projects)
    planned = _planned(year, projects, "project__category")
    by_category, by_month = {}, {}
    for row in _counted_progress(year, projects).values("project__category", "month").annotate(total=Sum("investment")):
        by_category[row["project__category"]] = by_category.get(row["project__category"], ZERO) + row["total"]
        by_month[row["month"]] = by_month.get(row["month"], ZERO) + row["total"]
    return InvestmentOverview(
        by_category=_category_figures(_category_counts(projects), planned, by_category),
        months=spread_months(year, sum(planned.values(), ZERO), by_month),
    )


def spread_months(year: int, planned_year: Decimal, completed: dict) -> list[MonthFigures]:
    """Twelve months: the annual plan spread evenly, the completed amounts as given ({month: amount})."""
    result, done, planned_year = [], ZERO, Decimal(planned_year or 0)
    for number in range(1, 13):
        month = datetime.date(year, number, 1)
        planned_cumulative = (planned_year * number / 12).quantize(Decimal("0.01"))
        previous = (planned_year * (number - 1) / 12).quantize(Decimal("0.01"))
        this_month = completed.get(month) or ZERO
        done += this_month
        result.append(MonthFigures(month, planned_cumulative - previous, this_month, planned_cumulative, done))
    return result


def projects_behind_schedule(projects=None, today: datetime.date | None = None):
    """The projects behind schedule (see ``ProjectQuerySet.behind_schedule_q``), as a queryset."""
    return _projects(projects).behind_schedule(today).for_list()


@dataclass
class BlockerCount:
    key: str
    label: str
    count: int
    projects: int


def blockers_by_category(year: int, projects=None) -> list[BlockerCount]:
    """Blockers named in the year's counted progress, per category: how many, on how many projects
    (1 query)."""
    blockers = Blocker.objects.filter(progress__month__year=year, progress__state__in=ReviewState.counted())
    rows = {
        row["category"]: row
        for row in _of_projects(blockers, projects, "progress__project")
        .order_by()
        .values("category")
        .annotate(count=Count("pk"), projects=Count("progress__project", distinct=True))
    }
    return [
        BlockerCount(code, str(label), rows[code]["count"], rows[code]["projects"])
        for code, label in ProblemCategory.choices
        if code in rows
    ]


def progress_years(projects=None) -> list[int]:
    """Years with counted progress (1 query)."""
    return list(
        _of_projects(MonthlyProgress.objects.filter(state__in=ReviewState.counted()), projects)
        .annotate(year=ExtractYear("month"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
