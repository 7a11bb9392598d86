"""The sweep of the events' outbox in the database schedule (django-celery-beat, edited in the admin site): every
minute, the events not yet dispatched (a broker that was down, a worker lost) are dispatched. Without Redis the
embedded scheduler (reminders/embedded.py) runs it. Created once: later changes made in the admin site are kept."""

from django.db import migrations
from django.utils import timezone

NAME = "events: dispatch pending events"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_minute, _ = CrontabSchedule.objects.get_or_create(
        minute="*", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "events.sweep",
            "crontab": every_minute,
            "description": "Workflow events not yet dispatched",
            "enabled": True,
        },
    )
    # Tell a running beat that the schedule changed (the model's signals do not run in migrations).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
