"""The dashboard's cache, and when it is cleared.

Figures are kept under a key that includes a *generation* token. Every audited write (every write in this portal
leaves a django-auditlog ``LogEntry``: services, the admin site, imports — whose bulk path logs the job's end)
to the apps the dashboard counts starts a new generation once its transaction commits, so the next request counts
again and the figures agree with the lists. The key also holds the day (overdue is relative to today) and the
language; ``settings.DASHBOARD_CACHE_SECONDS`` bounds what a write without an audit entry (``scale`` data, raw
SQL) could leave stale. With the per-process local-memory cache (no ``REDIS_URL``), each process has its own
generation: run with Redis when several processes serve the site.
"""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "dashboard:generation"

#: The apps whose writes change a figure (core: import jobs, which write the others' rows in bulk).
COUNTED_APPS = frozenset({"plans", "projects", "safety", "inspections", "organisation", "core"})


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
    key = "dashboard:" + ":".join(str(part) for part in (_generation(), *parts))
    value = cache.get(key)
    if value is not None:
        return value, True
    value = compute()
    cache.set(key, value, timeout=_timeout())
    return value, False


def on_audit_entry(sender, instance, created, **kwargs) -> None:
    """post_save of auditlog's LogEntry: a write to a counted app starts a new generation after the commit."""
    if created and ContentType.objects.get_for_id(instance.content_type_id).app_label in COUNTED_APPS:
        transaction.on_commit(new_generation)
