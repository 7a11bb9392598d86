"""The audit history: one home. django-auditlog records each tracked write (who, when, before and after)
through model signals; this module gives services the actor and pages the history."""

import contextlib
import functools

from auditlog import context
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save
from django.dispatch.dispatcher import _make_id
from django.utils.translation import gettext_lazy as _

__all__ = ["ACTION_LABELS", "history_for", "set_actor", "track"]

# Bookkeeping fields whose change says nothing a reader needs.
UNTRACKED_FIELDS = ("created_at", "updated_at", "is_demo")


@contextlib.contextmanager
def set_actor(actor, remote_addr=None, remote_port=None):
    """Record the writes inside under ``actor`` (django-auditlog's ``set_actor``), and give the enclosing actor
    back on the way out. Auditlog's own leaves its context to the inner one and, when both were opened in the
    same instant (its receivers are told apart by ``time.time()``), disconnects the enclosing receiver: an
    admin's inline saved after a service ran under the request's actor would be recorded under nobody."""
    enclosing = _open_context()
    if enclosing is not None and enclosing.get("actor") == actor and remote_addr is None:
        yield  # already recorded under this actor
        return
    try:
        with context.set_actor(actor, remote_addr=remote_addr, remote_port=remote_port):
            yield
    finally:
        if enclosing is not None:
            context.auditlog_value.set(enclosing)
            duid = enclosing["signal_duid"]
            receiver = functools.partial(context._set_extra_data, signal_duid=duid)
            pre_save.connect(receiver, sender=LogEntry, dispatch_uid=duid, weak=False)  # a no-op if still there


def _open_context() -> dict | None:
    """Auditlog's context of the ``set_actor`` (or middleware) still open around this code, if any: auditlog
    leaves its last context behind when it closes, with its receiver disconnected."""
    value = context.auditlog_value.get(None)
    if value is None:
        return None
    key = (value["signal_duid"], _make_id(LogEntry))
    return value if any(receiver[0] == key for receiver in pre_save.receivers) else None


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
