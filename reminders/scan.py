"""The daily scan: which reminders are due today, for whom, and the outbox of their e-mails and webhook messages.

Set-based: one query per deadline source (whatever the number of items), one for the rules, two for the people,
one for the opt-outs, one for the webhooks, one insert of all the notifications (ON CONFLICT DO NOTHING, on
PostgreSQL a single ``unnest`` insert), one for the webhook messages and two for the pending outbox. Then the
e-mails are sent in batches of ``settings.REMINDERS_EMAIL_BATCH`` users by tasks queued after commit.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import clock
from organisation.models import Unit, User

from . import registry
from .calendar import WorkingCalendar
from .choices import DeliveryState, ReminderKind
from .models import Notification, Preference, ReminderRule, UnitWebhook, WebhookDelivery, parse_offsets
from .queueing import queue_after_commit
from .schedule import Rule, reminders_due, window_end

logger = logging.getLogger(__name__)

CALENDAR_SOURCE = "reminders.calendar"  # the administrators' notice that the calendar needs an update
WEBHOOK_MAX_LINES = 30
INSERT_COLUMNS = (
    "recipient_id",
    "source",
    "item_key",
    "kind",
    "day",
    "title",
    "due_date",
    "url",
    "unit_id",
    "email_pending",
)
PG_TYPES = ("bigint", "varchar", "varchar", "varchar", "date", "varchar", "date", "varchar", "bigint", "boolean")


@dataclass
class ScanResult:
    day: datetime.date
    working_day: bool = True
    reminders: int = 0  # (item, kind) reminders due today
    created: int = 0  # notifications inserted (not sent before)
    settled: int = 0  # reminders of items no longer open, stamped settled
    email_batches: int = 0
    webhooks: int = 0

    def as_dict(self) -> dict:
        return {**self.__dict__, "day": self.day.isoformat()}


@dataclass(frozen=True, slots=True)
class Planned:
    source: registry.DeadlineSource
    item: registry.Deadline
    kind: str
    day: datetime.date


def source_rule(source: registry.DeadlineSource, row: ReminderRule | None = None) -> Rule | None:
    """A source's rule: its ``ReminderRule`` row if it has one (None when switched off), else its defaults."""
    if row is not None:
        return Rule(parse_offsets(row.offsets), row.overdue_every, row.escalate_after) if row.is_active else None
    return Rule(
        offsets=tuple(sorted(settings.REMINDERS_OFFSETS if source.offsets is None else source.offsets, reverse=True)),
        overdue_every=settings.REMINDERS_OVERDUE_EVERY if source.overdue_every is None else source.overdue_every,
        escalate_after=settings.REMINDERS_ESCALATE_AFTER if source.escalate_after is None else source.escalate_after,
    )


def plan(today: datetime.date, calendar: WorkingCalendar) -> tuple[list[Planned], dict[str, set[str]]]:
    """Every reminder due on ``today``, and per source (switched on) the keys of its items open in its window:
    one query for the rules and one per source."""
    rows = {row.source: row for row in ReminderRule.objects.order_by()}
    planned, open_keys = [], {}
    for source in registry.sources():
        rule = source_rule(source, rows.get(source.key))
        if rule is None:
            continue
        last_day = window_end(today, rule, calendar)
        schedule: dict[datetime.date, tuple] = {}  # items share due dates: each date is worked out once
        keys = open_keys[source.key] = set()
        for item in source.items(today=today, last_day=last_day):
            keys.add(item.key)
            due = schedule.get(item.due_date)
            if due is None:
                due = schedule[item.due_date] = reminders_due(item.due_date, today, rule, calendar)
            planned.extend(Planned(source, item, kind, day) for kind, day in due)
    return planned, open_keys


def settle_closed(open_keys: dict[str, set[str]]) -> int:
    """Stamp ``settled_at`` on the reminders of items their source no longer yields (closed, or their date moved
    out of the window), so that the bell folds their lines; a later reminder of the item is a new, unsettled line.
    One query, and one update per source and 500 items settled."""
    unsettled = Notification.objects.filter(event__isnull=True, settled_at__isnull=True)
    closed: dict[str, list[str]] = defaultdict(list)
    pairs = unsettled.filter(source__in=list(open_keys)).order_by().values_list("source", "item_key").distinct()
    for source_key, item_key in pairs:
        if item_key not in open_keys[source_key]:
            closed[source_key].append(item_key)
    now, settled = timezone.now(), 0
    for source_key, keys in closed.items():
        for start in range(0, len(keys), 500):
            batch = unsettled.filter(source=source_key, item_key__in=keys[start : start + 500])
            settled += batch.update(settled_at=now)
    return settled


