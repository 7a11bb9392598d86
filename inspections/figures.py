"""The inspections' figures for checklist items (``checklists.registry``): inspections made in the year (of one
kind, the parameter, or all) and random draws made — published the moment they are made — as their lists count
them for that year."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from checklists.registry import ChecklistFigure

from .filters import DrawFilter, InspectionFilter
from .models import Draw, Inspection


def inspections_done(year: int, param: str = ""):
    query = {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31", "kind": param}
    return Decimal(InspectionFilter(query, queryset=Inspection.objects.all()).qs.count())


def draws_published(year: int, param: str = ""):
    return Decimal(DrawFilter({"year": str(year)}, queryset=Draw.objects.all()).qs.count())


FIGURES = [
    ChecklistFigure(
        key="inspections.done",
        label=_("Inspections made"),
        unit=_("inspections"),
        compute=inspections_done,
        param_label=_("Inspection kind"),
    ),
    ChecklistFigure(
        key="inspections.draws_published", label=_("Random draws published"), unit=_("draws"), compute=draws_published
    ),
]
