from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    """The admin is for the portal's administrators only, whatever other flags a user carries."""

    site_header = _("Liuyang Transport Work Portal administration")
    site_title = _("Portal administration")
    index_title = _("Administration")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.is_administrator