class People:
    """Who is reminded: the responsible units' members, their heads and overseeing leaders, and the people the
    sources name. Two queries, whatever the number of items."""

    def __init__(self, planned: list[Planned]):
        unit_ids = {entry.item.unit_id for entry in planned if entry.item.unit_id}
        named = {user_id for entry in planned for user_id in entry.item.user_ids}
        self.leader_of = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "overseeing_leader_id"))
        leaders = {pk for pk in self.leader_of.values() if pk}
        self.members: dict[int, list[int]] = defaultdict(list)
        self.heads: dict[int, list[int]] = defaultdict(list)
        self.email: dict[int, str] = {}
        members = Q(unit_id__in=unit_ids, role__in=(User.Role.STAFF, User.Role.UNIT_HEAD))
        rows = User.objects.filter(is_active=True).filter(members | Q(pk__in=named | leaders))
        for pk, unit_id, role, email in rows.values_list("pk", "unit_id", "role", "email"):
            self.email[pk] = email
            if unit_id and role in (User.Role.STAFF, User.Role.UNIT_HEAD):
                self.members[unit_id].append(pk)
                if role == User.Role.UNIT_HEAD:
                    self.heads[unit_id].append(pk)

    def for_reminder(self, entry: Planned) -> set[int]:
        item = entry.item
        if entry.kind == ReminderKind.ESCALATED:
            people = set(self.heads.get(item.unit_id, ()))
            leader = self.leader_of.get(item.unit_id)
            if leader:
                people.add(leader)
        else:
            people = set(item.user_ids)
            if entry.source.notify_unit and item.unit_id:
                people.update(self.members.get(item.unit_id, ()))
        return {pk for pk in people if pk in self.email}  # active users only


def insert_notifications(rows: list[tuple]) -> list[tuple]:
    """Insert notification rows (``INSERT_COLUMNS`` order), skipping those already there; returns
    (unit_id, source, item_key, kind) of the rows really inserted. PostgreSQL: one statement."""
    if not rows:
        return []
    table = Notification._meta.db_table
    columns = ", ".join([*INSERT_COLUMNS, "created_at"])
    returning = "RETURNING unit_id, source, item_key, kind"
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for kind in PG_TYPES)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT *, %s::timestamptz FROM unnest({arrays}) "
                f"ON CONFLICT DO NOTHING {returning}",
                [now, *(list(column) for column in zip(*rows, strict=True))],
            )
            return cursor.fetchall()
        inserted = []
        created_at = connection.ops.adapt_datetimefield_value(now)
        placeholders = "(" + ", ".join(["%s"] * (len(INSERT_COLUMNS) + 1)) + ")"
        for start in range(0, len(rows), 500):
            batch = rows[start : start + 500]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(batch))} "
                f"ON CONFLICT DO NOTHING {returning}",
                [value for row in batch for value in (*row, created_at)],
            )
            inserted.extend(cursor.fetchall())
        return inserted


def notification_rows(planned: list[Planned], people: People, opted_out: set) -> list[tuple]:
    rows = []
    for entry in planned:
        item, source_key = entry.item, entry.source.key
        for recipient in people.for_reminder(entry):
            email = bool(people.email[recipient]) and (recipient, source_key) not in opted_out
            rows.append(
                (
                    recipient,
                    source_key,
                    item.key,
                    entry.kind,
                    entry.day,
                    item.title[:300],
                    item.due_date,
                    item.url[:300],
                    item.unit_id,
                    email,
                )
            )
    return rows


