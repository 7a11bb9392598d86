from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from . import models
        from .audit import track

        track(models.ImportJob, exclude_fields=("rows_done", "rows_total", "issues", "updated_at"))
        track(models.ColumnMapping)


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "core.admin_site.PortalAdminSite"
