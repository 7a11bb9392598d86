"""The registry of computed figures: every app declares the figures a checklist item may take, and the checklists
app knows nothing else about them (built like ``reminders.registry``).

An app declares its figures in ``<app>/figures.py`` (found by ``autodiscover()``, called from the checklists app's
``ready()``)::

    FIGURES = [ChecklistFigure(key="safety.zero_out_rate", label=_("Hazard zero-out rate"), unit="%",
                               compute=zero_out_rate, param_label=_("Hazard field"))]

``compute(year, param)`` answers the figure for ``year`` (``param``: the key task's number, the category … the
figure is about; "" for the whole year) as a ``Decimal``, or None when there is nothing to count. It must be read
through the same selectors as the page the figure comes from, so that a checklist says what that page says.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps


@dataclass(frozen=True)
class ChecklistFigure:
    key: str
    label: str
    unit: str
    compute: Callable[[int, str], Decimal | None]
    param_label: str = ""  # what the parameter names, when the figure takes one


_figures: dict[str, ChecklistFigure] = {}


def register(figure: ChecklistFigure) -> None:
    if figure.key in _figures and _figures[figure.key] is not figure:
        raise ValueError(f"checklist figure {figure.key!r} is registered twice")
    _figures[figure.key] = figure


def figures() -> list[ChecklistFigure]:
    return list(_figures.values())


def figure(key: str) -> ChecklistFigure | None:
    return _figures.get(key)


def figure_choices() -> list[tuple[str, str]]:
    return [(item.key, f"{item.label} ({item.key})") for item in _figures.values()]


def compute(key: str, year: int, param: str = "") -> Decimal | None:
    """The figure ``key`` for ``year``, rounded to the value's four places (KeyError: no such figure)."""
    value = _figures[key].compute(year, param)
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"))


def autodiscover() -> None:
    """Register the ``FIGURES`` of every installed app's ``figures`` module."""
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.figures")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.figures":
                raise
            continue
        for item in getattr(module, "FIGURES", ()):
            register(item)


def as_decimal(value) -> Decimal | None:
    """A page's figure (a float rounded for display, a Decimal, an int) as a Decimal, exactly as shown."""
    return None if value is None else Decimal(str(value))
