from django.core.exceptions import PermissionDenied


def require_in(queryset, obj, message: str) -> None:
    """Refuse (PermissionDenied with ``message``) unless ``obj`` is in ``queryset`` — usually a
    ``restrict(user, action)`` queryset, so that a service checks the same rule as the pages."""
    if not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied(message)
