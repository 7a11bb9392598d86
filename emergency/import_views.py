"""Excel / CSV import and export of the duty roster: thin views over core.imports and emergency.resources."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports.views import ImportFlow, export_response, export_view, flow_views

from .models import DutyAssignment
from .resources import DutyAssignmentResource
from .views import month_or_404

ROSTER_IMPORT = ImportFlow(
    key="emergency.duty",
    title=gettext_lazy("Import the duty roster"),
    resource_class=DutyAssignmentResource,
    upload_url="emergency:roster_import",
    confirm_url="emergency:roster_import_confirm",
    done_url="emergency:roster_current",
    may_import=DutyAssignmentResource.may_import,
)


roster_import, roster_import_confirm = flow_views(ROSTER_IMPORT)


@export_view
def roster_export(request, year, month, *, fmt):
    """One month's roster as a sheet, one row per duty; the file imports back unchanged."""
    month_or_404(year, month)
    duties = DutyAssignment.objects.restrict(request.user).in_month(year, month)
    return export_response(
        resource=DutyAssignmentResource(user=request.user),
        queryset=duties,
        fmt=fmt,
        filename=_("duty roster %(year)s-%(month)02d") % {"year": year, "month": month},
        ascii_filename=f"duty_roster_{year}-{month:02d}",
    )
