"""What of the background imports awaits a user, declared to the to-do (``todo.registry``): their checked files with
no problem, waiting for their confirmation (``core.imports.jobs.import_job_confirm``)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from todo.registry import Group, TodoLine, TodoSource

from .imports.choices import JobPhase, JobState
from .models import ImportJob


def jobs_to_confirm(user, today):
    return (
        ImportJob.objects.restrict(user, "change")
        .filter(phase=JobPhase.PREVIEW, state=JobState.SUCCEEDED, issue_count=0, message="")
        .exclude(stored_file="")
        .order_by("created_at", "pk")
    )


def job_line(job, today):
    return TodoLine(
        title=_("%(file)s · %(rows)d rows checked") % {"file": job.file_name, "rows": job.rows_total},
        url=reverse("import_job", args=[job.pk]),
        date=timezone.localdate(job.finished_at) if job.finished_at else None,
        date_label=_("Checked"),
    )


SOURCES = [
    TodoSource(
        key="core.import_job",
        group=Group.IMPORTS,
        label=gettext_lazy("Import jobs"),
        items=jobs_to_confirm,
        line=job_line,
    ),
]
