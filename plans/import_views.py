"""Excel / CSV import and export of measures: thin views over core.imports and plans.resources."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.imports.views import (
    ImportFlow,
    dated_filename,
    export_format,
    export_response,
    import_confirm,
    import_upload,
)

from .filters import MeasureFilter
from .models import Measure
from .resources import MeasureResource


def _template_query(user) -> dict:
    """The import page's template: a unit member's own unit's measures, everything for administrators."""
    return {"unit": user.unit_id} if user.is_unit_member else {}


MEASURE_IMPORT = ImportFlow(
    key="plans.measure",
    title=gettext_lazy("Import measures"),
    resource_class=MeasureResource,
    upload_url="plans:measure_import",
    confirm_url="plans:measure_import_confirm",
    done_url="plans:measure_list",
    export_url="plans:measure_export",
    may_import=MeasureResource.may_import,
    template_query=_template_query,
)


@login_required
def measure_import(request):
    return import_upload(request, MEASURE_IMPORT)


@login_required
@require_POST
def measure_import_confirm(request):
    return import_confirm(request, MEASURE_IMPORT)


@login_required
@require_GET
def measure_export(request):
    """The measures the user may view, filtered like the measure list (year, key_task, unit, status, …)."""
    fmt = export_format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Unknown export format."))
    query = request.GET.copy()
    if "plan" in query and "year" not in query:
        query["year"] = query["plan"]  # a plan is named by its year
    measure_filter = MeasureFilter(query, queryset=Measure.objects.restrict(request.user, "view"))
    measures = measure_filter.qs
    year = measure_filter.form.cleaned_data.get("year") if measure_filter.is_valid() else None
    year = int(year) if year is not None else None
    return export_response(
        resource=MeasureResource(user=request.user),
        queryset=measures,
        fmt=fmt,
        filename=dated_filename(str(Measure._meta.verbose_name_plural), year),
        ascii_filename=dated_filename("measures", year),
    )
