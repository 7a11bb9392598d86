"""Writes of the plans app. Every door (pages, admin actions, imports, later the API) calls these, so each
rule and each permission check is made once. Each service runs in a transaction under the acting user,
so the audit history records who made the change."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.audit import set_actor
from core.choices import ReviewState
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
from core.uploads import check_attachment, stored_file_create
from core.writes import Writes, check_editable
from events.choices import EventKind
from events.services import candidates, event_raise, who_may
from projects.services import investment_plan_carry_over

from .choices import MeasureStatus
from .models import (
    Checkpoint,
    KeyTask,
    Measure,
    MeasureComment,
    ProgressReport,
    ReportAttachment,
    ReportProblem,
    WorkPlan,
)
from .parsing import ParsedPlan

#: What the review steps of a progress report raise; its lead unit's head reviews it.
REPORT_EVENTS = ReviewEvents(
    submitted=EventKind.REPORT_SUBMITTED,
    returned=EventKind.REPORT_RETURNED,
    accepted=EventKind.REPORT_ACCEPTED,
    unit_id=lambda report: report.measure.lead_unit_id,
)


@dataclass(frozen=True)
class Problem:
    category: str
    description: str


def _require_leader(user) -> None:
    if not (user.is_leader or user.is_administrator):
        raise PermissionDenied(_("Only bureau leaders may do this."))


# Measures ---------------------------------------------------------------------------------------------------

MEASURE_EDITABLE_FIELDS = ("target", "start_date", "due_date", "status")  # the lead unit's, on the measure page
# The plan's own facts, which administrators set (the plan's import, the admin).
MEASURE_PLAN_FIELDS = ("key_task", "number", "title", "text", "lead_unit", "responsible_leader", "progress")


def measure_create(*, user, cooperating_units: Iterable = (), writes: Writes | None = None, **values) -> Measure:
    """Administrators add a measure to a key task of the plan."""
    writes = writes or Writes()
    check_editable(values, MEASURE_EDITABLE_FIELDS, MEASURE_PLAN_FIELDS)
    if not user.is_administrator:
        raise PermissionDenied(_("Only administrators may add measures."))
    measure = Measure(**values)
    with writes.atomic(user):
        writes.clean(measure)
        writes.save(measure)
        writes.set_related(measure, "cooperating_units", cooperating_units)
    return measure


def measure_update(*, user, measure: Measure, writes: Writes | None = None, **changes) -> Measure:
    """Staff of the lead unit (or an administrator) change a measure's target, dates and status; administrators
    also the plan's own facts (title, lead unit, cooperating units, progress …)."""
    writes = writes or Writes()
    check_editable(changes, MEASURE_EDITABLE_FIELDS, MEASURE_PLAN_FIELDS, {"cooperating_units"})
    writes.require(user, "change", measure, _("You may not change measure %(code)s.") % {"code": measure.code})
    if not user.is_administrator:
        refused = {}
        for name in changes:
            if name == "lead_unit":
                refused[name] = _("You may not hand this measure over to another unit.")
            elif name not in MEASURE_EDITABLE_FIELDS:
                refused[name] = _("Only administrators may change this.")
        if refused:
            raise ValidationError(refused)
    cooperating = changes.pop("cooperating_units", None)
    with writes.atomic(user):
        measure = writes.lock(measure)
        for field, value in changes.items():
            setattr(measure, field, value)
        writes.clean(measure)
        writes.save(measure)
        if cooperating is not None:
            writes.set_related(measure, "cooperating_units", cooperating)
    return measure


def measure_supervise(*, user, measure: Measure, note: str) -> Measure:
    """A leader puts a measure under supervision (督办), saying what is expected of the lead unit and by when."""
    _require_leader(user)
    if not note.strip():
        raise ValidationError({"note": _("Say what is expected of the lead unit, and by when.")})
    with set_actor(user), transaction.atomic():
        measure.supervised_at = clock.now()
        measure.supervised_by = user
        measure.supervision_note = note.strip()
        measure.save(update_fields=["supervised_at", "supervised_by", "supervision_note", "updated_at"])
        _lead_unit_event(
            measure,
            EventKind.SUPERVISION_PLACED,
            _("%(measure)s is under supervision (督办): %(note)s")
            % {"measure": measure, "note": measure.supervision_note},
        )
    return measure


