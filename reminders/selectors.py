"""Reads of the bell (the notifications page and the header count): one line per item — its latest notification —
grouped by kind, the date each group shows said in its column header.

An item is a deadline (source and item of the deadline registry), a workflow event's object (the events' item key)
or a notice. A line *rests* — it is folded into its group's summary line — when it asks nothing more of its
reader: a deadline overdue for more than a year or whose item the daily scan found closed (``scan.settle_closed``),
a notice of more than a year ago, a workflow event of more than a
year ago, one that closes its item (accepted, supervision lifted, import finished) or one that a later step of the
same item answered (a submitted report since returned or accepted, a returned report submitted again, a failed
verification reported again …).

Every read is a fixed number of queries whatever the number of notifications: the lines' counts per group in one,
each shown group's first lines in one each, the header count in one.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from core import clock
from events.choices import EventKind
from events.dispatch import SOURCE as SOURCE_EVENTS
from events.models import Event

from .models import Notification
from .scan import CALENDAR_SOURCE

NOTICE_SOURCES = (CALENDAR_SOURCE,)  # the administrators' notices
RESTING_AGE = datetime.timedelta(days=365)
GROUP_ROWS = 20  # lines a group shows on the page before "and N more"


@dataclass(frozen=True)
class BellGroup:
    key: str
    label: str
    date_label: str  # the header of the date column: what the date is
    event_kinds: tuple[str, ...] = ()  # workflow events; empty: the deadlines, or the notices

    @property
    def is_deadlines(self) -> bool:
        return self.key == "deadlines"


GROUPS = (
    BellGroup(
        "review",
        _("Reports to review"),
        _("Submitted at"),
        (EventKind.REPORT_SUBMITTED, EventKind.PROGRESS_SUBMITTED),
    ),
    BellGroup(
        "returned",
        _("My reports: returned or accepted"),
        _("Happened at"),
        (
            EventKind.REPORT_RETURNED,
            EventKind.PROGRESS_RETURNED,
            EventKind.REPORT_ACCEPTED,
            EventKind.PROGRESS_ACCEPTED,
        ),
    ),
    BellGroup("deadlines", _("Deadlines"), _("Due date")),
    BellGroup(
        "supervision",
        _("Supervision (督办) and instructions (批示)"),
        _("Happened at"),
        (EventKind.SUPERVISION_PLACED, EventKind.SUPERVISION_LIFTED, EventKind.INSTRUCTION_GIVEN),
    ),
    BellGroup(
        "hazards",
        _("Hazards"),
        _("Happened at"),
        (
            EventKind.RECTIFICATION_REPORTED,
            EventKind.VERIFICATION_FAILED,
            EventKind.SIGN_OFF_NEEDED,
            EventKind.HAZARD_SIGNED_OFF,
            EventKind.HAZARD_VERIFIED,
        ),
    ),
    BellGroup(
        "checklists",
        _("Self-check checklists"),
        _("Happened at"),
        (
            EventKind.CHECKLIST_COMMENTED,
            EventKind.CHECKLIST_COMMENT_RESOLVED,
            EventKind.CHECKLIST_READY,
            EventKind.CHECKLIST_SIGNED,
        ),
    ),
    BellGroup("imports", _("Imports"), _("Happened at"), (EventKind.IMPORT_FINISHED, EventKind.IMPORT_FAILED)),
    BellGroup("notices", _("Notices"), _("Day")),
)
GROUP_KEYS = tuple(group.key for group in GROUPS)

#: A workflow event's line rests once a later event of one of these kinds is raised on its item (for anybody).
ANSWERED_BY = {
    EventKind.REPORT_SUBMITTED: (EventKind.REPORT_RETURNED, EventKind.REPORT_ACCEPTED),
    EventKind.REPORT_RETURNED: (EventKind.REPORT_SUBMITTED, EventKind.REPORT_ACCEPTED),
    EventKind.PROGRESS_SUBMITTED: (EventKind.PROGRESS_RETURNED, EventKind.PROGRESS_ACCEPTED),
    EventKind.PROGRESS_RETURNED: (EventKind.PROGRESS_SUBMITTED, EventKind.PROGRESS_ACCEPTED),
    EventKind.SUPERVISION_PLACED: (EventKind.SUPERVISION_LIFTED,),
    EventKind.RECTIFICATION_REPORTED: (EventKind.VERIFICATION_FAILED, EventKind.HAZARD_VERIFIED),
    EventKind.VERIFICATION_FAILED: (EventKind.RECTIFICATION_REPORTED,),
    EventKind.SIGN_OFF_NEEDED: (EventKind.HAZARD_SIGNED_OFF, EventKind.VERIFICATION_FAILED),
    EventKind.HAZARD_SIGNED_OFF: (EventKind.HAZARD_VERIFIED, EventKind.VERIFICATION_FAILED),
    EventKind.CHECKLIST_COMMENTED: (EventKind.CHECKLIST_COMMENT_RESOLVED,),
    EventKind.CHECKLIST_READY: (EventKind.CHECKLIST_SIGNED,),
    EventKind.IMPORT_FAILED: (EventKind.IMPORT_FINISHED,),
}


def group(key: str) -> BellGroup | None:
    return next((found for found in GROUPS if found.key == key), None)


def group_q(found: BellGroup) -> Q:
    """The notifications of a group (usable in ``filter`` and ``update``)."""
    if found.event_kinds:
        return Q(source=SOURCE_EVENTS, event__kind__in=found.event_kinds)
    if found.is_deadlines:
        return ~Q(source=SOURCE_EVENTS) & ~Q(source__in=NOTICE_SOURCES)
    return Q(source__in=NOTICE_SOURCES)


def _group_case() -> Case:
    return Case(*(When(group_q(found), then=Value(found.key)) for found in GROUPS), output_field=CharField())


def _resting_q(today: datetime.date, now: datetime.datetime) -> Q:
    """The lines that ask nothing more of their reader (see the module's docstring)."""
    a_year_ago = today - RESTING_AGE
    answered = Q()
    for kind, later in ANSWERED_BY.items():
        step = Event.objects.filter(item_key=OuterRef("item_key"), pk__gt=OuterRef("event_id"), kind__in=later)
        answered |= Q(event__kind=kind) & Exists(step)
    return (
        (Q(event__isnull=True) & ~Q(source__in=NOTICE_SOURCES) & Q(due_date__lt=a_year_ago))
        | Q(settled_at__isnull=False)
        | (Q(source__in=NOTICE_SOURCES) & Q(day__lt=a_year_ago))
        | (Q(event__isnull=False) & Q(event__created_at__lt=now - RESTING_AGE))
        | Q(event__kind__in=EventKind.closing())
        | answered
    )


def bell_lines(user, *, today: datetime.date | None = None):
    """``user``'s lines: the latest notification of each item, with ``bell_group``, ``resting`` and ``unread``
    (the item has a notification not read) annotated, newest-relevant first (the latest reminded or raised first;
    of a day's deadlines, the most pressing first)."""
    today = today or clock.today()
    mine = Notification.objects.restrict(user)
    same_item = mine.filter(source=OuterRef("source"), item_key=OuterRef("item_key"))
    latest = same_item.order_by("-day", "-pk").values("pk")[:1]
    return (
        mine.filter(pk=Subquery(latest))
        .annotate(
            bell_group=_group_case(),
            resting=Case(
                When(_resting_q(today, clock.now()), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            unread=Exists(same_item.filter(read_at__isnull=True)),
        )
        .select_related("event")
        .order_by("-day", F("due_date").asc(nulls_last=True), "-pk")
    )


def unread_count(user) -> int:
    """The header's count: the lines not resting that have something unread (one query)."""
    return bell_lines(user).filter(unread=True, resting=False).count()


@dataclass
class BellLine:
    notification: Notification
    today: datetime.date

    @property
    def days_left(self) -> int | None:
        """Days from today to the deadline (negative: overdue); None for an event or a notice."""
        due = self.notification.due_date
        if due is None or self.notification.event_id:
            return None
        return (due - self.today).days

    @property
    def overdue_days(self) -> int:
        days = self.days_left
        return -days if days is not None and days < 0 else 0

    @property
    def state(self) -> str:
        notification = self.notification
        if notification.event_id:
            return notification.event.get_kind_display()
        return notification.get_kind_display()


@dataclass
class GroupView:
    group: BellGroup
    count: int = 0  # lines not resting
    unread: int = 0  # of them, with something unread
    resting: int = 0
    lines: list[BellLine] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.lines)


def bell_groups(user, *, today: datetime.date | None = None, rows: int = GROUP_ROWS) -> list[GroupView]:
    """The groups that have lines, in the page's order, each with its counts and its first ``rows`` lines not
    resting: one query for the counts, one per group shown."""
    today = today or clock.today()
    lines = bell_lines(user, today=today)
    views = {found.key: GroupView(found) for found in GROUPS}
    counts = (
        lines.order_by()
        .values("bell_group", "resting", "unread")
        .annotate(n=Count("pk"))
        .values_list("bell_group", "resting", "unread", "n")
    )
    for key, resting, unread, n in counts:
        view = views.get(key)
        if view is None:
            continue
        if resting:
            view.resting += n
        else:
            view.count += n
            view.unread += n if unread else 0
    for view in views.values():
        if view.count:
            shown = lines.filter(bell_group=view.group.key, resting=False)[:rows]
            view.lines = [BellLine(notification, today) for notification in shown]
    return [view for view in views.values() if view.count or view.resting]


def group_lines(user, found: BellGroup, *, resting: bool, today: datetime.date | None = None):
    """Every line of one group, resting or not (the summary line's page, or "and N more")."""
    today = today or clock.today()
    return bell_lines(user, today=today).filter(bell_group=found.key, resting=resting)
