"""Sending: the day's e-mail of each user, and the day's message of each unit's group robot.

Each is claimed by locking its outbox row (``select_for_update(skip_locked=True)``) and marked sent in the same
transaction as it is sent: a worker killed before the commit leaves the row pending (the database rolls back when
its connection drops) and the task, acknowledged late, is delivered again; a second worker skips a locked row.
"""

import json
import logging
import time
import urllib.request

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import clock
from organisation.models import User

from .choices import DeliveryState, DigestKind
from .models import DigestEmail, Notification, WebhookDelivery
from .queueing import queue_after_commit
from .scan import absolute

logger = logging.getLogger(__name__)


def _claim(recipient_id: int, kind: str, day) -> DigestEmail | None:
    """The recipient's pending e-mail row for ``day``, locked; None when it was sent or another worker has it.
    Call inside a transaction."""
    return (
        DigestEmail.objects.select_for_update(skip_locked=True)
        .filter(recipient_id=recipient_id, kind=kind, day=day, state=DeliveryState.PENDING)
        .first()
    )


def _record_failure(recipient_id: int, kind: str, day, error: Exception) -> None:
    DigestEmail.objects.filter(recipient_id=recipient_id, kind=kind, day=day).update(
        attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
    )


def send_daily_email(recipient_id: int, *, today=None) -> bool:
    """Send the user's e-mail of the day: every reminder not yet e-mailed, in one message. At most one a day
    (reminders arriving after it wait for the next day's). False when there was nothing to send."""
    day = today or clock.today()
    if not Notification.objects.filter(recipient_id=recipient_id, email_pending=True).exists():
        return False
    DigestEmail.objects.bulk_create(
        [DigestEmail(recipient_id=recipient_id, kind=DigestKind.DAILY, day=day)], ignore_conflicts=True
    )
    with transaction.atomic():
        digest = _claim(recipient_id, DigestKind.DAILY, day)
        if digest is None:
            return False
        notifications = list(
            Notification.objects.select_for_update()
            .filter(recipient_id=recipient_id, email_pending=True)
            .order_by("due_date", "source", "item_key", "kind")
        )
        if not notifications:
            return False
        recipient = User.objects.get(pk=recipient_id)
        for notification in notifications:
            notification.link = absolute(notification.url)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "recipient": recipient,
                "day": day,
                "notifications": notifications,
                "list_url": absolute(reverse("reminders:notification_list")),
            }
            subject = _("Reminders for %(day)s: %(count)d items") % {
                "day": day.isoformat(),
                "count": len(notifications),
            }
            message = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("reminders/email/daily.txt", context),
                to=[recipient.email],
            )
            message.attach_alternative(render_to_string("reminders/email/daily.html", context), "text/html")
        message.send()
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(email_pending=False, email=digest)
        digest.state, digest.sent_at = DeliveryState.SENT, timezone.now()
        digest.save(update_fields=["state", "sent_at"])
    return True


def send_daily_emails(recipient_ids: list[int], *, today=None) -> list[int]:
    """Send each user's e-mail of the day; a failure is recorded on the user's row and does not stop the others.
    Returns the users whose e-mail failed (to retry)."""
    day = today or clock.today()
    failed = []
    for recipient_id in recipient_ids:
        try:
            send_daily_email(recipient_id, today=day)
        except Exception as error:
            logger.exception("reminders: the e-mail of user %s failed", recipient_id)
            _record_failure(recipient_id, DigestKind.DAILY, day, error)
            failed.append(recipient_id)
    return failed


# Webhooks ---------------------------------------------------------------------------------------------------------


def webhook_payload(text: str) -> dict:
    """The JSON of a text message: WeCom and DingTalk group robots both take this form."""
    return {"msgtype": "text", "text": {"content": text}}


def _post(url: str, payload: dict) -> None:
    """POST ``payload``; raise unless the robot answers 2xx with errcode 0 (or no errcode)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=settings.REMINDERS_WEBHOOK_TIMEOUT) as response:
        body = response.read(10_000)
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise RuntimeError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def _failure(error: Exception | str) -> dict:
    if isinstance(error, str):
        return {"at": timezone.now().isoformat(), "status": None, "error": error}
    text = f"{type(error).__name__}: {error}"
    return {"at": timezone.now().isoformat(), "status": getattr(error, "code", None), "error": text[:1000]}


def post_webhook(delivery_id: int) -> str:
    """Post a unit's message of the day to its robot: up to ``settings.REMINDERS_WEBHOOK_ATTEMPTS`` tries, each
    with a timeout, waiting ``REMINDERS_WEBHOOK_BACKOFF`` × 2ⁿ seconds between them; each failure is recorded on the
    delivery (admin: webhook deliveries). Returns the delivery's state, or "skipped" when it is not pending."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("unit__reminder_webhook")
            .filter(pk=delivery_id, state=DeliveryState.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped"
        hook = getattr(delivery.unit, "reminder_webhook", None)
        attempts = settings.REMINDERS_WEBHOOK_ATTEMPTS
        delivery.state = DeliveryState.FAILED
        if hook is None or not hook.is_active:
            delivery.failures.append(_failure("no active webhook for this unit"))
        else:
            for attempt in range(1, attempts + 1):
                delivery.attempts += 1
                try:
                    _post(hook.url, webhook_payload(delivery.text))
                except (OSError, RuntimeError, ValueError) as error:  # URLError and timeouts are OSErrors
                    delivery.failures.append(_failure(error))
                    logger.warning("reminders: webhook of %s failed (attempt %d): %s", delivery.unit, attempt, error)
                    if attempt < attempts:
                        time.sleep(settings.REMINDERS_WEBHOOK_BACKOFF * 2 ** (attempt - 1))
                    continue
                delivery.state, delivery.sent_at = DeliveryState.SENT, timezone.now()
                break
        delivery.save(update_fields=["state", "sent_at", "attempts", "failures"])
        return delivery.state


def retry_webhook_deliveries(deliveries) -> int:
    """Give failed robot messages another round of tries (an administrator's action, once the robot's URL or the
    network is fixed): each goes back to pending, keeping its recorded failures, and is queued after the commit —
    or picked up by the next scan if the broker is down. Returns how many were put back."""
    failed = list(deliveries.filter(state=DeliveryState.FAILED))
    for message in failed:
        message.state = DeliveryState.PENDING
        message.save(update_fields=["state"])  # a save, not an update(): the audit log records who retried
        queue_after_commit("post_webhook_task", message.pk)
    return len(failed)
