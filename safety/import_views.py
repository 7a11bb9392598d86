"""Excel / CSV import and export of the hazard register: thin views over core.imports and safety.resources."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.imports.views import ImportFlow, dated_filename, export_format, export_response, import_confirm, import_upload

from .filters import HazardFilter
from .models import Hazard
from .resources import HazardResource


def _template_query(user) -> dict:
    """The import page's template: the user's unit's hazards (administrators: all), to edit and import back."""
    return {"unit": user.unit_id} if user.is_unit_member else {}


HAZARD_IMPORT = ImportFlow(
    key="safety.hazard",
    title=gettext_lazy("Import hazards"),
    resource_class=HazardResource,
    upload_url="safety:hazard_import",
    confirm_url="safety:hazard_import_confirm",
    done_url="safety:hazard_list",
    export_url="safety:hazard_export",
    may_import=HazardResource.may_import,
    template_query=_template_query,
)


@login_required
def hazard_import(request):
    return import_upload(request, HAZARD_IMPORT)


@login_required
@require_POST
def hazard_import_confirm(request):
    return import_confirm(request, HAZARD_IMPORT)


@login_required
@require_GET
def hazard_export(request):
    """The hazards the user may see, filtered like the list (year, field, level, status, township, unit, …)."""
    fmt = export_format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Unknown export format."))
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
