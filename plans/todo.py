"""What of the plan awaits a user, declared to the to-do (``todo.registry``): progress reports to review (the unit
head, never their own), reports returned to their author, this month's reports not yet written for the measures the
user's unit leads, measures under supervision (督办) and overdue measures — of the user's unit, or for a leader of the
units they oversee."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import ReviewState
from core.periods import month_label
from core.reviews import awaiting_review, first_of_month
from todo.registry import Group, TodoLine, TodoSource, days_late

from .choices import MeasureStatus
from .models import Measure, ProgressReport


def _units_q(user, prefix: str = "") -> Q | None:
    """The measures that are ``user``'s concern: their unit's (lead unit), or for a leader their overseen units'."""
    if user.is_unit_member:
        return Q(**{f"{prefix}lead_unit_id": user.unit_id})
    if user.is_leader:
        return Q(**{f"{prefix}lead_unit__overseeing_leader_id": user.pk})
    return None


def reports_to_review(user, today):
    if not user.is_unit_head:
        return None
    return awaiting_review(ProgressReport.objects, user).for_list().order_by("submitted_at", "pk")


def report_to_review_line(report, today):
    return TodoLine(
        title=f"{report.measure.code} {report.measure.title} · {month_label(report.month)} · {report.author}",
        url=reverse("plans:report_detail", args=[report.pk]) + "#review-form",
        date=timezone.localdate(report.submitted_at) if report.submitted_at else None,
        date_label=_("Submitted"),
    )


def reports_returned(user, today):
    return (
        ProgressReport.objects.restrict(user, "change")
        .filter(state=ReviewState.RETURNED, author_id=user.pk)
        .for_list()
        .order_by("month", "pk")
    )


def report_returned_line(report, today):
    return TodoLine(
        title=f"{report.measure.code} {report.measure.title} · {month_label(report.month)}",
        url=reverse("plans:report_edit", args=[report.pk]),
        date=timezone.localdate(report.reviewed_at) if report.reviewed_at else None,
        date_label=_("Returned"),
        note=report.return_reason,
    )


def reports_to_write(user, today):
    """The open measures of this year's plan led by the user's unit, without a report for this month (or with only
    a draft): a line opens the draft, or the new report's page."""
    if not user.is_unit_member:
        return None
    month = first_of_month(today)
    this_month = ProgressReport.objects.filter(measure=OuterRef("pk"), month=month)
    return (
        Measure.objects.restrict(user, "change")
        .filter(lead_unit_id=user.unit_id, status__in=MeasureStatus.open(), key_task__plan__year=today.year)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
        .filter(~Exists(this_month.exclude(state=ReviewState.DRAFT)))
        .annotate(draft_id=Subquery(this_month.filter(state=ReviewState.DRAFT).values("pk")[:1]))
        .select_related("key_task")
        .order_by("key_task__number", "number")
    )


def report_to_write_line(measure, today):
    if measure.draft_id:
        url, label = reverse("plans:report_edit", args=[measure.draft_id]), _("draft saved, not submitted")
    else:
        url, label = reverse("plans:report_create", args=[measure.pk]), _("not written")
    return TodoLine(title=f"{measure.code} {measure.title} · {month_label(today)} · {label}", url=url)


def _measure_line(measure, today):
    return TodoLine(
        title=f"{measure.code} {measure.title}",
        url=measure.get_absolute_url(),
        date=measure.due_date,
        date_label=_("Due"),
        note=measure.supervision_note,
        overdue_days=days_late(measure.due_date, today) if measure.status in MeasureStatus.open() else 0,
    )


def measures_supervised(user, today):
    units = _units_q(user)
    if units is None:
        return None
    return (
        Measure.objects.restrict(user)
        .filter(units, supervised_at__isnull=False, status__in=MeasureStatus.open())
        .select_related("key_task")
        .order_by("due_date", "pk")
    )


def measures_overdue(user, today):
    """Overdue measures not under supervision (those are in the supervision group, with their days late)."""
    units = _units_q(user)
    if units is None:
        return None
    return (
        Measure.objects.restrict(user)
        .overdue(today)
        .filter(units, supervised_at__isnull=True)
        .select_related("key_task")
        .order_by("due_date", "pk")
    )


def _measure_list(**query):
    def url(user):
        params = dict(query)
        if user.is_unit_member:
            params["unit"] = user.unit_id
        return reverse("plans:measure_list") + "?" + "&".join(f"{key}={value}" for key, value in params.items())

    return url


SOURCES = [
    TodoSource(
        key="plans.review",
        group=Group.REVIEW,
        label=gettext_lazy("Progress reports"),
        items=reports_to_review,
        line=report_to_review_line,
        more_url=lambda user: reverse("plans:review_queue"),
    ),
    TodoSource(
        key="plans.returned",
        group=Group.RETURNED,
        label=gettext_lazy("Progress reports"),
        items=reports_returned,
        line=report_returned_line,
    ),
    TodoSource(
        key="plans.to_write",
        group=Group.TO_WRITE,
        label=gettext_lazy("Progress reports on measures"),
        items=reports_to_write,
        line=report_to_write_line,
        more_url=_measure_list(),
    ),
    TodoSource(
        key="plans.supervised",
        group=Group.SUPERVISED,
        label=gettext_lazy("Measures under supervision"),
        items=measures_supervised,
        line=_measure_line,
        more_url=_measure_list(supervised="true"),
    ),
    TodoSource(
        key="plans.overdue",
        group=Group.OVERDUE,
        label=gettext_lazy("Overdue measures"),
        items=measures_overdue,
        line=_measure_line,
        more_url=_measure_list(overdue="true"),
    ),
]
