from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import PortalModelAdmin, ReadOnlyInline, ServiceModelAdmin

from . import services
from .models import ConflictOfInterest, Draw, Finding, Inspection, Inspector


class ConflictInline(admin.TabularInline):
    model = ConflictOfInterest
    extra = 0
    fields = ["enterprise", "reason", "declared_on"]
    autocomplete_fields = ["enterprise"]


@admin.register(Inspector)
class InspectorAdmin(PortalModelAdmin):
    """The inspector pool (执法人员库): who holds a certificate and may be drawn."""

    list_display = ["user", "user_unit", "certificate_number", "active"]
    list_filter = ["active", "user__unit"]
    list_select_related = ["user__unit"]
    search_fields = ["user__full_name", "user__username", "certificate_number"]
    autocomplete_fields = ["user"]
    inlines = [ConflictInline]

    @admin.display(description=_("unit"))
    def user_unit(self, inspector):
        return inspector.user.unit


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(PortalModelAdmin):
    list_display = ["enterprise", "inspector", "unit", "declared_on"]
    list_select_related = ["enterprise", "inspector__user", "unit"]
    search_fields = ["enterprise__name", "inspector__user__full_name", "unit__name", "reason"]
    autocomplete_fields = ["enterprise", "inspector"]


class FindingInline(ReadOnlyInline):
    """Findings are added on the inspection's page (``finding_add``), where a finding may go to the hazard
    register."""

    model = Finding
    fields = ["text", "enterprise", "project", "hazard"]


@admin.register(Inspection)
class InspectionAdmin(ServiceModelAdmin):
    list_display = ["date", "kind", "lead_unit", "draw"]
    list_filter = ["kind", "lead_unit"]
    list_select_related = ["lead_unit", "draw"]
    date_hierarchy = "date"
    filter_horizontal = ["inspectors", "enterprises", "projects"]
    fields = [*services.INSPECTION_FIELDS, "draw", "created_by", "is_demo"]
    readonly_fields = ["draw", "created_by", "is_demo"]
    inlines = [FindingInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "lead_unit"]  # the unit that made it keeps it

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.inspection_create(user=request.user, writes=writes, **changes)
        values = {
            "kind": obj.kind,
            "date": obj.date,
            "summary": obj.summary,
            "inspectors": list(obj.inspectors.all()),
            "enterprises": list(obj.enterprises.all()),
            "projects": list(obj.projects.all()),
            **changes,
        }
        return services.inspection_update(user=request.user, inspection=obj, writes=writes, **values)


@admin.register(Draw)
class DrawAdmin(PortalModelAdmin):
    """Draws are read-only here: they are made on the draw page and never changed."""

    list_display = ["title", "made_at", "lead_unit", "enterprise_count", "inspectors_per_enterprise", "seed"]
    list_select_related = ["lead_unit"]
    date_hierarchy = "made_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
