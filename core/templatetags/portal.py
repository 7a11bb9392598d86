import datetime

from django import template
from django.utils import timesince

from core.audit import ACTION_LABELS, history_for
from core.fields import MonthField
from core.periods import month_label

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced: for pagination links that keep the filters."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.inclusion_tag("includes/history.html")
def object_history(obj):
    return {"entries": history_for(obj)}


def _shown(value) -> str:
    return "—" if value in (None, "", "None") else str(value)


@register.filter
def audit_changes(entry) -> list[tuple[str, str, str]]:
    """An audit entry's changes as (field, before, after) rows; many-to-many changes as added/removed names.
    (auditlog's display dict mangles many-to-many changes, so those are read from the raw changes.)"""
    model = entry.content_type.model_class()
    rows = []
    for name, change in entry.changes_dict.items():
        if isinstance(change, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            sign = "+" if change.get("operation") == "add" else "−"
            label = model._meta.get_field(name).verbose_name if model else name
            rows.append((str(label), "", f"{sign} {'、'.join(change.get('objects', []))}"))
    months = _month_fields(model)
    for label, change in entry.changes_display_dict.items():
        if isinstance(change, list | tuple) and len(change) == 2:
            if label in months:  # auditlog shows a date; a month field's value is a month
                change = [_month(value) for value in entry.changes_dict[months[label]]]
            before, after = _shown(change[0]), _shown(change[1])
            if before != after and label != "ID":  # a new object's empty fields and its id say nothing
                rows.append((str(label), before, after))
    return rows


def _month_fields(model) -> dict[str, str]:
    """The verbose names (as auditlog's display dict keys them) of ``model``'s month fields → their names."""
    if model is None:
        return {}
    return {str(f.verbose_name): f.name for f in model._meta.concrete_fields if isinstance(f, MonthField)}


def _month(value) -> str | None:
    try:
        return month_label(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return value


@register.filter
def audit_action(entry) -> str:
    return ACTION_LABELS.get(entry.action, entry.get_action_display())


@register.filter
def duration(value: datetime.timedelta) -> str:
    """A length of time in words, as Django says "time since" ("15 分钟", "1 小时"): for the lockout page."""
    start = datetime.datetime(2000, 1, 1)
    return timesince.timeuntil(start + value, now=start)
