"""The project registry's deadlines, declared to the reminders app (``reminders.registry``): milestones not yet
reached, by their planned date; and the monthly progress of projects under construction, due for last month by
``settings.REMINDERS_MONTHLY_REPORT_DAY`` (default the 25th) of this month. One query per source."""

import calendar
import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.choices import ReviewState
from core.periods import month_label
from reminders.registry import Deadline, DeadlineSource, url_maker

from .choices import MilestonePhase, ProjectStage
from .models import Milestone, MonthlyProgress, Project


def _milestone_title(name: str, phase: str) -> str:
    return f"{name} · {MilestonePhase(phase).label}"


def open_milestones(*, today, last_day):
    url = url_maker("projects:project_detail")
    rows = (
        Milestone.objects.filter(actual_date__isnull=True, planned_date__lte=last_day)
        .exclude(project__stage=ProjectStage.COMPLETED)
        .values_list("pk", "phase", "planned_date", "project_id", "project__name", "project__responsible_unit_id")
    )
    for pk, phase, due, project_id, name, unit_id in rows.order_by().iterator(chunk_size=5000):
        yield Deadline(str(pk), _milestone_title(name, phase), due, unit_id, url(project_id) + "#milestones")


def milestones_reached(first, last):
    url = url_maker("projects:project_detail")
    rows = Milestone.objects.filter(actual_date__range=(first, last)).values_list(
        "pk", "phase", "planned_date", "project_id", "project__name", "project__responsible_unit_id"
    )
    for pk, phase, due, project_id, name, unit_id in rows.order_by("actual_date", "pk"):
        yield Deadline(str(pk), _milestone_title(name, phase), due, unit_id, url(project_id) + "#milestones")


def report_due_date(month: datetime.date) -> datetime.date:
    """The day the progress of ``month`` is due: the configured day of the month after (the last day if shorter)."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(settings.REMINDERS_MONTHLY_REPORT_DAY, last))


def missing_monthly_progress(*, today, last_day):
    """Projects under construction without submitted (or accepted) progress for last month."""
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    due = report_due_date(month)
    if due > last_day:
        return
    counted = MonthlyProgress.objects.filter(project=OuterRef("pk"), month=month, state__in=ReviewState.counted())
    rows = (
        Project.objects.filter(stage=ProjectStage.CONSTRUCTION)
        .filter(~Exists(counted))
        .values_list("pk", "name", "responsible_unit_id")
    )
    url = url_maker("projects:progress_create")
    label = _("monthly progress for %(month)s") % {"month": month_label(month)}
    for pk, name, unit_id in rows.order_by().iterator(chunk_size=5000):
        yield Deadline(f"{pk}:{month:%Y-%m}", f"{name} · {label}", due, unit_id, url(pk))


SOURCES = [
    DeadlineSource(
        key="projects.milestone", label=_("Project milestones"), items=open_milestones, completed=milestones_reached
    ),
    DeadlineSource(
        key="projects.monthly_progress", label=_("Monthly project progress"), items=missing_monthly_progress
    ),
]
