"""Writes a user makes on their reminders: marking them read, and choosing their channels."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import set_actor
from events.dispatch import SOURCE as EVENTS_SOURCE

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


def preference_kinds() -> list[tuple[str, str]]:
    """What a user chooses the channels of: each kind of deadline, and the workflow events (key, label)."""
    return [*registry.source_choices(), (EVENTS_SOURCE, _("Workflow events (submitted, returned, 督办 …)"))]


def preferences_of(user) -> dict[str, bool]:
    """Kind key → whether ``user`` gets its reminders by e-mail (default: yes)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("source", "email"))
    return {key: chosen.get(key, True) for key, _label in preference_kinds()}


def preferences_save(*, user, email: dict[str, bool]) -> None:
    """Keep ``user``'s e-mail choice for each kind of deadline and for the workflow events (in-app is always on).
    Audited."""
    known = {key for key, _label in preference_kinds()}
    with transaction.atomic(), set_actor(user):
        for source, wanted in email.items():
            if source not in known:
                continue
            preference, created = Preference.objects.get_or_create(user=user, source=source, defaults={"email": wanted})
            if not created and preference.email != wanted:
                preference.email = wanted
                preference.save(update_fields=["email"])