def _lead_unit_event(measure: Measure, kind: str, title: str) -> None:
    """Tell the lead unit's staff and head, those the measure's ``change`` rule lets act on it."""
    people = who_may(Measure.objects, "change", measure, candidates(units=[measure.lead_unit_id]))
    event_raise(kind=kind, obj=measure, recipients=people, title=title, unit=measure.lead_unit_id)


def measure_supervision_note_add(*, user, measure: Measure, text: str) -> Measure:
    """A leader adds to a supervised measure's note (a new deadline, what was heard at a meeting): a dated line
    with their name, after what the note said."""
    _require_leader(user)
    if not text.strip():
        raise ValidationError({"note": _("Write what to add to the supervision note.")})
    writes = Writes()
    with writes.atomic(user):
        measure = writes.lock(measure)
        if not measure.is_supervised:
            raise ValidationError(_("This measure is not under supervision."))
        line = f"{clock.today().isoformat()} {user}：{text.strip()}"
        measure.supervision_note = f"{measure.supervision_note}\n{line}".strip()
        writes.clean(measure)
        writes.save(measure)
    return measure


def measure_end_supervision(*, user, measure: Measure) -> Measure:
    _require_leader(user)
    with set_actor(user), transaction.atomic():
        measure.supervised_at = None
        measure.supervised_by = None
        measure.supervision_note = ""
        measure.save(update_fields=["supervised_at", "supervised_by", "supervision_note", "updated_at"])
        _lead_unit_event(
            measure,
            EventKind.SUPERVISION_LIFTED,
            _("%(measure)s is no longer under supervision.") % {"measure": measure},
        )
    return measure


def measure_comment_add(*, user, measure: Measure, text: str) -> MeasureComment:
    """Leaders comment on any measure (批示)."""
    _require_leader(user)
    comment = MeasureComment(measure=measure, author=user, text=text.strip())
    with set_actor(user), transaction.atomic():
        comment.full_clean()
        comment.save()
        _lead_unit_event(
            measure,
            EventKind.INSTRUCTION_GIVEN,
            _("%(leader)s on %(measure)s (批示): %(text)s")
            % {"leader": user, "measure": measure, "text": comment.text},
        )
    return comment


def checkpoint_create(*, user, measure: Measure, title: str, due_date: datetime.date, note: str = "") -> Checkpoint:
    require_in(Measure.objects.restrict(user, "change"), measure, _("You may not change this measure."))
    checkpoint = Checkpoint(measure=measure, title=title.strip(), due_date=due_date, note=note.strip())
    with set_actor(user), transaction.atomic():
        checkpoint.full_clean()
        checkpoint.save()
    return checkpoint


def checkpoint_mark_done(*, user, checkpoint: Checkpoint, done_on: datetime.date | None = None) -> Checkpoint:
    require_in(Measure.objects.restrict(user, "change"), checkpoint.measure, _("You may not change this measure."))
    with set_actor(user), transaction.atomic():
        checkpoint.done_on = done_on or clock.today()
        checkpoint.full_clean()
        checkpoint.save(update_fields=["done_on", "updated_at"])
    return checkpoint


# Progress reports -------------------------------------------------------------------------------------------


def _save_report_parts(*, user, report: ProgressReport, problems: Iterable[Problem], attachments: Sequence) -> None:
    for upload in attachments:
        check_attachment(upload)
    report.problems.all().delete()
    for problem in problems:
        part = ReportProblem(report=report, category=problem.category, description=problem.description.strip())
        part.full_clean()
        part.save()
    for upload in attachments:
        stored_file_create(model=ReportAttachment, upload=upload, user=user, report=report)


