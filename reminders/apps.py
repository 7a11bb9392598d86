import sys

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self):
        from core.audit import track

        from . import embedded, models, registry, rules

        registry.autodiscover()  # every app's <app>/deadlines.py
        track(models.ReminderRule)
        track(models.UnitWebhook, exclude_fields=("updated_at",))
        track(models.Preference)
        track(models.WebhookDelivery)  # robot messages: the administrators' retries are audited
        post_migrate.connect(rules.create_missing_rules, sender=self)
        embedded.start_if_serving(sys.argv)
