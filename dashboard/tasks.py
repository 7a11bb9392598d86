"""Background work of the dashboard. Thin: the counting is dashboard.cache's."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import translation

from core import clock, periods

from . import cache


def warm() -> bool:
    """Count the default year's figures into the cache (in the site's language), unless they are there already.
    Returns whether they were counted."""
    django_cache.delete(cache.WARM_PENDING_KEY)  # a write from now on queues the next warm-up
    today = clock.today()
    with translation.override(settings.LANGUAGE_CODE):
        _, from_cache = cache.figures_html(periods.default_year(today), today, translation.get_language())
    return not from_cache


@shared_task(name="dashboard.warm", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def warm_task() -> bool:
    return warm()
