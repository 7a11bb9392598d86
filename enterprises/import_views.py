"""Excel / CSV import and export of enterprises and vehicles: thin views over core.imports and the resources."""

from django.utils.translation import gettext_lazy

from core.imports.views import ImportFlow, dated_filename, export_response, export_view, flow_views

from .filters import EnterpriseFilter, VehicleFilter
from .models import Enterprise, Vehicle
from .resources import EnterpriseResource, VehicleResource, may_import


def _enterprise_template_query(user) -> dict:
    """The import page's template: a unit member's own unit's enterprises, everything for administrators."""
    return {"supervising_unit": user.unit_id} if user.is_unit_member else {}


ENTERPRISE_IMPORT = ImportFlow(
    key="enterprises.enterprise",
    title=gettext_lazy("Import enterprises"),
    resource_class=EnterpriseResource,
    upload_url="enterprises:enterprise_import",
    confirm_url="enterprises:enterprise_import_confirm",
    done_url="enterprises:enterprise_list",
    export_url="enterprises:enterprise_export",
    may_import=may_import,
    template_query=_enterprise_template_query,
)

VEHICLE_IMPORT = ImportFlow(
    key="enterprises.vehicle",
    title=gettext_lazy("Import vehicles"),
    resource_class=VehicleResource,
    upload_url="enterprises:vehicle_import",
    confirm_url="enterprises:vehicle_import_confirm",
    done_url="enterprises:vehicle_list",
    export_url="enterprises:vehicle_export",
    may_import=may_import,
)


enterprise_import, enterprise_import_confirm = flow_views(ENTERPRISE_IMPORT)


@export_view
def enterprise_export(request, *, fmt):
    """The enterprises, filtered like the enterprise list."""
    enterprise_filter = EnterpriseFilter(request.GET, queryset=Enterprise.objects.restrict(request.user, "view"))
    return export_response(
        resource=EnterpriseResource(user=request.user),
        queryset=enterprise_filter.qs,
        fmt=fmt,
        filename=dated_filename(str(Enterprise._meta.verbose_name_plural)),
        ascii_filename=dated_filename("enterprises"),
    )


vehicle_import, vehicle_import_confirm = flow_views(VEHICLE_IMPORT)


@export_view
def vehicle_export(request, *, fmt):
    """The vehicles, filtered like the vehicle list."""
    vehicle_filter = VehicleFilter(request.GET, queryset=Vehicle.objects.restrict(request.user, "view"))
    return export_response(
        resource=VehicleResource(user=request.user),
        queryset=vehicle_filter.qs,
        fmt=fmt,
        filename=dated_filename(str(Vehicle._meta.verbose_name_plural)),
        ascii_filename=dated_filename("vehicles"),
    )
