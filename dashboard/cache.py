"""The dashboard's cache, and when it is cleared.

Figures are kept under a key that includes a *generation* token. Every audited write (every write in this portal
leaves a django-auditlog ``LogEntry``: services, the admin site, imports — whose bulk path logs the job's end)
to the apps the dashboard counts starts a new generation once its transaction commits, so the next request counts
again and the figures agree with the lists. The key also holds the day (overdue is relative to today) and the
language; ``settings.DASHBOARD_CACHE_SECONDS`` bounds what a write without an audit entry (``scale`` data, raw
SQL) could leave stale. With the per-process local-memory cache (no ``REDIS_URL``), each process has its own
generation: run with Redis when several processes serve the site.

Counting at province scale takes a few hundred milliseconds, so with a Celery worker (``REDIS_URL``) a new
generation also queues ``dashboard.warm`` after the commit: the default year's figures are counted in the
background and the next reader finds them ready. One warm-up is pending at a time (a burst of writes, an import,
queues one); a write landing while it counts queues the next. In the embedded mode (tasks run in-process) nothing
is queued: the writer's request would pay for the counting, so the next reader does.

With the cache down (Redis restarting) every request counts the figures itself and a write still succeeds: the
generation it could not renew leaves figures cached before the outage to expire within
``DASHBOARD_CACHE_SECONDS``.
"""

import contextlib
import datetime
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string

from core import periods
from core.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

GENERATION_KEY = "dashboard:generation"
WARM_PENDING_KEY = "dashboard:warm-pending"

#: The apps whose writes change a figure (core: import jobs, which write the others' rows in bulk).
COUNTED_APPS = frozenset({"plans", "projects", "safety", "inspections", "monitoring", "organisation", "core"})


def _timeout() -> int:
    return settings.DASHBOARD_CACHE_SECONDS


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, timeout=None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def new_generation() -> None:
    """Forget every cached figure (they are counted again on the next request)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def get_or_compute(parts: tuple, compute: Callable):
    """The value cached under ``parts`` in this generation, else ``compute()`` stored there. Returns
    ``(value, from_cache)``."""
    if _timeout() <= 0:
        return compute(), False
    try:
        key = "dashboard:" + ":".join(str(part) for part in (_generation(), *parts))
        value = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("dashboard: the cache is not available; the figures are counted without it", exc_info=True)
        return compute(), False
    if value is not None:
        return value, True
    value = compute()
    try:
        cache.set(key, value, timeout=_timeout())
    except CACHE_ERRORS:
        logger.warning("dashboard: the cache is not available; the figures counted are not kept", exc_info=True)
    return value, False


def figures(year: int, today: datetime.date):
    """The dashboard's figures for ``year`` (``selectors.dashboard_figures``), from the cache when this generation
    has them: the page and the rows it loads on demand read the same counts. Returns ``(figures, from_cache)``."""
    from . import selectors

    return get_or_compute(("figures", year, today.isoformat()), lambda: selectors.dashboard_figures(year, today))


def figures_html(year: int, today: datetime.date, language: str) -> tuple[str, bool]:
    """The dashboard's figures for ``year`` as HTML, from the cache when this generation has them. Returns
    ``(html, from_cache)``."""
    from . import selectors

    def render() -> str:
        counted, _ = figures(year, today)
        context = {
            "figures": counted,
            "key_tasks": selectors.first_rows(counted.key_tasks),
            "units": selectors.first_rows(counted.units),
            "charts": selectors.dashboard_chart_data(counted),
            "week_start": periods.default_week_start(year, today),
        }
        return render_to_string("dashboard/_body.html", context)

    return get_or_compute(("page", year, today.isoformat(), language), render)


def rows_html(section: str, year: int, today: datetime.date, language: str, offset: int) -> str:
    """The rows of a long list of the dashboard (``section``: ``key_tasks`` or ``units``) from ``offset`` on, a
    page at a time (``selectors.rows_from``), with the button that loads the next page; cached as the page is."""
    from . import selectors

    def render() -> str:
        counted, _ = figures(year, today)
        context = {"figures": counted, section: selectors.rows_from(getattr(counted, section), offset)}
        return render_to_string(f"dashboard/_{section}_rows.html", context)

    return get_or_compute(("rows", section, year, today.isoformat(), language, offset), render)[0]


def renew() -> None:
    """A counted write has committed: forget the figures, and have a worker count them again for the next reader.
    Never raises (it runs after the commit: the write has been made whatever happens here)."""
    try:
        new_generation()
        if settings.CELERY_TASK_ALWAYS_EAGER or _timeout() <= 0 or not cache.add(WARM_PENDING_KEY, 1, timeout=300):
            return
    except CACHE_ERRORS:
        logger.exception("dashboard: the cache is not available; the figures cached before it went down may be stale")
        return
    from .tasks import warm_task

    try:
        warm_task.apply_async()
    except Exception:  # the broker is down: the next reader counts, as without a worker
        with contextlib.suppress(*CACHE_ERRORS):  # down too: the key expires by itself
            cache.delete(WARM_PENDING_KEY)
        logger.exception("dashboard: could not queue the warm-up of the figures")


def on_audit_entry(sender, instance, created, **kwargs) -> None:
    """post_save of auditlog's LogEntry: a write to a counted app starts a new generation after the commit."""
    if created and ContentType.objects.get_for_id(instance.content_type_id).app_label in COUNTED_APPS:
        transaction.on_commit(renew)
