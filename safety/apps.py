from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = _("Safety")

    def ready(self):
        from core.audit import track

        from . import models

        track(models.Hazard)
        track(models.HazardPhoto)
        track(models.HazardTransition)
        track(models.HazardLedger)
