from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Leadership dashboard")

    def ready(self):
        from auditlog.models import LogEntry

        from .cache import on_audit_entry

        # The cached figures are cleared by every audited write (see dashboard.cache).
        post_save.connect(on_audit_entry, sender=LogEntry, dispatch_uid="dashboard_cache_generation")
