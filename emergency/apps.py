from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _("Emergency readiness")

    def ready(self):
        from core.audit import track

        from . import models

        track(models.SpecialPeriod)
        track(models.DutyAssignment)
        track(models.Drill, m2m_fields=("units",))
        track(models.DrillPhoto)
