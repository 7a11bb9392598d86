"""The periodic work, in the database schedule (django-celery-beat, edited in the admin site): the daily reminder
scan at 08:30, the weekly leadership digest on Monday at 08:00 and the purge of stale import files at 03:15, all
Asia/Shanghai. Created once: later changes made in the admin site are kept."""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Shanghai"
SCHEDULE = [
    # name, task, (minute, hour, day_of_week), description
    ("reminders: daily scan", "reminders.scan", ("30", "8", "*"), "Deadline reminders, escalations, e-mails"),
    ("reminders: weekly digest", "reminders.weekly_digest", ("0", "8", "1"), "Leadership digest for the weekly meeting"),
    ("core: purge stale import files", "core.purge_stale_import_files", ("15", "3", "*"), "Unconfirmed import uploads"),
]


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, (minute, hour, day_of_week), description in SCHEDULE:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week=day_of_week, day_of_month="*", month_of_year="*", timezone=TIME_ZONE
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "description": description, "enabled": True}
        )
    # Tell a running beat that the schedule changed (the model's signals do not run in migrations).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
