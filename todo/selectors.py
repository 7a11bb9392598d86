"""Reads of the to-do (待办): what awaits a user now, from every app's sources (``todo.registry``), computed live.

``todo_counts(user)`` answers every source's count in one query (a SELECT of scalar COUNT subqueries), for the
header; ``todo_groups(user)`` adds the first ``settings.TODO_GROUP_ROWS`` rows of each source that has any (one
query each), for the page. Neither depends on the number of rows.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection

from core import clock

from .registry import Group, TodoLine, TodoSource, sources

DEFAULT_GROUP_ROWS = 10


@dataclass
class SourceItems:
    source: TodoSource
    count: int
    lines: list[TodoLine] = field(default_factory=list)
    more_url: str = ""

    @property
    def more(self) -> int:
        return self.count - len(self.lines)


@dataclass
class TodoGroup:
    key: str
    label: str
    parts: list[SourceItems]

    @property
    def count(self) -> int:
        return sum(part.count for part in self.parts)


def _querysets(user, today: datetime.date):
    for source in sources():
        queryset = source.items(user, today)
        if queryset is not None:
            yield source, queryset


def _counts(pairs) -> list[int]:
    """Each queryset's count, in one query."""
    if not pairs:
        return []
    parts, params = [], []
    for _source, queryset in pairs:
        try:
            sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a queryset that can match nothing (``none()``, ``pk__in=[]``)
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS todo_rows)")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def todo_counts(user, today: datetime.date | None = None) -> dict[str, int]:
    """Every source's count for ``user`` (sources that cannot concern them left out): one query."""
    pairs = list(_querysets(user, today or clock.today()))
    return {source.key: count for (source, _qs), count in zip(pairs, _counts(pairs), strict=True)}


def todo_total(user, today: datetime.date | None = None) -> int:
    return sum(todo_counts(user, today).values())


def todo_groups(user, today: datetime.date | None = None) -> list[TodoGroup]:
    """The page: every group with something in it, each source with its count and its first rows."""
    today = today or clock.today()
    limit = getattr(settings, "TODO_GROUP_ROWS", DEFAULT_GROUP_ROWS)
    pairs = list(_querysets(user, today))
    groups: dict[str, TodoGroup] = {}
    for (source, queryset), count in zip(pairs, _counts(pairs), strict=True):
        if not count:
            continue
        part = SourceItems(source, count, [source.line(row, today) for row in queryset[:limit]])
        if part.more and source.more_url is not None:
            part.more_url = source.more_url(user)
        group = groups.setdefault(source.group, TodoGroup(source.group, Group(source.group).label, []))
        group.parts.append(part)
    return [groups[key] for key in Group.values if key in groups]
