"""Writes of the projects app. Every door (pages, admin, imports, later the API) goes through these, so each
rule and each permission check is made once. Each service runs in a transaction under the acting user, so the
audit history records who made the change."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.audit import set_actor
from core.permissions import require_in
from core.reviews import (
    ReviewEvents,
    check_month,
    first_of_month,
    review_accept,
    review_mark_submitted,
    review_notify,
    review_reason,
    review_return,
    review_submit,
    review_take_up,
)
from core.uploads import check_photo, stored_file_create
from core.writes import Writes, check_editable, refusal
from events.choices import EventKind

from .choices import ProjectStage
from .models import (
    Blocker,
    FundingSource,
    InvestmentPlan,
    Milestone,
    MonthlyProgress,
    ProgressPhoto,
    Project,
    ProjectListing,
)

#: What the review steps of a month's progress raise; the project's responsible unit's head reviews it.
PROGRESS_EVENTS = ReviewEvents(
    submitted=EventKind.PROGRESS_SUBMITTED,
    returned=EventKind.PROGRESS_RETURNED,
    accepted=EventKind.PROGRESS_ACCEPTED,
    unit_id=lambda progress: progress.project.responsible_unit_id,
)


@dataclass(frozen=True)
class BlockerItem:
    category: str
    description: str


def blocker_item(*, category: str | None, description: str) -> BlockerItem | None:
    """The blocker given by a kind and a text, both or neither (None): a text needs its kind and a kind its text."""
    description = (description or "").strip()
    if description and not category:
        raise ValidationError({"category": _("Choose the kind of blocker.")})
    if category and not description:
        raise ValidationError({"description": _("Describe the blocker.")})
    return BlockerItem(category=category, description=description) if category else None


# Projects ---------------------------------------------------------------------------------------------------

PROJECT_FIELDS = (
    "name",
    "code",
    "category",
    "stage",
    "length_km",
    "total_investment",
    "owner_entity",
    "contractor",
    "responsible_unit",
    "leader",
    "planned_start",
    "planned_finish",
    "actual_start",
    "actual_finish",
    "description",
)
#: What only administrators may change: who answers for the project.
ADMIN_ONLY_FIELDS = ("responsible_unit", "leader")


def _set_related(
    project: Project,
    *,
    townships=None,
    measures=None,
    lists: Iterable[str] | None = None,
    funding: Mapping[str, Decimal] | None = None,
    plans: Mapping[int, Decimal] | None = None,
) -> None:
    if townships is not None:
        project.townships.set(townships)
    if measures is not None:
        project.measures.set(measures)
    if lists is not None:
        wanted = set(lists)
        project.listings.exclude(list__in=wanted).delete()
        have = set(project.listings.values_list("list", flat=True))
        for code in sorted(wanted - have):
            listing = ProjectListing(project=project, list=code)
            listing.full_clean()
            listing.save()
    if funding is not None:
        project_set_funding_rows(project, funding)
    if plans is not None:
        for year, amount in plans.items():
            plan = InvestmentPlan.objects.filter(project=project, year=year).first() or InvestmentPlan(
                project=project, year=year
            )
            if amount is None:
                if plan.pk:
                    plan.delete()
                continue
            if plan.pk and plan.amount == amount:
                continue
            plan.amount = amount
            plan.full_clean()
            plan.save()


def project_set_funding_rows(project: Project, funding: Mapping[str, Decimal | None]) -> None:
    """Bring the project's funding rows to ``funding`` ({source: amount}; None or absent removes)."""
    existing = {row.source: row for row in project.funding_sources.all()}
    for source, row in existing.items():
        if funding.get(source) is None:
            row.delete()
    for source, amount in funding.items():
        if amount is None:
            continue
        row = existing.get(source) or FundingSource(project=project, source=source)
        if row.pk and row.amount == amount:
            continue
        row.amount = amount
        row.full_clean()
        row.save()


def project_create(
    *, user, townships=(), measures=(), lists=(), funding=None, plans=None, writes: Writes | None = None, **fields
) -> Project:
    """Administrators add a project to the registry."""
    writes = writes or Writes()
    if not user.is_administrator:
        raise refusal(_("Only administrators may add projects."))
    unknown = set(fields) - set(PROJECT_FIELDS) - {"is_demo"}
    if unknown:
        raise ValueError(f"not a project field: {sorted(unknown)}")
    project = Project(**fields)
    with writes.atomic(user):
        writes.clean(project)
        writes.save(project)
        writes.save_parts(
            lambda: _set_related(
                project, townships=townships, measures=measures, lists=lists, funding=funding or {}, plans=plans or {}
            )
        )
    return project