def progress_report_create(
    *,
    user,
    measure: Measure,
    month: datetime.date,
    text: str,
    progress: int,
    problems: Iterable[Problem] = (),
    attachments: Sequence = (),
    submit: bool = False,
) -> ProgressReport:
    """A member of the lead unit writes the month's report (not for a month to come), as a draft or submitted at
    once."""
    require_in(Measure.objects.restrict(user, "change"), measure, _("Only the lead unit reports on this measure."))
    check_month(month)
    if measure.status == MeasureStatus.CANCELLED:
        raise ValidationError(_("This measure is cancelled; it takes no more reports."))
    report = ProgressReport(
        measure=measure, month=first_of_month(month), text=text.strip(), progress=progress, author=user
    )
    if submit:
        review_mark_submitted(report)
    with set_actor(user), transaction.atomic():
        report.full_clean()
        report.save()
        _save_report_parts(user=user, report=report, problems=problems, attachments=attachments)
        if submit:
            review_notify(report, REPORT_EVENTS)
    return report


def progress_report_update(
    *,
    user,
    report: ProgressReport,
    text: str,
    progress: int,
    problems: Iterable[Problem] = (),
    attachments: Sequence = (),
    submit: bool = False,
) -> ProgressReport:
    """Change a draft or a returned report; problems are replaced, attachments added."""
    require_in(ProgressReport.objects.restrict(user, "change"), report, _("This report can no longer be changed."))
    with set_actor(user), transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        check_month(report.month)
        report.text = text.strip()
        report.progress = progress
        if submit:
            review_mark_submitted(report)
        report.full_clean()
        report.save()
        _save_report_parts(user=user, report=report, problems=problems, attachments=attachments)
        if submit:
            review_notify(report, REPORT_EVENTS)
    return report


def progress_report_submit(*, user, report: ProgressReport) -> ProgressReport:
    return review_submit(
        user=user, entry=report, refused=_("This report can no longer be submitted."), events=REPORT_EVENTS
    )


def _review(*, user, report: ProgressReport) -> ProgressReport:
    """Lock the report and check it is still waiting for this reviewer."""
    return review_take_up(
        user=user,
        entry=report,
        not_waiting=_("This report is not waiting for review."),
        refused=_("You may not review this report."),
        related=("measure",),
    )


def progress_report_accept(*, user, report: ProgressReport) -> ProgressReport:
    """The unit head accepts a report (采纳). The measure takes the progress of its latest accepted month."""
    with set_actor(user), transaction.atomic():
        report = _review(user=user, report=report)
        review_accept(report, events=REPORT_EVENTS)
        later_accepted = report.measure.reports.filter(state=ReviewState.ACCEPTED, month__gt=report.month).exists()
        if not later_accepted:
            _measure_take_progress(report.measure, report.progress)
    return report


def _measure_take_progress(measure: Measure, progress: int) -> None:
    measure.progress = progress
    if progress >= 100:
        measure.status = MeasureStatus.COMPLETED
    elif measure.status in (MeasureStatus.NOT_STARTED, MeasureStatus.COMPLETED):
        measure.status = MeasureStatus.IN_PROGRESS
    measure.save(update_fields=["progress", "status", "updated_at"])


def progress_report_return(*, user, report: ProgressReport, reason: str) -> ProgressReport:
    """The unit head returns a report to its author with a reason (退回)."""
    reason = review_reason(reason, missing=_("Give the reason for returning the report."))
    with set_actor(user), transaction.atomic():
        report = _review(user=user, report=report)
        review_return(report, reason=reason, events=REPORT_EVENTS)
    return report


# Plans from text --------------------------------------------------------------------------------------------


def work_plan_create_from_text(
    *, user, parsed: ParsedPlan, year: int, title: str, source_text: str, published: bool = False
) -> WorkPlan:
    """Create a plan, its key tasks and measures from a parsed plan text; administrators only."""
    if not user.is_administrator:
        raise PermissionDenied(_("Only administrators may create plans."))
    if WorkPlan.objects.filter(year=year).exists():
        raise ValidationError({"year": _("There is already a plan for %(year)s.") % {"year": year}})
    with set_actor(user), transaction.atomic():
        plan = WorkPlan(year=year, title=title.strip(), source_text=source_text, published=published)
        plan.full_clean()
        plan.save()
        for parsed_task in parsed.key_tasks:
            task = KeyTask.objects.create(plan=plan, number=parsed_task.number, title=parsed_task.title[:200])
            for parsed_measure in parsed_task.measures:
                Measure.objects.create(
                    key_task=task,
                    number=parsed_measure.number,
                    title=parsed_measure.title[:200],
                    text=parsed_measure.text,
                )
    return plan


