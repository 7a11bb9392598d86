from django import template

from ..selectors import todo_total

register = template.Library()


@register.simple_tag(takes_context=True)
def todo_count(context) -> int:
    """What awaits the signed-in user (the 待办 link in the page header): one query, once per request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_todo_count"):
        request._todo_count = todo_total(user)
    return request._todo_count
