"""The daily check of last month against the 督办 threshold in the database schedule (django-celery-beat, edited in
the admin site), at 06:30 Asia/Shanghai. Without Redis the embedded scheduler (reminders/embedded.py) runs it.
Created once: later changes made in the admin site are kept."""

from django.db import migrations
from django.utils import timezone

NAME = "monitoring: supervision notices"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "monitoring.notices_sweep",
            "crontab": daily,
            "description": "Supervision notices for enterprises above the threshold last month",
            "enabled": True,
        },
    )
    # Tell a running beat that the schedule changed (the model's signals do not run in migrations).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_thresholds_and_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
