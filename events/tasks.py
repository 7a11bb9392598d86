"""Background work of the events (thin): dispatch one event after its commit, and the sweep of the outbox."""

from celery import shared_task
from django.db import DatabaseError

from . import dispatch

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="events.dispatch", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5, **RELIABLE)
def dispatch_event_task(event_id: int) -> int:
    return dispatch.dispatch([event_id])


@shared_task(name="events.sweep", autoretry_for=(DatabaseError,), max_retries=3, **RELIABLE)
def sweep_task() -> int:
    """Every minute (beat, and the embedded scheduler without Redis): the events a broker outage left behind, and
    their robot messages."""
    done = dispatch.dispatch()
    dispatch.queue_robot_messages_left_behind()
    return done
