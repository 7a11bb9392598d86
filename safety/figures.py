"""The safety figures for checklist items (``checklists.registry``): the zero-out (清零) rate of the hazards found
in the year, of every field or of one (the parameter: the field's code), as the zero-out page shows it."""

from django.utils.translation import gettext_lazy as _

from checklists.registry import ChecklistFigure

from .selectors import hazard_zero_out


def zero_out_rate(year: int, param: str = ""):
    figures = hazard_zero_out(year=year)
    if not param:
        return figures.totals.rate
    row = next((row for row in figures.by_field if row.key == param), None)
    return None if row is None else row.rate


FIGURES = [
    ChecklistFigure(
        key="safety.zero_out_rate",
        label=_("Hazard zero-out rate"),
        unit="%",
        compute=zero_out_rate,
        param_label=_("Hazard field"),
    ),
]
