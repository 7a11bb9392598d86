"""The plan's figures for checklist items (``checklists.registry``): measure completion and on-time rates, of
the whole year's plan or of one key task (the parameter: its number), exactly as the dashboard shows them."""

from django.utils.translation import gettext_lazy as _

from checklists.registry import ChecklistFigure, as_decimal
from core import clock


def _key_task_figures(year: int, param: str):
    """The dashboard's figures of the year's key task numbered ``param``, or of the whole plan (None: no such
    key task)."""
    from dashboard.selectors import key_task_figures, plan_totals

    tasks = key_task_figures(year, clock.today())
    if not param:
        return plan_totals(tasks) if tasks else None
    return next((task for task in tasks if str(task.number) == param), None)


def completion_rate(year: int, param: str = ""):
    figures = _key_task_figures(year, param)
    return None if figures is None else as_decimal(figures.done_rate)


def on_time_rate(year: int, param: str = ""):
    figures = _key_task_figures(year, param)
    return None if figures is None else as_decimal(figures.on_time_rate)


FIGURES = [
    ChecklistFigure(
        key="plans.completion_rate",
        label=_("Measures completed"),
        unit="%",
        compute=completion_rate,
        param_label=_("Key task number"),
    ),
    ChecklistFigure(
        key="plans.on_time_rate",
        label=_("Measures completed on time"),
        unit="%",
        compute=on_time_rate,
        param_label=_("Key task number"),
    ),
]
