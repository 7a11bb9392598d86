from django.contrib import admin

from core.admin import ReadOnlyInline, ServiceModelAdmin

from . import services
from .models import Drill, DrillPhoto, DutyAssignment, SpecialPeriod


@admin.register(SpecialPeriod)
class SpecialPeriodAdmin(ServiceModelAdmin):
    list_display = ["__str__", "kind", "start_date", "end_date"]
    list_filter = ["kind"]
    date_hierarchy = "start_date"
    fields = [*services.SPECIAL_PERIOD_FIELDS, "is_demo"]
    readonly_fields = ["is_demo"]

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.special_period_create(user=request.user, writes=writes, **changes)
        return services.special_period_update(user=request.user, period=obj, writes=writes, **changes)

    def service_delete(self, request, obj):
        services.special_period_delete(user=request.user, period=obj)


@admin.register(DutyAssignment)
class DutyAssignmentAdmin(ServiceModelAdmin):
    list_display = ["date", "role", "person", "phone", "note"]
    list_filter = ["role"]
    list_select_related = ["person"]
    date_hierarchy = "date"
    search_fields = ["person__full_name", "person__username"]
    autocomplete_fields = ["person"]
    fields = [*services.DUTY_FIELDS, "is_demo"]
    readonly_fields = ["is_demo"]

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.duty_assign(user=request.user, writes=writes, **changes)
        return services.duty_update(user=request.user, assignment=obj, writes=writes, **changes)

    def service_delete(self, request, obj):
        services.duty_remove(user=request.user, assignment=obj)


class DrillPhotoInline(ReadOnlyInline):
    """Photos are added on the drill's page, where their content is checked."""

    model = DrillPhoto
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]


@admin.register(Drill)
class DrillAdmin(ServiceModelAdmin):
    list_display = ["date", "scenario", "participants", "created_by"]
    list_select_related = ["created_by"]
    date_hierarchy = "date"
    search_fields = ["scenario", "summary"]
    filter_horizontal = ["units"]
    fields = [*services.DRILL_FIELDS, "units", "created_by", "is_demo"]
    readonly_fields = ["created_by", "is_demo"]
    inlines = [DrillPhotoInline]

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.drill_create(user=request.user, writes=writes, **changes)
        return services.drill_update(user=request.user, drill=obj, writes=writes, **changes)
