from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin


class PortalModelAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """Base admin: the portal's administrators manage everything here (the site admits nobody else), and each
    object shows its audit history."""

    show_auditlog_history_link = True

    def _is_administrator(self, request) -> bool:
        return request.user.is_active and request.user.is_administrator

    def has_module_permission(self, request):
        return self._is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_add_permission(self, request):
        return self._is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_administrator(request)


def _register_import_jobs():
    from .models import ImportJob

    @admin.register(ImportJob)
    class ImportJobAdmin(PortalModelAdmin):
        """Import jobs, for administrators to follow (read only: jobs are run by the portal)."""

        list_display = ("file_name", "user", "flow_key", "phase", "state", "rows_total", "rows_refused", "created_at")
        list_filter = ("state", "phase", "flow_key")
        search_fields = ("file_name", "user__username", "user__full_name")
        list_select_related = ("user",)
        readonly_fields = [field.name for field in ImportJob._meta.fields]

        def has_add_permission(self, request):
            return False

        def has_change_permission(self, request, obj=None):
            return False


_register_import_jobs()
