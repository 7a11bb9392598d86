"""Background work of the reminders (thin: each task calls the function that does the work).

Every task acknowledges late and is put back on the queue when its worker dies (``reject_on_worker_lost``), and
is retried on database or mail errors: each is safe to run twice (see ``reminders.delivery``). No task is ever
scheduled ahead (no ETA): the daily scan is the schedule.
"""

import datetime

from celery import shared_task
from django.db import DatabaseError

from . import delivery, scan, weekly

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="reminders.scan", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5, **RELIABLE)
def scan_task(day: str | None = None) -> dict:
    """The daily scan (beat: 08:30 Asia/Shanghai), of today or of ``day`` (ISO date)."""
    return scan.run_scan(today=datetime.date.fromisoformat(day) if day else None).as_dict()


@shared_task(name="reminders.send_daily_emails", bind=True, max_retries=5, **RELIABLE)
def send_daily_emails_task(self, recipient_ids: list[int]) -> int:
    """Send a batch of users' e-mails of the day; those that failed are retried with backoff."""
    failed = delivery.send_daily_emails(recipient_ids)
    if failed:
        raise self.retry(args=[failed], countdown=min(600, 30 * 2**self.request.retries))
    return len(recipient_ids)


@shared_task(name="reminders.post_webhook", autoretry_for=(DatabaseError,), max_retries=3, **RELIABLE)
def post_webhook_task(delivery_id: int) -> str:
    return delivery.post_webhook(delivery_id)


@shared_task(name="reminders.weekly_digest", autoretry_for=(DatabaseError,), max_retries=5, **RELIABLE)
def weekly_digest_task() -> int:
    """The weekly leadership digest (beat: Monday 08:00 Asia/Shanghai)."""
    return weekly.send_weekly_digests()