def calendar_notices(years: set[int]) -> list[tuple]:
    """Tell the administrators, once per year (the notifications' unique constraint), that the working-day
    calendar does not know ``years`` and counts only weekends as days off there."""
    if not years:
        return []
    logger.warning("reminders: the working-day calendar does not know %s; weekends are used", sorted(years))
    admins = User.objects.filter(is_active=True).filter(Q(role=User.Role.ADMIN) | Q(is_superuser=True))
    url = reverse("reminders:notification_list")
    rows = []
    for year in sorted(years):
        title = _(
            "The working-day calendar does not know the holidays of %(year)s: reminders count only weekends as days "
            "off. Update the chinesecalendar package."
        ) % {"year": year}
        for pk, email in admins.values_list("pk", "email"):
            rows.append(
                (pk, CALENDAR_SOURCE, str(year), ReminderKind.NOTICE, datetime.date(year, 1, 1), title, None, url, None, bool(email))
            )  # fmt: skip
    return rows


def absolute(url: str) -> str:
    return settings.REMINDERS_SITE_URL.rstrip("/") + url if url.startswith("/") else url


def webhook_text(unit_name: str, day: datetime.date, entries: list[Planned]) -> str:
    lines = [_("Reminders for %(unit)s, %(day)s") % {"unit": unit_name, "day": day.isoformat()}, ""]
    kinds = dict(ReminderKind.choices)
    for entry in entries[:WEBHOOK_MAX_LINES]:
        due = _("due %(date)s") % {"date": entry.item.due_date.isoformat()}
        lines.append(f"- 【{kinds[entry.kind]}】{entry.item.title}（{due}）{absolute(entry.item.url)}")
    if len(entries) > WEBHOOK_MAX_LINES:
        lines.append(_("… and %(count)d more.") % {"count": len(entries) - WEBHOOK_MAX_LINES})
    return "\n".join(lines)


def webhook_messages(today: datetime.date, planned: list[Planned], inserted: list[tuple]) -> None:
    """One message per unit with an active robot, of its items newly reminded (the unit's row for the day is
    unique: a second scan adds none)."""
    hooks = dict(UnitWebhook.objects.filter(is_active=True).values_list("unit_id", "unit__name"))
    if not hooks:
        return
    new = {(source, key, kind) for unit_id, source, key, kind in inserted if unit_id in hooks}
    by_unit: dict[int, dict] = defaultdict(dict)
    for entry in planned:
        identity = (entry.source.key, entry.item.key, entry.kind)
        if entry.item.unit_id in hooks and identity in new:
            by_unit[entry.item.unit_id][identity] = entry
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                unit_id=unit_id, day=today, text=webhook_text(hooks[unit_id], today, list(entries.values()))
            )
            for unit_id, entries in by_unit.items()
        ],
        ignore_conflicts=True,
    )


def queue_deliveries() -> tuple[int, int]:
    """Queue the pending e-mails (in batches of users) and webhook messages, including those a broker outage
    left behind. Returns (e-mail batches, webhook messages)."""
    recipients = list(
        Notification.objects.filter(email_pending=True).order_by().values_list("recipient_id", flat=True).distinct()
    )
    size = settings.REMINDERS_EMAIL_BATCH
    batches = [sorted(recipients)[start : start + size] for start in range(0, len(recipients), size)]
    for batch in batches:
        queue_after_commit("send_daily_emails_task", batch)
    webhooks = list(WebhookDelivery.objects.filter(state=DeliveryState.PENDING).values_list("pk", flat=True))
    for pk in webhooks:
        queue_after_commit("post_webhook_task", pk)
    return len(batches), len(webhooks)


def run_scan(*, today: datetime.date | None = None) -> ScanResult:
    """Remind of every deadline due today (Asia/Shanghai), at most once per (recipient, item, kind, day)."""
    today = today or clock.today()
    calendar = WorkingCalendar()
    result = ScanResult(day=today)
    if not calendar.is_working_day(today):  # what falls today went out on the working day before
        result.working_day = False
        return result
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        planned, open_keys = plan(today, calendar)
        result.settled = settle_closed(open_keys)
        people = People(planned)
        opted_out = set(Preference.objects.filter(email=False).order_by().values_list("user_id", "source"))
        rows = notification_rows(planned, people, opted_out) + calendar_notices(calendar.unknown_years)
        inserted = insert_notifications(rows)
        webhook_messages(today, planned, inserted)
        result.email_batches, result.webhooks = queue_deliveries()
    result.reminders, result.created = len(planned), len(inserted)
    logger.info("reminders: scan of %s: %s", today, result)
    return result
