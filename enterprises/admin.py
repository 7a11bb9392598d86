"""Admin of enterprises and vehicles, for administrators. It offers no way around the services: an enterprise or a
vehicle is added and changed through ``services.enterprise_create`` / ``enterprise_update`` / ``vehicle_create`` /
``vehicle_update`` (the credit code and the plate are normalised there, and checked), the red/black listing is
read only (it has its own services, on the enterprise's page), and vehicles are added and changed on their own
admin page, not inline."""

from django.contrib import admin

from core.admin import ServiceModelAdmin

from . import services
from .models import Enterprise, Vehicle

ENTERPRISE_READ_ONLY = ("list_status", "list_reason", "list_start", "list_end", "is_demo", "created_at", "updated_at")


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0
    fields = ["plate", "vehicle_class", "seats", "tonnage", "certificate_expires_on", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(ServiceModelAdmin):
    list_display = [
        "name",
        "credit_code",
        "enterprise_type",
        "township",
        "credit_rating",
        "list_status",
        "licence_expires_on",
        "supervising_unit",
    ]
    list_filter = ["enterprise_type", "credit_rating", "list_status", "supervising_unit", "township"]
    list_select_related = ["township", "supervising_unit"]
    search_fields = ["name", "credit_code", "licence_number"]
    fields = [*services.ENTERPRISE_FIELDS, *ENTERPRISE_READ_ONLY]
    readonly_fields = ENTERPRISE_READ_ONLY
    inlines = [VehicleInline]
    validated_by_service = True
    normalised_fields = ("credit_code",)

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.enterprise_create(user=request.user, writes=writes, **changes)
        return services.enterprise_update(user=request.user, enterprise=obj, writes=writes, **changes)


@admin.register(Vehicle)
class VehicleAdmin(ServiceModelAdmin):
    list_display = ["plate", "enterprise", "vehicle_class", "seats", "tonnage", "certificate_expires_on", "status"]
    list_filter = ["vehicle_class", "status"]
    list_select_related = ["enterprise"]
    search_fields = ["plate", "enterprise__name", "certificate_number"]
    autocomplete_fields = ["enterprise"]
    fields = list(services.VEHICLE_FIELDS)
    validated_by_service = True
    normalised_fields = ("plate",)

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            return services.vehicle_create(user=request.user, writes=writes, **changes)
        return services.vehicle_update(user=request.user, vehicle=obj, writes=writes, **changes)
