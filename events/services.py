"""Raising a workflow event: called by the services (never by a view, form, serializer or admin), inside the
transaction of the change it reports. The outbox row commits or rolls back with the change; its dispatch is queued
after the commit, and a broker error is logged, never raised into the request (the sweep dispatches it later)."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from organisation.models import User

from .models import Event

logger = logging.getLogger(__name__)


def item_key(obj) -> str:
    """The item an event is about: ``<app_label>.<model>:<pk>``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def event_raise(*, kind: str, obj, recipients: Iterable, title: str, url: str = "", unit=None) -> Event | None:
    """Record that ``kind`` happened to ``obj`` for ``recipients`` (users or their primary keys; ``unit``: the
    responsible unit or its primary key), in the current
    transaction; its dispatch is queued after the commit. Nobody to tell: nothing is recorded (None)."""
    ids = sorted({getattr(person, "pk", person) for person in recipients})
    if not ids:
        return None
    event = Event.objects.create(
        kind=kind,
        item_key=item_key(obj),
        title=str(title)[:300],
        url=(url or obj.get_absolute_url())[:300],
        unit_id=getattr(unit, "pk", unit),
        recipient_ids=ids,
    )
    transaction.on_commit(lambda: queue_dispatch(event.pk))
    return event


def queue_dispatch(event_id: int) -> bool:
    """Queue the event's dispatch; False (logged) when the broker is down or the task failed: the sweep retries."""
    from . import tasks

    try:
        tasks.dispatch_event_task.apply_async(args=[event_id])
    except Exception:
        logger.exception("events: could not queue the dispatch of event %s; the sweep will dispatch it", event_id)
        return False
    return True


# Recipients: the people the item's own rules let act on it now. ---------------------------------------------------


def candidates(*, units: Iterable = (), users: Iterable = (), q: Q | None = None):
    """Active users: the members (staff and heads) of ``units``, the ``users`` named and those matching ``q``."""
    unit_ids = [getattr(unit, "pk", unit) for unit in units if unit is not None]
    user_ids = [getattr(user, "pk", user) for user in users if user is not None]
    wanted = Q(unit_id__in=unit_ids, role__in=(User.Role.STAFF, User.Role.UNIT_HEAD)) | Q(pk__in=user_ids)
    if q is not None:
        wanted |= q
    return User.objects.filter(wanted, is_active=True).select_related("unit").order_by("pk")


def who_may(queryset, action: str, obj, people) -> list:
    """Those of ``people`` whom ``queryset``'s ``restrict(user, action)`` lets ``action`` ``obj`` (the rule the
    service itself checks, not a copy of it)."""
    return [person for person in people if queryset.restrict(person, action).filter(pk=obj.pk).exists()]
