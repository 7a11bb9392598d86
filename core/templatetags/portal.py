from django import template

from core.audit import history_for

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
