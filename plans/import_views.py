"""Excel / CSV import and export of measures: thin views over core.imports and plans.resources."""

from django.utils.translation import gettext_lazy

from core.imports.views import ImportFlow, dated_filename, export_response, export_view, flow_views, own_unit_query

from .filters import MeasureFilter
from .models import Measure
from .resources import MeasureResource

MEASURE_IMPORT = ImportFlow(
    key="plans.measure",
    title=gettext_lazy("Import measures"),
    resource_class=MeasureResource,
    upload_url="plans:measure_import",
    confirm_url="plans:measure_import_confirm",
    done_url="plans:measure_list",
    export_url="plans:measure_export",
    may_import=MeasureResource.may_import,
    template_query=own_unit_query,
)


measure_import, measure_import_confirm = flow_views(MEASURE_IMPORT)


@export_view
def measure_export(request, *, fmt):
    """The measures the user may view, filtered like the measure list (year, key_task, unit, status, …)."""
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
