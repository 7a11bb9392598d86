"""Excel / CSV import and export of enterprises and vehicles: thin views over core.imports and the resources."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.imports.views import ImportFlow, dated_filename, export_format, export_response, import_confirm, import_upload

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


@login_required
def enterprise_import(request):
    return import_upload(request, ENTERPRISE_IMPORT)


@login_required
@require_POST
def enterprise_import_confirm(request):
    return import_confirm(request, ENTERPRISE_IMPORT)


@login_required
@require_GET
def enterprise_export(request):
    """The enterprises, filtered like the enterprise list."""
    fmt = export_format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Unknown export format."))
    enterprise_filter = EnterpriseFilter(request.GET, queryset=Enterprise.objects.restrict(request.user, "view"))
    return export_response(
        resource=EnterpriseResource(user=request.user),
        queryset=enterprise_filter.qs,
        fmt=fmt,
        filename=dated_filename(str(Enterprise._meta.verbose_name_plural)),
        ascii_filename=dated_filename("enterprises"),
    )


@login_required
def vehicle_import(request):
    return import_upload(request, VEHICLE_IMPORT)


@login_required
@require_POST
def vehicle_import_confirm(request):
    return import_confirm(request, VEHICLE_IMPORT)


@login_required
@require_GET
def vehicle_export(request):
    """The vehicles, filtered like the vehicle list."""
    fmt = export_format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Unknown export format."))
    vehicle_filter = VehicleFilter(request.GET, queryset=Vehicle.objects.restrict(request.user, "view"))
    return export_response(
        resource=VehicleResource(user=request.user),
        queryset=vehicle_filter.qs,
        fmt=fmt,
        filename=dated_filename(str(Vehicle._meta.verbose_name_plural)),
        ascii_filename=dated_filename("vehicles"),
    )
