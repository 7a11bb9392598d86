"""Reads of the projects app: who may see or change what, and the derived facts (investment to date, behind
schedule, blockers) that lists and summaries need. Derived figures are query annotations, never stored.

Every queryset a user reaches goes through ``restrict(user, action)``; an object outside it is a 404.
"""

import datetime
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models import Case, DecimalField, Exists, F, FilteredRelation, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from core import clock
from core.choices import ReviewState
from core.models import MonthlyReviewQuerySet

from .choices import ProjectStage

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def _today(today: datetime.date | None) -> datetime.date:
    return today or clock.today()


def _model(name: str):
    return apps.get_model("projects", name)


def _sum_of(queryset, field: str):
    """A correlated subquery giving the sum of ``field`` over ``queryset`` (already filtered on OuterRef),
    0 when there are no rows."""
    summed = queryset.order_by().values("project").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=MONEY), ZERO, output_field=MONEY)


class ProjectQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """``view``: every active bureau user reads the registry. ``change`` (facts, milestones, monthly
        progress): administrators, and staff and unit heads of the project's responsible unit. ``manage``
        (create, hand to another unit, delete): administrators only."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if action == "view" or user.is_administrator:
            return self
        if action == "change" and user.is_unit_member:
            return self.filter(responsible_unit_id=user.unit_id)
        return self.none()

    # Schedule ---------------------------------------------------------------------------------------------

    @staticmethod
    def behind_schedule_q(today: datetime.date | None = None) -> Q:
        """Behind schedule (滞后) means, on ``today``:

        - one of the project's milestones is overdue: its planned date has passed and it has no actual date; or
        - the project is not completed and its planned finish date has passed.

        A milestone done late shows its delay on the timeline, but once done it no longer holds the project
        behind: the question is whether the project is late *now*.

        The milestones are an ``IN`` (one hashed list of projects) rather than a correlated ``EXISTS``, which
        PostgreSQL estimates so high that it compiles the query (JIT) for a third of its time."""
        today = _today(today)
        overdue_milestones = _model("Milestone").objects.filter(planned_date__lt=today, actual_date__isnull=True)
        return Q(pk__in=overdue_milestones.values("project_id")) | (
            Q(planned_finish__lt=today) & ~Q(stage=ProjectStage.COMPLETED) & Q(actual_finish__isnull=True)
        )

    def behind_schedule(self, today: datetime.date | None = None):
        return self.filter(self.behind_schedule_q(today))

    def with_behind_schedule(self, today: datetime.date | None = None):
        return self.annotate(
            behind=Case(
                When(self.behind_schedule_q(today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    # Investment -------------------------------------------------------------------------------------------

    def with_investment(self, year: int):
        """Annotate, from the counted monthly progress (submitted or accepted):
        ``year_planned`` (the year's planned investment), ``year_completed`` (completed in the year),
        ``cumulative`` (completed since the start), ``latest_physical`` (physical progress % of the latest
        counted month) and ``latest_month``. One query with correlated subqueries, whatever the rows."""
        progress = _model("MonthlyProgress").objects.filter(project=OuterRef("pk"), state__in=ReviewState.counted())
        plans = _model("InvestmentPlan").objects.filter(project=OuterRef("pk"), year=year)
        latest = progress.order_by("-month")
        return self.annotate(
            year_planned=_sum_of(plans, "amount"),
            year_completed=_sum_of(progress.filter(month__year=year), "investment"),
            cumulative=_sum_of(progress, "investment"),
            latest_physical=Subquery(latest.values("physical_progress")[:1]),
            latest_month=Subquery(latest.values("month")[:1]),
        )

    def investment_totals(self, year: int) -> dict[str, Decimal]:
        """The totals of ``with_investment``'s figures over the rows of this queryset, however filtered:
        ``total_investment``, ``planned`` (the year's planned investment) and ``completed`` (counted progress of
        the year), each 0 when there is nothing to add up.

        Grouped joins, not a sum of the per-project subqueries: one pass over the projects with their plan of the
        year (at most one row a project) and one over the year's counted progress, whatever the rows — the
        subqueries ran once per project (30,000 of them at province scale). Two queries. The whole registry
        (no filter) needs no ``pk IN (SELECT …)``, which would join every project to itself for nothing."""
        whole = not self.query.has_filters()
        projects = self.model.objects.all() if whole else self.model.objects.filter(pk__in=self.order_by().values("pk"))
        totals = projects.annotate(
            plan=FilteredRelation("investment_plans", condition=Q(investment_plans__year=year))
        ).aggregate(
            total_investment=Coalesce(Sum("total_investment"), ZERO, output_field=MONEY),
            planned=Coalesce(Sum("plan__amount"), ZERO, output_field=MONEY),
        )
        progress = _model("MonthlyProgress").objects.counted().filter(month__year=year)
        if not whole:
            progress = progress.filter(project__in=projects)
        totals.update(progress.aggregate(completed=Coalesce(Sum("investment"), ZERO, output_field=MONEY)))
        return totals

    # Blockers ---------------------------------------------------------------------------------------------

    @staticmethod
    def has_blockers_q() -> Q:
        """The latest counted month's progress names at least one blocker."""
        latest = (
            _model("MonthlyProgress")
            .objects.filter(project=OuterRef(OuterRef("pk")), state__in=ReviewState.counted())
            .order_by("-month")
            .values("pk")[:1]
        )
        return Q(Exists(_model("Blocker").objects.filter(progress_id=Subquery(latest))))

    @staticmethod
    def blocker_q(category: str, year: int | None = None) -> Q:
        """A blocker of ``category`` named in the project's counted progress — of a month in ``year`` when given:
        the projects ``selectors.blockers_by_category`` counts."""
        blockers = _model("Blocker").objects.filter(
            progress__project=OuterRef("pk"), progress__state__in=ReviewState.counted(), category=category
        )
        if year is not None:
            blockers = blockers.filter(
                progress__month__gte=datetime.date(year, 1, 1), progress__month__lte=datetime.date(year, 12, 31)
            )
        return Q(Exists(blockers))

    def with_blockers(self):
        return self.annotate(
            has_blockers=Case(
                When(self.has_blockers_q(), then=Value(True)), default=Value(False), output_field=models.BooleanField()
            )
        )

    def for_list(self):
        return self.select_related("responsible_unit", "leader")


class MilestoneQuerySet(models.QuerySet):
    def with_delay(self, today: datetime.date | None = None):
        """``delay_days`` — actual − planned when done; today − planned when not done and past due; 0 when not
        yet due; None without a planned date. Computed in Python for portability (dates differ by backend)."""
        return self

    def overdue(self, today: datetime.date | None = None):
        return self.filter(planned_date__lt=_today(today), actual_date__isnull=True)


class MonthlyProgressQuerySet(MonthlyReviewQuerySet):
    """A month's progress's unit is its project's responsible unit; every reader sees it once it is out of its
    author's hands (``MonthlyReviewQuerySet.restrict``)."""

    unit_lookup = "project__responsible_unit_id"
    public_states = (ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.ACCEPTED)

    def counted(self):
        """The rows whose investment counts in the figures: submitted or accepted."""
        return self.filter(state__in=ReviewState.counted())

    def with_totals(self):
        """Annotate ``ytd`` (year to date) and ``cumulative`` investment up to and including each row's month,
        from the project's counted rows (correlated subqueries, so they stay right whatever else filters the
        queryset). A row that is not counted itself (a draft) shows what the figures would be with it."""
        counted = self.model.objects.filter(project=OuterRef("project"), state__in=ReviewState.counted())
        own = Case(When(state__in=ReviewState.counted(), then=ZERO), default=F("investment"), output_field=MONEY)
        before = counted.filter(month__lte=OuterRef("month"))
        return self.annotate(
            cumulative=_sum_of(before, "investment") + own,
            ytd=_sum_of(before.filter(month__year=OuterRef("month__year")), "investment") + own,
        )

    def for_list(self):
        return self.select_related("project__responsible_unit", "author", "reviewed_by")
