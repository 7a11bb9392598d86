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
