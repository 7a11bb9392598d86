"""The registry of to-do sources: every app declares, in ``<app>/todo.py`` (found by ``autodiscover()``, called from
the todo app's ``ready()``), what of its own awaits a user now — like the reminders' deadline sources::

    SOURCES = [TodoSource(key="plans.review", group=Group.REVIEW, label=_("Progress reports"),
                          items=reports_to_review, line=report_line)]

A source's ``items(user, today)`` is a queryset of what awaits ``user`` (restricted by the app's own
``restrict()`` rules, ordered, with what ``line`` reads selected), or None when nothing of it can await that user.
It is computed live, never stored: the to-do page shows the first rows of each, the header its count.
"""

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Group(models.TextChoices):
    """The to-do page's groups, in the order it shows them."""

    REVIEW = "review", _("To review")
    RETURNED = "returned", _("Returned to me to correct")
    TO_WRITE = "to_write", _("This month's reports to write")
    HAZARDS = "hazards", _("Hazards: my step")
    SUPERVISED = "supervised", _("Under supervision (督办)")
    CHECKLISTS = "checklists", _("Self-check checklists: my step")
    OVERDUE = "overdue", _("Overdue")
    IMPORTS = "imports", _("Imports waiting for my confirmation")


@dataclass(frozen=True, slots=True)
class TodoLine:
    """One line of the to-do page: what it is, where the step is done, and its date with what the date is."""

    title: str
    url: str  # the page where the step is done
    date: datetime.date | None = None
    date_label: str = ""  # what the date is: "Submitted", "Due", …
    note: str = ""  # e.g. the reason a report was returned
    overdue_days: int = 0


@dataclass(frozen=True)
class TodoSource:
    key: str
    group: str
    label: str
    items: Callable  # (user, today) -> QuerySet | None
    line: Callable  # (row, today) -> TodoLine
    more_url: Callable | None = None  # (user) -> the filtered list holding every item, when there is one


_sources: dict[str, TodoSource] = {}


def register(source: TodoSource) -> None:
    if source.key in _sources and _sources[source.key] is not source:
        raise ValueError(f"to-do source {source.key!r} is registered twice")
    _sources[source.key] = source


def sources() -> list[TodoSource]:
    """Every source, in the page's order of groups (and their declaration order within a group)."""
    order = list(Group.values)
    return sorted(_sources.values(), key=lambda source: order.index(source.group))


def autodiscover() -> None:
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.todo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.todo":
                raise
            continue
        for item in getattr(module, "SOURCES", ()):
            register(item)


def days_late(due: datetime.date | None, today: datetime.date) -> int:
    """Days past ``due`` (0 when not yet due or without a date)."""
    return max((today - due).days, 0) if due else 0
