"""The audit history: one home. django-auditlog records each tracked write (who, when, before and after)
through model signals; this module gives services the actor and pages the history."""

from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

__all__ = ["ACTION_LABELS", "history_for", "set_actor", "track"]

# Bookkeeping fields whose change says nothing a reader needs.
UNTRACKED_FIELDS = ("created_at", "updated_at", "is_demo")


def track(model, *, m2m_fields: tuple[str, ...] = (), exclude_fields: tuple[str, ...] = ()) -> None:
    """Record every create, update and delete of ``model`` in the audit log. Call from ``AppConfig.ready()``:
    reverse relations (known only once all models are loaded) are left out of the record."""
    reverse_relations = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
    auditlog.register(
        model,
        exclude_fields=[*reverse_relations, *UNTRACKED_FIELDS, *exclude_fields],
        m2m_fields=set(m2m_fields),
    )


def history_for(obj, limit: int = 50):
    """The newest audit entries of one object, with their actors, in one query."""
    content_type = ContentType.objects.get_for_model(obj.__class__)
    return (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )


ACTION_LABELS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("viewed"),
}
