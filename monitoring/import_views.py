"""Excel / CSV import and export of the monitoring platform's alarm detail and vehicle-day mileage: thin views
over core.imports and the resources."""

from django.utils.translation import gettext_lazy

from core.imports.views import ImportFlow, dated_filename, export_response, export_view, flow_views

from . import selectors
from .models import Alarm, VehicleDayMileage
from .querysets import may_import
from .resources import AlarmResource, MileageResource

ALARM_IMPORT = ImportFlow(
    key="monitoring.alarm",
    title=gettext_lazy("Import monitoring alarms"),
    resource_class=AlarmResource,
    upload_url="monitoring:alarm_import",
    confirm_url="monitoring:alarm_import_confirm",
    done_url="monitoring:alarm_list",
    export_url="monitoring:alarm_export",
    may_import=may_import,
)

MILEAGE_IMPORT = ImportFlow(
    key="monitoring.mileage",
    title=gettext_lazy("Import vehicle-day mileage"),
    resource_class=MileageResource,
    upload_url="monitoring:mileage_import",
    confirm_url="monitoring:mileage_import_confirm",
    done_url="monitoring:ranking",
    export_url="monitoring:mileage_export",
    may_import=may_import,
)

alarm_import, alarm_import_confirm = flow_views(ALARM_IMPORT)
mileage_import, mileage_import_confirm = flow_views(MILEAGE_IMPORT)


@export_view
def alarm_export(request, *, fmt):
    """The alarms, filtered like the alarm list."""
    alarms = selectors.alarm_list(user=request.user, params=request.GET)
    return export_response(
        resource=AlarmResource(user=request.user),
        queryset=alarms.queryset,
        fmt=fmt,
        filename=dated_filename(str(Alarm._meta.verbose_name_plural)),
        ascii_filename=dated_filename("alarms"),
    )


@export_view
def mileage_export(request, *, fmt):
    """The vehicle-day mileage the user may see."""
    return export_response(
        resource=MileageResource(user=request.user),
        queryset=VehicleDayMileage.objects.restrict(request.user),
        fmt=fmt,
        filename=dated_filename(str(VehicleDayMileage._meta.verbose_name_plural)),
        ascii_filename=dated_filename("mileage"),
    )
