from django.contrib import admin

from core.admin import PortalModelAdmin, ServiceModelAdmin

from . import services
from .models import Drill, DrillPhoto, DutyAssignment, SpecialPeriod


@admin.register(SpecialPeriod)
class SpecialPeriodAdmin(PortalModelAdmin):
    list_display = ["__str__", "kind", "start_date", "end_date"]
    list_filter = ["kind"]
    date_hierarchy = "start_date"


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


class DrillPhotoInline(admin.TabularInline):
    model = DrillPhoto
    extra = 0
    readonly_fields = ["original_name", "size", "uploaded_by", "uploaded_at"]
    fields = ["original_name", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False  # photos are added on the drill's page, where their content is checked


@admin.register(Drill)
class DrillAdmin(PortalModelAdmin):
    list_display = ["date", "scenario", "participants", "created_by"]
    list_select_related = ["created_by"]
    date_hierarchy = "date"
    search_fields = ["scenario", "summary"]
    filter_horizontal = ["units"]
    readonly_fields = ["created_by"]
    inlines = [DrillPhotoInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
