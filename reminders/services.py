"""Writes a user makes on their reminders: marking them read, and choosing their channels."""

from django.db import transaction
from django.utils import timezone

from core.audit import set_actor

from . import registry
from .models import Notification, Preference
from .selectors import BellGroup, group_q


def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark ``user``'s unread notifications read (those of ``notification_ids``, or all of them). Returns how many.
    Another user's notification is never touched."""
    unread = Notification.objects.restrict(user, "change").unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def notification_group_mark_read(*, user, group: BellGroup) -> int:
    """Mark every unread notification of ``user`` in one of the bell's groups read (the lines shown and those
    folded into its summary line). Returns how many. Another user's notification is never touched."""
    unread = Notification.objects.restrict(user, "change").unread().filter(group_q(group))
    return unread.update(read_at=timezone.now())


def preferences_of(user) -> dict[str, bool]:
    """Source key → whether ``user`` gets its reminders by e-mail (default: yes)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("source", "email"))
    return {source.key: chosen.get(source.key, True) for source in registry.sources()}


def preferences_save(*, user, email: dict[str, bool]) -> None:
    """Keep ``user``'s e-mail choice for each kind of deadline (in-app is always on). Audited."""
    known = {source.key for source in registry.sources()}
    with transaction.atomic(), set_actor(user):
        for source, wanted in email.items():
            if source not in known:
                continue
            preference, created = Preference.objects.get_or_create(user=user, source=source, defaults={"email": wanted})
            if not created and preference.email != wanted:
                preference.email = wanted
                preference.save(update_fields=["email"])
