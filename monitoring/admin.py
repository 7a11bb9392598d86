"""Admin of drivers and of the monitoring platform's data, for administrators. Drivers are added and changed
through ``services.driver_create`` / ``driver_update``; alarms and mileage come from the platform's exports
(the imports), so here they are read only, as is the daily rollup computed from them."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ServiceModelAdmin

from . import services
from .models import Alarm, DailyRollup, Driver, SupervisionNotice, Threshold, VehicleDayMileage


@admin.register(Driver)
class DriverAdmin(ServiceModelAdmin):
    list_display = ["name", "id_number", "enterprise", "qualification_class", "qualification_expires_on", "status"]
    list_filter = ["qualification_class", "status"]
    list_select_related = ["enterprise"]
    search_fields = ["name", "id_number", "certificate_number", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    fields = list(services.DRIVER_FIELDS)
    validated_by_service = True
    normalised_fields = ("id_number",)

    def service_save(self, request, obj, changes: dict, writes=None):
        if obj is None:
            enterprise = changes.pop("enterprise", None)
            return services.driver_create(user=request.user, enterprise=enterprise, writes=writes, **changes)
        return services.driver_update(user=request.user, driver=obj, writes=writes, **changes)


class _ReadOnlyAdmin(ReadOnlyAdmin):
    """Shown, never added, changed or deleted here: the imports bring these in through the services."""

    deletable = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(Alarm)
class AlarmAdmin(_ReadOnlyAdmin):
    list_display = ["vehicle", "driver", "alarm_type", "started_at", "speed", "handling_status", "handled_at"]
    list_filter = ["alarm_type", "handling_status"]
    list_select_related = ["vehicle", "driver"]
    search_fields = ["vehicle__plate", "driver__name"]
    date_hierarchy = "started_at"


@admin.register(VehicleDayMileage)
class VehicleDayMileageAdmin(_ReadOnlyAdmin):
    list_display = ["vehicle", "driver", "day", "km"]
    list_select_related = ["vehicle", "driver"]
    search_fields = ["vehicle__plate", "driver__name"]
    date_hierarchy = "day"


@admin.register(DailyRollup)
class DailyRollupAdmin(_ReadOnlyAdmin):
    list_display = ["day", "vehicle", "driver", "enterprise", "km", "alarms", "handled", "handled_in_time"]
    list_select_related = ["vehicle", "driver", "enterprise"]
    search_fields = ["vehicle__plate", "driver__name"]
    date_hierarchy = "day"


@admin.register(Threshold)
class ThresholdAdmin(ServiceModelAdmin):
    list_display = ["valid_from", "per_1000_km", "reply_days", "education_months"]
    fields = list(services.THRESHOLD_FIELDS)

    def service_save(self, request, obj, changes: dict, writes=None):
        return services.threshold_save(user=request.user, threshold=obj, writes=writes, **changes)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(_ReadOnlyAdmin):
    """Issued by ``services.notices_issue``; the replies are recorded on the notice's page."""

    list_display = ["enterprise", "month", "per_1000_km", "threshold", "due_on", "replied_on"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name"]
    date_hierarchy = "month"
