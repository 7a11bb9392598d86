from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Work plans")

    def ready(self):
        from core.audit import track

        from . import models

        track(models.WorkPlan, exclude_fields=("source_text",))
        track(models.KeyTask)
        track(models.Measure, m2m_fields=("cooperating_units",))
        track(models.Checkpoint)
        track(models.ProgressReport)
        track(models.ReportProblem)
        track(models.ReportAttachment)
        track(models.MeasureComment)
