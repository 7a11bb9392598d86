"""The registry of deadline sources: every app declares its deadlines here, and the reminders app knows nothing
else about them.

An app declares its sources in ``<app>/deadlines.py`` (found by ``autodiscover()``, called from the reminders app's
``ready()``)::

    SOURCES = [DeadlineSource(key="safety.hazard", label=_("Hazard rectification"), items=open_hazards)]
    DIGEST_SECTIONS = [DigestSection(key="safety.major", title=_("New major hazards"), rows=new_major_hazards)]

A source's ``items(today=…, last_day=…)`` yields a ``Deadline`` for every item still open whose due date is on or
before ``last_day`` (so the overdue ones too), in a fixed number of queries whatever the number of items — a
``.values()`` over a filtered queryset. Closed items and items without a date are never yielded.
"""

import datetime
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True, slots=True)
class Deadline:
    """One item with a due date, as a source yields it."""

    key: str  # the item's stable identity within its source (a primary key, or e.g. "<project pk>:2020-05")
    title: str
    due_date: datetime.date
    unit_id: int | None  # the responsible unit: its members are reminded, its head and leader told on escalation
    url: str  # the item's page (a path; e-mails make it absolute)
    user_ids: tuple[int, ...] = ()  # people reminded besides the unit's members (e.g. the person on duty)


@dataclass(frozen=True)
class DeadlineSource:
    """A kind of deadline. ``offsets``, ``overdue_every`` and ``escalate_after`` are its defaults (None: the
    portal's, ``settings.REMINDERS_*``); administrators change them in the admin site (``ReminderRule``)."""

    key: str
    label: str
    items: Callable[..., Iterable[Deadline]]
    offsets: tuple[int, ...] | None = None  # days before the due date
    overdue_every: int | None = None  # working days between overdue reminders; 0: none
    escalate_after: int | None = None  # working days overdue before the unit head and leader are told; 0: never
    notify_unit: bool = True  # remind the responsible unit's members (False: only ``Deadline.user_ids``)
    completed: Callable[[datetime.date, datetime.date], Iterable[Deadline]] | None = None  # for the weekly digest


@dataclass(frozen=True)
class DigestSection:
    """A section of the weekly leadership digest: ``rows(first, last)`` yields the week's ``Deadline`` rows."""

    key: str
    title: str
    rows: Callable[[datetime.date, datetime.date], Iterable[Deadline]]


_sources: dict[str, DeadlineSource] = {}
_sections: dict[str, DigestSection] = {}


def register(source: DeadlineSource) -> None:
    if source.key in _sources and _sources[source.key] is not source:
        raise ValueError(f"deadline source {source.key!r} is registered twice")
    _sources[source.key] = source


def register_section(section: DigestSection) -> None:
    _sections[section.key] = section


def sources() -> list[DeadlineSource]:
    return list(_sources.values())


def source(key: str) -> DeadlineSource | None:
    return _sources.get(key)


def sections() -> list[DigestSection]:
    return list(_sections.values())


def source_choices() -> list[tuple[str, str]]:
    return [(item.key, item.label) for item in _sources.values()]


def autodiscover() -> None:
    """Register the ``SOURCES`` and ``DIGEST_SECTIONS`` of every installed app's ``deadlines`` module."""
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.deadlines")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.deadlines":
                raise
            continue
        for item in getattr(module, "SOURCES", ()):
            register(item)
        for item in getattr(module, "DIGEST_SECTIONS", ()):
            register_section(item)


def url_maker(viewname: str) -> Callable[[object], str]:
    """``pk → reverse(viewname, args=[pk])`` without resolving the URL again for each of many rows."""
    marker = 987654321
    template = reverse(viewname, args=[marker])
    head, tail = template.split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"
