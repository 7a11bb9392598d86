from django.contrib import admin

from core.admin import PortalModelAdmin

from .models import Enterprise, Vehicle


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0
    fields = ["plate", "vehicle_class", "seats", "tonnage", "certificate_expires_on", "status"]
    show_change_link = True


@admin.register(Enterprise)
class EnterpriseAdmin(PortalModelAdmin):
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
    inlines = [VehicleInline]


@admin.register(Vehicle)
class VehicleAdmin(PortalModelAdmin):
    list_display = ["plate", "enterprise", "vehicle_class", "seats", "tonnage", "certificate_expires_on", "status"]
    list_filter = ["vehicle_class", "status"]
    list_select_related = ["enterprise"]
    search_fields = ["plate", "enterprise__name", "certificate_number"]
    autocomplete_fields = ["enterprise"]
