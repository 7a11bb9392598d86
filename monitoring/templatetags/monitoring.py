from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    """A fraction as a percentage with one decimal (0.1234 → 12.3%); — when there is none."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def signed_percent(value: Decimal | None) -> str:
    """A change as a signed percentage (-0.2 → -20.0%); — when there is none."""
    if value is None:
        return "—"
    return f"{value * 100:+.1f}%"


@register.filter
def alarm_list_url(figure) -> str:
    """The alarm list of the alarms a figure counts."""
    return f"{reverse('monitoring:alarm_list')}?{urlencode(figure.alarm_query)}"