# The next year's plan ---------------------------------------------------------------------------------------


def _a_year_later(day: datetime.date | None) -> datetime.date | None:
    """The same day a year later; 29 February becomes 28 February."""
    if day is None:
        return None
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year + 1, day=28)
    return day.replace(year=day.year + 1)


def _next_year_title(plan: WorkPlan) -> str:
    year, following = str(plan.year), str(plan.year + 1)
    if year in plan.title:
        return plan.title.replace(year, following)
    return _("%(year)s work plan") % {"year": following}


def plan_draft_next_year(*, user, plan: WorkPlan, include_completed: Iterable[Measure] = ()) -> WorkPlan:
    """Administrators draft the plan of the year after ``plan``'s, unpublished, to be edited and then published
    (``work_plan_publish``): every key task kept; the open measures carried over (``carried_from``, with their
    progress; cancelled ones left out); the completed ones only if chosen (``include_completed``), starting again;
    units, leaders, texts and targets kept, dates a year later; numbered again in their order. The projects still
    in progress go into the next year's investment plan (``projects.services.investment_plan_carry_over``).
    Nothing of ``plan``'s year changes."""
    if not user.is_administrator:
        raise PermissionDenied(_("Only administrators may draft the next year's plan."))
    year = plan.year + 1
    repeated = {measure.pk for measure in include_completed}
    measures = list(
        Measure.objects.filter(key_task__plan=plan)
        .exclude(status=MeasureStatus.CANCELLED)
        .prefetch_related("cooperating_units")
        .order_by("key_task__number", "number")
    )
    completed = {measure.pk for measure in measures if measure.status == MeasureStatus.COMPLETED}
    if repeated - completed:
        raise ValidationError(
            {"include_completed": _("Only the completed measures of this plan can be chosen to repeat.")}
        )
    with set_actor(user), transaction.atomic():
        if WorkPlan.objects.filter(year=year).exists():
            raise ValidationError(
                _("There is already a plan for %(year)s; edit that one instead of drafting another.") % {"year": year}
            )
        draft = WorkPlan(year=year, title=_next_year_title(plan), published=False)
        draft.full_clean()
        draft.save()
        tasks = {}
        for task in plan.key_tasks.order_by("number"):
            tasks[task.pk] = KeyTask(plan=draft, number=task.number, title=task.title)
            tasks[task.pk].full_clean(exclude=["plan"])
            tasks[task.pk].save()
        numbers: dict[int, int] = {}
        for old in measures:
            if old.pk in completed and old.pk not in repeated:
                continue
            carried = old.pk not in completed
            numbers[old.key_task_id] = numbers.get(old.key_task_id, 0) + 1
            progress = old.progress if carried else 0
            measure = Measure(
                key_task=tasks[old.key_task_id],
                number=numbers[old.key_task_id],
                title=old.title,
                text=old.text,
                target=old.target,
                lead_unit_id=old.lead_unit_id,
                responsible_leader_id=old.responsible_leader_id,
                start_date=_a_year_later(old.start_date),
                due_date=_a_year_later(old.due_date),
                progress=progress,
                status=MeasureStatus.IN_PROGRESS if progress else MeasureStatus.NOT_STARTED,
                carried_from=old if carried else None,
            )
            measure.full_clean()
            measure.save()
            measure.cooperating_units.set(old.cooperating_units.all())
        investment_plan_carry_over(user=user, year=plan.year)
    return draft


def work_plan_publish(*, user, plan: WorkPlan) -> WorkPlan:
    """Administrators publish a plan (drafted from the year before, or imported from its text): from today it is
    the year's published plan."""
    if not user.is_administrator:
        raise PermissionDenied(_("Only administrators may publish plans."))
    with set_actor(user), transaction.atomic():
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.published:
            raise ValidationError(_("This plan is already published."))
        plan.published = True
        plan.published_on = clock.today()
        plan.full_clean()
        plan.save()
    return plan
