"""Excel / CSV import and export of the hazard register: thin views over core.imports and safety.resources."""

from django.utils.translation import gettext_lazy

from core.imports.views import ImportFlow, dated_filename, export_response, export_view, flow_views, own_unit_query

from .filters import HazardFilter
from .models import Hazard
from .resources import HazardLedgerResource, HazardResource

HAZARD_IMPORT = ImportFlow(
    key="safety.hazard",
    title=gettext_lazy("Import hazards"),
    resource_class=HazardResource,
    upload_url="safety:hazard_import",
    confirm_url="safety:hazard_import_confirm",
    done_url="safety:hazard_list",
    export_url="safety:hazard_export",
    may_import=HazardResource.may_import,
    template_query=own_unit_query,
)


LEDGER_IMPORT = ImportFlow(
    key="safety.hazard_ledger",
    title=gettext_lazy("Bring an existing hazard ledger in"),
    resource_class=HazardLedgerResource,
    upload_url="safety:ledger_import",
    confirm_url="safety:ledger_import_confirm",
    done_url="safety:hazard_list",
    export_url="safety:hazard_export",
    may_import=HazardLedgerResource.may_import,
)


hazard_import, hazard_import_confirm = flow_views(HAZARD_IMPORT)
ledger_import, ledger_import_confirm = flow_views(LEDGER_IMPORT)


@export_view
def hazard_export(request, *, fmt):
    """The hazards the user may see, filtered like the list (year, field, level, status, township, unit, …)."""
    hazard_filter = HazardFilter(request.GET, queryset=Hazard.objects.restrict(request.user))
    hazards = hazard_filter.qs
    year = hazard_filter.form.cleaned_data.get("year") if hazard_filter.is_valid() else None
    year = int(year) if year is not None else None
    return export_response(
        resource=HazardResource(user=request.user),
        queryset=hazards,
        fmt=fmt,
        filename=dated_filename(str(Hazard._meta.verbose_name_plural), year),
        ascii_filename=dated_filename("hazards", year),
    )
