from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and random draws")

    def ready(self):
        from core.audit import track

        from . import models

        track(models.Inspector)
        track(models.ConflictOfInterest)
        track(models.Draw)
        track(models.Inspection, m2m_fields=("inspectors", "enterprises", "projects"))
        track(models.Finding)
