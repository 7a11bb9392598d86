"""Excel / CSV import and export of the duty roster: thin views over core.imports and emergency.resources."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.imports.views import ImportFlow, export_format, export_response, import_confirm, import_upload

from .models import DutyAssignment
from .resources import DutyAssignmentResource

ROSTER_IMPORT = ImportFlow(
    key="emergency.duty",
    title=gettext_lazy("Import the duty roster"),
    resource_class=DutyAssignmentResource,
    upload_url="emergency:roster_import",
    confirm_url="emergency:roster_import_confirm",
    done_url="emergency:roster_current",
    may_import=DutyAssignmentResource.may_import,
)


@login_required
def roster_import(request):
    return import_upload(request, ROSTER_IMPORT)


@login_required
@require_POST
def roster_import_confirm(request):
    return import_confirm(request, ROSTER_IMPORT)


@login_required
@require_GET
def roster_export(request, year, month):
    """One month's roster as a sheet, one row per duty; the file imports back unchanged."""
    fmt = export_format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Unknown export format."))
    try:
        datetime.date(year, month, 1)
    except ValueError as error:
        raise Http404 from error
    duties = DutyAssignment.objects.restrict(request.user).in_month(year, month)
    return export_response(
        resource=DutyAssignmentResource(user=request.user),
        queryset=duties,
        fmt=fmt,
        filename=_("duty roster %(year)s-%(month)02d") % {"year": year, "month": month},
        ascii_filename=f"duty_roster_{year}-{month:02d}",
    )
