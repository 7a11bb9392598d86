"""The audit history: one home. django-auditlog records each tracked write (who, when, before and after)
through model signals; this module gives services the actor and pages the history."""

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

__all__ = ["history_for", "set_actor"]


def history_for(obj, limit: int = 50):
    """The newest audit entries of one object, with their actors, in one query."""
    content_type = ContentType.objects.get_for_model(obj.__class__)
    return (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        .select_related("actor")
        .order_by("-timestamp")[:limit]
    )
