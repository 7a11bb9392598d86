from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = _("Checklists")

    def ready(self):
        from core.audit import track

        from . import models, registry

        track(models.Checklist)
        track(models.ChecklistItem, m2m_fields=("responsible_units",))
        track(models.EvidenceFile)
        track(models.ItemComment)
        track(models.Submission)
        registry.autodiscover()
