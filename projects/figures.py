"""The projects' figures for checklist items (``checklists.registry``): investment completed against the year's
plan, of every category or of one (the parameter: the category's code), as the investment summary shows it."""

from django.utils.translation import gettext_lazy as _

from checklists.registry import ChecklistFigure, as_decimal

from .selectors import ZERO, _rate, investment_overview


def investment_rate(year: int, param: str = ""):
    rows = investment_overview(year).by_category
    if param:
        rows = [row for row in rows if row.key == param]
        if not rows:
            return None
    completed = sum((row.completed for row in rows), ZERO)
    planned = sum((row.planned for row in rows), ZERO)
    return as_decimal(_rate(completed, planned))


FIGURES = [
    ChecklistFigure(
        key="projects.investment_rate",
        label=_("Investment completed against the plan"),
        unit="%",
        compute=investment_rate,
        param_label=_("Project category"),
    ),
]
