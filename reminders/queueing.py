"""Queueing reminders' tasks: after the transaction commits, and never failing the caller when the broker is
down — the failure is logged and the next scan queues the work again (the outbox rows stay pending)."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def queue_after_commit(task_name: str, *args) -> None:
    """Queue ``reminders.tasks.<task_name>(*args)`` once the current transaction (if any) commits."""
    transaction.on_commit(lambda: queue_now(task_name, *args))


def queue_now(task_name: str, *args) -> bool:
    from . import tasks

    try:
        getattr(tasks, task_name).apply_async(args=args)
    except Exception:  # the broker is down (or an eager task failed): the next scan picks the work up
        logger.exception("reminders: could not queue %s; the next scan will queue it again", task_name)
        return False
    return True
