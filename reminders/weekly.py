"""The weekly leadership digest (Monday 08:00 Asia/Shanghai), ready for the weekly meeting: the items overdue now,
by unit; what was completed last week; the sections the apps declare (new major hazards); and the dashboard's
weekly briefing attached (.xlsx and .pdf). One e-mail per leader and week (``DigestEmail``, unique)."""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import clock
from core.periods import last_week_start
from dashboard.briefing import weekly_briefing_files
from organisation.models import Unit, User

from . import registry
from .choices import DeliveryState, DigestKind
from .delivery import _claim, _record_failure
from .models import DigestEmail
from .scan import absolute

logger = logging.getLogger(__name__)
ITEMS_PER_UNIT = 10


@dataclass
class UnitOverdue:
    name: str
    count: int = 0
    items: list = field(default_factory=list)  # the oldest ITEMS_PER_UNIT (label, Deadline)


@dataclass
class WeeklyDigest:
    week_start: datetime.date
    week_end: datetime.date
    overdue: list[UnitOverdue]
    completed: list[tuple[str, list]]  # (kind of deadline, [Deadline])
    sections: list[tuple[str, list]]  # (title, [Deadline])

    @property
    def overdue_count(self) -> int:
        return sum(unit.count for unit in self.overdue)


def weekly_digest(week_start: datetime.date, *, today: datetime.date | None = None) -> WeeklyDigest:
    """The digest of the week ``week_start`` … +6 days, overdue as of ``today``. A fixed number of queries: one per
    source and section, and one for the units' names."""
    today = today or clock.today()
    week_end = week_start + datetime.timedelta(days=6)
    overdue: dict[int | None, list] = defaultdict(list)
    completed = []
    for source in registry.sources():
        for item in source.items(today=today, last_day=today - datetime.timedelta(days=1)):
            overdue[item.unit_id].append((source.label, item))
        if source.completed is not None:
            done = list(source.completed(week_start, week_end))
            if done:
                completed.append((source.label, done))
    sections = [(section.title, list(section.rows(week_start, week_end))) for section in registry.sections()]
    units = {
        pk: (order, name)
        for pk, order, name in Unit.objects.filter(pk__in=[pk for pk in overdue if pk]).values_list(
            "pk", "sort_order", "name"
        )
    }
    by_unit = []
    for unit_id, items in sorted(overdue.items(), key=lambda pair: units.get(pair[0], (10**6, ""))):
        items.sort(key=lambda pair: pair[1].due_date)
        name = units[unit_id][1] if unit_id in units else _("No unit")
        by_unit.append(UnitOverdue(name=name, count=len(items), items=items[:ITEMS_PER_UNIT]))
    return WeeklyDigest(week_start, week_end, by_unit, completed, sections)


def briefing_attachments(week_start: datetime.date) -> list[tuple[str, bytes, str]]:
    """The dashboard's weekly briefing (.xlsx, .pdf); none, with the reason logged, when it cannot be built."""
    try:
        return weekly_briefing_files(week_start)
    except Exception:  # the digest goes out without its attachments rather than not at all
        logger.exception("reminders: the weekly briefing of %s could not be attached", week_start)
        return []


def send_weekly_digests(*, today: datetime.date | None = None) -> int:
    """E-mail last week's digest to every active leader with an e-mail address, once per leader and week.
    Returns the number sent."""
    today = today or clock.today()
    week_start = last_week_start(today)
    leaders = list(User.objects.filter(role=User.Role.LEADER, is_active=True).exclude(email="").order_by("pk"))
    if not leaders:
        return 0
    DigestEmail.objects.bulk_create(
        [DigestEmail(recipient=leader, kind=DigestKind.WEEKLY, day=week_start) for leader in leaders],
        ignore_conflicts=True,
    )
    pending = set(
        DigestEmail.objects.filter(
            kind=DigestKind.WEEKLY, day=week_start, state=DeliveryState.PENDING, recipient__in=leaders
        ).values_list("recipient_id", flat=True)
    )
    if not pending:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        digest = weekly_digest(week_start, today=today)
        attachments = briefing_attachments(week_start)
        subject = _("Weekly digest for the week of %(start)s – %(end)s") % {
            "start": digest.week_start.isoformat(),
            "end": digest.week_end.isoformat(),
        }
        sent = 0
        for leader in leaders:
            if leader.pk not in pending:
                continue
            context = {"recipient": leader, "digest": digest, "absolute": absolute, "site": absolute("/")}
            try:
                with transaction.atomic():
                    if _claim(leader.pk, DigestKind.WEEKLY, week_start) is None:
                        continue
                    message = EmailMultiAlternatives(
                        subject=subject, body=render_to_string("reminders/email/weekly.txt", context), to=[leader.email]
                    )
                    message.attach_alternative(render_to_string("reminders/email/weekly.html", context), "text/html")
                    for name, content, mimetype in attachments:
                        message.attach(name, content, mimetype)
                    message.send()
                    DigestEmail.objects.filter(recipient=leader, kind=DigestKind.WEEKLY, day=week_start).update(
                        state=DeliveryState.SENT, sent_at=timezone.now()
                    )
                    sent += 1
            except Exception as error:
                logger.exception("reminders: the weekly digest of %s failed", leader)
                _record_failure(leader.pk, DigestKind.WEEKLY, week_start, error)
    return sent
