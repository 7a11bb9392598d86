"""Background work of the monitoring app (thin): the daily check of the closed months against the 督办 threshold."""

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(
    name="monitoring.notices_sweep",
    autoretry_for=(DatabaseError,),
    max_retries=3,
    acks_late=True,
    reject_on_worker_lost=True,
)
def notices_sweep_task() -> int:
    """Daily (beat, and the embedded scheduler without Redis): supervision notices for last month's figures."""
    return services.notices_sweep()
