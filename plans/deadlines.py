"""The plan's deadlines, declared to the reminders app (``reminders.registry``): open measures by their due date and
checkpoints not yet done. Each source is one query whatever the number of items."""

from django.utils.translation import gettext_lazy as _

from reminders.registry import Deadline, DeadlineSource, url_maker

from .choices import MeasureStatus
from .models import Checkpoint, Measure


def open_measures(*, today, last_day):
    url = url_maker("plans:measure_detail")
    rows = Measure.objects.filter(status__in=MeasureStatus.open(), due_date__lte=last_day).values_list(
        "pk", "key_task__number", "number", "title", "due_date", "lead_unit_id"
    )
    for pk, task_number, number, title, due, unit_id in rows.order_by().iterator(chunk_size=5000):
        yield Deadline(str(pk), f"{task_number}.{number} {title}", due, unit_id, url(pk))


def _checkpoint_deadlines(checkpoints):
    """Checkpoints as deadlines, titled with their measure's number, linking to the measure's checkpoints."""
    url = url_maker("plans:measure_detail")
    rows = checkpoints.values_list(
        "pk", "title", "due_date", "measure_id", "measure__key_task__number", "measure__number", "measure__lead_unit_id"
    )
    for pk, title, due, measure_id, task_number, number, unit_id in rows.iterator(chunk_size=5000):
        yield Deadline(str(pk), f"{task_number}.{number} {title}", due, unit_id, url(measure_id) + "#checkpoints")


def open_checkpoints(*, today, last_day):
    checkpoints = Checkpoint.objects.filter(
        done_on__isnull=True, due_date__lte=last_day, measure__status__in=MeasureStatus.open()
    )
    return _checkpoint_deadlines(checkpoints.order_by())


def checkpoints_done(first, last):
    return _checkpoint_deadlines(Checkpoint.objects.filter(done_on__range=(first, last)).order_by("done_on", "pk"))


SOURCES = [
    DeadlineSource(key="plans.measure", label=_("Plan measures"), items=open_measures),
    DeadlineSource(
        key="plans.checkpoint", label=_("Measure checkpoints"), items=open_checkpoints, completed=checkpoints_done
    ),
]
