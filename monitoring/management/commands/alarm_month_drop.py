"""``manage.py alarm_month_drop YYYY-MM --by ADMIN [--archive]``: detach one month's partition of the alarm table
(PostgreSQL) and drop it, or keep it as a table of its own to archive (``--archive``), through
``monitoring.partitions.month_drop`` (administrators only, audited). The month's daily rollups stay."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from monitoring.partitions import archive_name, month_drop
from organisation.models import User


class Command(BaseCommand):
    help = "Drop (or detach to archive) one month of alarms; the month's daily rollups stay."

    def add_arguments(self, parser):
        parser.add_argument("month", help="The month, YYYY-MM (Asia/Shanghai).")
        parser.add_argument("--by", required=True, help="Username of the administrator doing it (audited).")
        parser.add_argument("--archive", action="store_true", help="Keep the month's alarms as a table of its own.")

    def handle(self, *args, **options):
        try:
            month = datetime.date.fromisoformat(f"{options['month']}-01")
        except ValueError:
            raise CommandError(f"Not a month: {options['month']!r} (write YYYY-MM).") from None
        user = User.objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError(f"No user {options['by']!r}.")
        try:
            with translation.override("en"):
                count = month_drop(user=user, month=month, archive=options["archive"])
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        where = f"kept as table {archive_name(month)}" if options["archive"] else "dropped"
        self.stdout.write(f"{month:%Y-%m}: {count} alarms {where}.")
