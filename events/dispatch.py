"""Dispatching the outbox: each event becomes one in-app notification per recipient (the bell), e-mailed in the
recipient's next daily digest when they have an address (``email_pending``, sent by the reminders' e-mail task).

At most once: the events are claimed with ``select_for_update(skip_locked=True)`` and stamped dispatched in the
same transaction as their notifications are inserted, and a notification is unique per (recipient, event) —
inserted with ON CONFLICT DO NOTHING — so a retried task or two sweeps at once never notify twice. An event that
fails (a bad row) is recorded and skipped; the others go on."""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import clock
from organisation.models import User
from reminders.choices import ReminderKind
from reminders.models import Notification

from .models import Event

logger = logging.getLogger(__name__)

SOURCE = "events"  # reminders.Notification.source of every workflow event
SWEEP_BATCH = 500


def _notifications(event: Event, emails: dict[int, str]) -> list[Notification]:
    day = timezone.localdate(event.created_at)
    return [
        Notification(
            recipient_id=pk,
            source=SOURCE,
            item_key=event.item_key,
            kind=ReminderKind.EVENT,
            day=day,
            title=event.title,
            url=event.url,
            unit_id=event.unit_id,
            event=event,
            email_pending=bool(emails[pk]),
        )
        for pk in event.recipient_ids
        if pk in emails
    ]


def dispatch(event_ids: list[int] | None = None, *, limit: int = SWEEP_BATCH) -> int:
    """Dispatch the undispatched events (those of ``event_ids``, or the oldest ``limit``) that no other worker
    holds. Returns how many were dispatched."""
    pending = Event.objects.filter(dispatched_at__isnull=True)
    if event_ids is not None:
        pending = pending.filter(pk__in=event_ids)
    done = 0
    with transaction.atomic():
        events = list(pending.select_for_update(skip_locked=True).order_by("created_at", "pk")[:limit])
        if not events:
            return 0
        wanted = {pk for event in events for pk in event.recipient_ids}
        emails = dict(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", "email"))
        for event in events:
            try:
                with transaction.atomic():  # one bad event is recorded, not a crash loop
                    Notification.objects.bulk_create(_notifications(event, emails), ignore_conflicts=True)
                    Event.objects.filter(pk=event.pk).update(dispatched_at=clock.now())
                done += 1
            except Exception as error:
                logger.exception("events: event %s could not be dispatched", event.pk)
                Event.objects.filter(pk=event.pk).update(
                    attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
                )
    return done
