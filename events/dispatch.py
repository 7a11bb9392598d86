"""Dispatching the outbox: each event becomes one in-app notification per recipient (the bell), e-mailed in the
recipient's next daily digest when they have an address and have not opted out of e-mail for the workflow events
(``reminders.Preference`` of the source ``SOURCE``; ``email_pending``, sent by the reminders' e-mail task),
and — when some of its recipients are members of its unit and that unit has an active group robot
(``reminders.UnitWebhook``) — one message to that robot (a ``reminders.WebhookDelivery`` of the event, unique per
unit and event, posted after the commit by the reminders' ``post_webhook`` with its retries and recorded failures).

At most once: the events are claimed with ``select_for_update(skip_locked=True)`` and stamped dispatched in the
same transaction as their notifications are inserted, and a notification is unique per (recipient, event) —
inserted with ON CONFLICT DO NOTHING — so a retried task or two sweeps at once never notify twice. An event that
fails (a bad row) is recorded and skipped; the others go on."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from core import clock
from organisation.models import User
from reminders.choices import DeliveryState, ReminderKind
from reminders.models import Notification, Preference, UnitWebhook, WebhookDelivery
from reminders.queueing import queue_after_commit
from reminders.scan import absolute

from .models import Event

logger = logging.getLogger(__name__)

SOURCE = "events"  # reminders.Notification.source of every workflow event
SWEEP_BATCH = 500


def _notifications(event: Event, emails: dict[int, str], opted_out: set[int]) -> list[Notification]:
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
            email_pending=bool(emails[pk]) and pk not in opted_out,
        )
        for pk in event.recipient_ids
        if pk in emails
    ]


def robot_text(event: Event) -> str:
    """The robot's message of an event: its kind, its title and the link to its item."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"【{event.get_kind_display()}】{event.title}\n{absolute(event.url)}"


def _robot_delivery(event: Event, members: dict[int, int | None], hooks: set[int]) -> WebhookDelivery | None:
    """The event's message to its unit's robot, when the unit has an active one and some recipient is a member."""
    if event.unit_id not in hooks or not any(members.get(pk) == event.unit_id for pk in event.recipient_ids):
        return None
    return WebhookDelivery(
        unit_id=event.unit_id, day=timezone.localdate(event.created_at), text=robot_text(event), event=event
    )


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
        people = User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", "email", "unit_id")
        emails, members = {}, {}
        for pk, email, unit_id in people:
            emails[pk], members[pk] = email, unit_id
        opted_out = set(
            Preference.objects.filter(user_id__in=wanted, source=SOURCE, email=False).values_list("user_id", flat=True)
        )
        units = {event.unit_id for event in events if event.unit_id}
        hooks = set(UnitWebhook.objects.filter(unit_id__in=units, is_active=True).values_list("unit_id", flat=True))
        robot_events = []
        for event in events:
            try:
                with transaction.atomic():  # one bad event is recorded, not a crash loop
                    Notification.objects.bulk_create(_notifications(event, emails, opted_out), ignore_conflicts=True)
                    message = _robot_delivery(event, members, hooks)
                    if message is not None:
                        WebhookDelivery.objects.bulk_create([message], ignore_conflicts=True)
                        robot_events.append(event.pk)
                    Event.objects.filter(pk=event.pk).update(dispatched_at=clock.now())
                done += 1
            except Exception as error:
                logger.exception("events: event %s could not be dispatched", event.pk)
                Event.objects.filter(pk=event.pk).update(
                    attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
                )
        if robot_events:
            queue_robot_messages(WebhookDelivery.objects.filter(event_id__in=robot_events))
    return done


def queue_robot_messages(deliveries) -> int:
    """Queue the pending robot messages of ``deliveries`` after the commit. Returns how many."""
    pending = list(deliveries.filter(state=DeliveryState.PENDING).values_list("pk", flat=True))
    for pk in pending:
        queue_after_commit("post_webhook_task", pk)
    return len(pending)


def queue_robot_messages_left_behind(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1)) -> int:
    """The events' robot messages still pending a while after they were written (a broker that was down when
    their dispatch committed): queued again by the sweep. Posting claims the row, so a message queued twice is
    posted once."""
    left = WebhookDelivery.objects.filter(event__isnull=False, created_at__lt=timezone.now() - older_than)
    return queue_robot_messages(left)
