"""Admin of the hazard register, for administrators. It offers no way around the services: hazards are registered
on the portal's page (codes come from the counters), never deleted, their status and workflow fields are read-only,
and a change of register data goes through ``services.hazard_update`` (refused on closed hazards)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.admin import PortalModelAdmin

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


class HazardPhotoInline(admin.TabularInline):
    model = HazardPhoto
    extra = 0
    fields = ["kind", "original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class HazardTransitionInline(admin.TabularInline):
    model = HazardTransition
    extra = 0
    fields = ["action", "from_status", "to_status", "by", "at", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class HazardAdminForm(forms.ModelForm):
    def clean_found_on(self):
        found_on = self.cleaned_data.get("found_on")
        if self.instance.pk and found_on and found_on.year != self.instance.found_on.year:
            raise ValidationError(
                _("The found date must stay in %(year)s, the year of the code.") % {"year": self.instance.found_on.year}
            )
        return found_on


@admin.register(Hazard)
class HazardAdmin(PortalModelAdmin):
    form = HazardAdminForm
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

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in services.REGISTER_FIELDS}
        try:
            services.hazard_update(user=request.user, hazard=obj, **changes)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            raise


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