def project_update(
    *,
    user,
    project: Project,
    townships=None,
    measures=None,
    lists=None,
    funding=None,
    plans=None,
    writes: Writes | None = None,
    **changes,
) -> Project:
    """The responsible unit's members (or an administrator) change a project's facts; only administrators hand
    it to another unit or leader."""
    writes = writes or Writes()
    check_editable(changes, PROJECT_FIELDS)
    writes.require(user, "change", project, _("You may not change this project."))
    with writes.atomic(user):
        project = writes.lock(project)
        for field, value in changes.items():
            if field in ADMIN_ONLY_FIELDS and not user.is_administrator and getattr(project, field) != value:
                raise refusal(_("Only administrators may hand a project to another unit or leader."), field=field)
            setattr(project, field, value)
        writes.clean(project)
        writes.save(project)
        writes.save_parts(
            lambda: _set_related(
                project, townships=townships, measures=measures, lists=lists, funding=funding, plans=plans
            )
        )
    return project


def milestone_set(
    *,
    user,
    project: Project,
    phase: str,
    planned_date: datetime.date | None,
    actual_date: datetime.date | None = None,
    note: str = "",
) -> Milestone:
    """Set a milestone's planned and actual dates (the row is created the first time)."""
    require_in(Project.objects.restrict(user, "change"), project, _("You may not change this project."))
    with set_actor(user), transaction.atomic():
        milestone = Milestone.objects.filter(project=project, phase=phase).first() or Milestone(
            project=project, phase=phase
        )
        milestone.planned_date = planned_date
        milestone.actual_date = actual_date
        milestone.note = note.strip()
        milestone.full_clean()
        milestone.save()
    return milestone


# Monthly progress -------------------------------------------------------------------------------------------


def investment_of_other_months(project: Project, month: datetime.date) -> Decimal:
    """The project's investment in every other month's progress (any state: a draft counts once submitted)."""
    total = (
        MonthlyProgress.objects.filter(project=project).exclude(month=month).aggregate(total=Sum("investment"))["total"]
    )
    return total or Decimal("0")


def check_over_total(*, project: Project, investment: Decimal, others: Decimal, confirmed: bool, reason: str) -> None:
    """The rule every door follows: a cumulative investment above the project's total investment is refused
    unless it is explicitly confirmed with a reason (kept on the month's progress)."""
    cumulative = others + (investment or 0)
    if cumulative <= project.total_investment:
        return
    if confirmed and reason.strip():
        return
    message = _(
        "The cumulative investment (%(cumulative)s) would exceed the project's total investment (%(total)s) "
        "by %(excess)s (10k yuan). Confirm it and give the reason."
    ) % {
        "cumulative": f"{cumulative:.2f}",
        "total": f"{project.total_investment:.2f}",
        "excess": f"{cumulative - project.total_investment:.2f}",
    }
    raise ValidationError({"over_total_reason": message}, code="over_total")


def _save_parts(*, user, progress: MonthlyProgress, blockers: Iterable[BlockerItem], photos: Sequence) -> None:
    for upload in photos:
        check_photo(upload)
    progress.blockers.all().delete()
    for item in blockers:
        blocker = Blocker(progress=progress, category=item.category, description=item.description.strip())
        blocker.full_clean()
        blocker.save()
    for upload in photos:
        stored_file_create(model=ProgressPhoto, upload=upload, user=user, progress=progress)


def _apply_values(
    progress, *, investment, physical_progress, narrative, confirm_over_total, over_total_reason, others: Decimal
):
    """Set a month's figures; ``others``: the project's investment in its other months."""
    progress.investment = investment
    progress.physical_progress = physical_progress
    progress.narrative = narrative.strip()
    check_over_total(
        project=progress.project,
        investment=investment,
        others=others,
        confirmed=confirm_over_total,
        reason=over_total_reason,
    )
    progress.over_total_reason = over_total_reason.strip() if confirm_over_total else ""


