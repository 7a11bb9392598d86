"""Admin of the hazard register, for administrators. It offers no way around the services: hazards are registered
on the portal's page (codes come from the counters), never deleted, their status and workflow fields are read-only,
and a change of register data goes through ``services.hazard_update`` (refused on closed hazards)."""

from django.contrib import admin

from core.admin import PortalModelAdmin, ReadOnlyInline, ServiceModelAdmin

from . import services
from .models import Hazard, HazardCodeCounter, HazardPhoto, HazardTransition

WORKFLOW_FIELDS = (
    "code",
    "status",
    "found_by",
    "rectification_note",
    "rectification_reported_by",
    "rectification_reported_at",
    "signed_off_by",
    "signed_off_at",
    "verification_note",
    "closed_by",
    "closed_at",
    "created_at",
    "updated_at",
)


class HazardPhotoInline(ReadOnlyInline):
    model = HazardPhoto
    fields = ["kind", "original_name", "size", "uploaded_by", "uploaded_at"]


class HazardTransitionInline(ReadOnlyInline):
    model = HazardTransition
    fields = ["action", "from_status", "to_status", "by", "at", "note"]


@admin.register(Hazard)
class HazardAdmin(ServiceModelAdmin):
    list_display = ["code", "field", "level", "township", "responsible_unit", "found_on", "deadline", "status"]
    list_filter = ["status", "level", "field", "responsible_unit"]
    list_select_related = ["township", "responsible_unit"]
    search_fields = ["code", "location", "description"]
    raw_id_fields = ["enterprise", "project", "vehicle"]
    readonly_fields = WORKFLOW_FIELDS
    inlines = [HazardPhotoInline, HazardTransitionInline]
    actions = None

    def has_add_permission(self, request):
        return False  # registered on the portal's page: the code comes from the counters

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_open:
            return [field.name for field in Hazard._meta.fields if field.name != "id"]
        return super().get_readonly_fields(request, obj)

    def service_save(self, request, obj, changes: dict, writes=None):
        changes = {name: value for name, value in changes.items() if name in services.REGISTER_FIELDS}
        return services.hazard_update(user=request.user, hazard=obj, writes=writes, **changes)


@admin.register(HazardTransition)
class HazardTransitionAdmin(PortalModelAdmin):
    list_display = ["hazard", "action", "from_status", "to_status", "by", "at"]
    list_filter = ["action"]
    list_select_related = ["hazard", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HazardCodeCounter)
class HazardCodeCounterAdmin(PortalModelAdmin):
    list_display = ["year", "last_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
