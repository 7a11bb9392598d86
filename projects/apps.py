from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Road projects")

    def ready(self):
        from core.audit import track

        from . import models

        track(models.Project, m2m_fields=("townships", "measures"))
        track(models.ProjectListing)
        track(models.FundingSource)
        track(models.InvestmentPlan)
        track(models.Milestone)
        track(models.MonthlyProgress)
        track(models.Blocker)
        track(models.ProgressPhoto)
