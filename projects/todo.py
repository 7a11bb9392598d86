"""What of the project registry awaits a user, declared to the to-do (``todo.registry``): monthly progress to review
(the unit head, never their own), progress returned to its author, this month's progress not yet written for the
projects under construction the user's unit is responsible for."""

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import ReviewState
from core.periods import month_label
from core.reviews import awaiting_review, first_of_month
from todo.registry import Group, TodoLine, TodoSource

from .choices import ProjectStage
from .models import MonthlyProgress, Project


def progress_to_review(user, today):
    if not user.is_unit_head:
        return None
    return awaiting_review(MonthlyProgress.objects, user).for_list().order_by("submitted_at", "pk")


def progress_to_review_line(progress, today):
    return TodoLine(
        title=f"{progress.project.name} · {month_label(progress.month)} · {progress.author}",
        url=reverse("projects:progress_detail", args=[progress.pk]) + "#review-form",
        date=timezone.localdate(progress.submitted_at) if progress.submitted_at else None,
        date_label=_("Submitted"),
    )


def progress_returned(user, today):
    return (
        MonthlyProgress.objects.restrict(user, "change")
        .filter(state=ReviewState.RETURNED, author_id=user.pk)
        .for_list()
        .order_by("month", "pk")
    )


def progress_returned_line(progress, today):
    return TodoLine(
        title=f"{progress.project.name} · {month_label(progress.month)}",
        url=reverse("projects:progress_edit", args=[progress.pk]),
        date=timezone.localdate(progress.reviewed_at) if progress.reviewed_at else None,
        date_label=_("Returned"),
        note=progress.return_reason,
    )


def progress_to_write(user, today):
    """Projects under construction of the user's unit without progress for this month (or with only a draft)."""
    if not user.is_unit_member:
        return None
    this_month = MonthlyProgress.objects.filter(project=OuterRef("pk"), month=first_of_month(today))
    return (
        Project.objects.restrict(user, "change")
        .filter(responsible_unit_id=user.unit_id, stage=ProjectStage.CONSTRUCTION)
        .filter(~Exists(this_month.exclude(state=ReviewState.DRAFT)))
        .annotate(draft_id=Subquery(this_month.filter(state=ReviewState.DRAFT).values("pk")[:1]))
        .order_by("name", "pk")
    )


def progress_to_write_line(project, today):
    if project.draft_id:
        url, label = reverse("projects:progress_edit", args=[project.draft_id]), _("draft saved, not submitted")
    else:
        url, label = reverse("projects:progress_create", args=[project.pk]), _("not written")
    return TodoLine(title=f"{project.name} · {month_label(today)} · {label}", url=url)


SOURCES = [
    TodoSource(
        key="projects.review",
        group=Group.REVIEW,
        label=gettext_lazy("Monthly project progress"),
        items=progress_to_review,
        line=progress_to_review_line,
        more_url=lambda user: reverse("projects:review_queue"),
    ),
    TodoSource(
        key="projects.returned",
        group=Group.RETURNED,
        label=gettext_lazy("Monthly project progress"),
        items=progress_returned,
        line=progress_returned_line,
    ),
    TodoSource(
        key="projects.to_write",
        group=Group.TO_WRITE,
        label=gettext_lazy("Monthly progress of projects under construction"),
        items=progress_to_write,
        line=progress_to_write_line,
        more_url=lambda user: (
            reverse("projects:project_list") + f"?stage={ProjectStage.CONSTRUCTION}&unit={user.unit_id}"
        ),
    ),
]