def progress_create(
    *,
    user,
    project: Project,
    month: datetime.date,
    investment: Decimal,
    physical_progress: int,
    narrative: str = "",
    blockers: Iterable[BlockerItem] = (),
    photos: Sequence = (),
    confirm_over_total: bool = False,
    over_total_reason: str = "",
    submit: bool = False,
    writes: Writes | None = None,
) -> MonthlyProgress:
    """A member of the responsible unit records a month's progress (not for a month to come), as a draft or
    submitted at once."""
    writes = writes or Writes()
    writes.require(user, "change", project, _("Only the responsible unit reports on this project."), field="project")
    check_month(month)
    progress = MonthlyProgress(project=project, month=first_of_month(month), author=user)
    with writes.atomic(user):
        writes.lock(project)  # one writer of a project's months
        _apply_values(
            progress,
            investment=investment,
            physical_progress=physical_progress,
            narrative=narrative,
            confirm_over_total=confirm_over_total,
            over_total_reason=over_total_reason,
            others=writes.lookup("investment_of_other_months", investment_of_other_months, project, progress.month),
        )
        if submit:
            review_mark_submitted(progress)
        writes.clean(progress)
        writes.save(progress)
        writes.save_parts(lambda: _save_parts(user=user, progress=progress, blockers=blockers, photos=photos))
        if submit:
            writes.notify(lambda: review_notify(progress, PROGRESS_EVENTS))
    return progress


def progress_update(
    *,
    user,
    progress: MonthlyProgress,
    investment: Decimal,
    physical_progress: int,
    narrative: str = "",
    blockers: Iterable[BlockerItem] = (),
    photos: Sequence = (),
    confirm_over_total: bool = False,
    over_total_reason: str = "",
    submit: bool = False,
) -> MonthlyProgress:
    """Change a draft or returned month; blockers are replaced, photos added."""
    require_in(MonthlyProgress.objects.restrict(user, "change"), progress, _("This progress can no longer be changed."))
    with set_actor(user), transaction.atomic():
        Project.objects.select_for_update().filter(pk=progress.project_id).first()
        progress = MonthlyProgress.objects.select_related("project").get(pk=progress.pk)
        check_month(progress.month)
        _apply_values(
            progress,
            investment=investment,
            physical_progress=physical_progress,
            narrative=narrative,
            confirm_over_total=confirm_over_total,
            over_total_reason=over_total_reason,
            others=investment_of_other_months(progress.project, progress.month),
        )
        if submit:
            review_mark_submitted(progress)
        progress.full_clean()
        progress.save()
        _save_parts(user=user, progress=progress, blockers=blockers, photos=photos)
        if submit:
            review_notify(progress, PROGRESS_EVENTS)
    return progress


def progress_submit(*, user, progress: MonthlyProgress) -> MonthlyProgress:
    return review_submit(
        user=user, entry=progress, refused=_("This progress can no longer be submitted."), events=PROGRESS_EVENTS
    )


def _review(*, user, progress: MonthlyProgress) -> MonthlyProgress:
    return review_take_up(
        user=user,
        entry=progress,
        not_waiting=_("This progress is not waiting for review."),
        refused=_("You may not review this progress."),
    )


def progress_accept(*, user, progress: MonthlyProgress) -> MonthlyProgress:
    """The head of the responsible unit accepts a month's progress (采纳)."""
    with set_actor(user), transaction.atomic():
        progress = _review(user=user, progress=progress)
        review_accept(progress, events=PROGRESS_EVENTS)
    return progress


def progress_return(*, user, progress: MonthlyProgress, reason: str) -> MonthlyProgress:
    """The head of the responsible unit returns a month's progress with a reason (退回)."""
    reason = review_reason(reason, missing=_("Give the reason for returning the progress."))
    with set_actor(user), transaction.atomic():
        progress = _review(user=user, progress=progress)
        review_return(progress, reason=reason, events=PROGRESS_EVENTS)
    return progress


# The next year's investment plan ----------------------------------------------------------------------------

#: The stages of a project still in progress at the year's end, which the next year's investment plan carries.
CARRIED_STAGES = (ProjectStage.PLANNING, ProjectStage.PRELIMINARY, ProjectStage.CONSTRUCTION)


def investment_plan_carry_over(*, user, year: int) -> list[InvestmentPlan]:
    """Administrators carry the projects still in progress (a plan for ``year``, not completed or suspended) into
    the investment plan of ``year + 1``: a row each, for what remains of its total investment (总投资 less the
    investment counted so far, at least 0) — a draft the office then edits on the project's page. A project that
    already has a plan for ``year + 1`` keeps it. Nothing of ``year`` changes."""
    if not user.is_administrator:
        raise refusal(_("Only administrators may draft the next year's investment plan."))
    projects = (
        Project.objects.filter(investment_plans__year=year, stage__in=CARRIED_STAGES)
        .exclude(investment_plans__year=year + 1)
        .with_investment(year)
        .order_by("pk")
    )
    created = []
    with set_actor(user), transaction.atomic():
        for project in projects:
            plan = InvestmentPlan(
                project=project, year=year + 1, amount=max(project.total_investment - project.cumulative, Decimal(0))
            )
            plan.full_clean()
            plan.save()
            created.append(plan)
    return created
