from django.core.management.base import BaseCommand
from django.db import transaction

import checklists.demo
import emergency.demo
import enterprises.demo
import inspections.demo
import monitoring.demo
import organisation.demo
import plans.demo
import projects.demo
import safety.demo


class Command(BaseCommand):
    help = "Load the demo data (the bureau's 2020 work plan with demo units and users). Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = organisation.demo.load()
            plans.demo.load()
            projects.demo.load()
            enterprises.demo.load()
            safety.demo.load()
            inspections.demo.load()
            emergency.demo.load()
            monitoring.demo.load()
            checklists.demo.load()  # last: its computed items take the other modules' figures
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self.stdout.write(f"Demo users (password for all: {organisation.demo.DEMO_PASSWORD}):")
        for username, description in logins:
            self.stdout.write(f"  {username:<18} {description}")
