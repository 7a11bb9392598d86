"""The bell (issue 14): one line per item in its latest state, grouped by kind with a date column that says what
its date is, resting lines (overdue for more than a year, closed, answered by a later step) folded into one summary
line per group, marked read by group — nobody marks another's — and a fixed number of queries as rows grow.

Personas (tests/personas.py): alice staff and carol head of unit A, bob staff of unit B."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from events import dispatch
from events.choices import EventKind
from events.models import Event
from reminders import selectors
from reminders.choices import ReminderKind
from reminders.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2021, 3, 10)
BELL = reverse("reminders:notification_list")


def deadline(user, key, *, due, days=(), kind=ReminderKind.OVERDUE, source="plans.measure", title=None):
    """``user`` reminded of item ``key`` (due on ``due``) on each of ``days``."""
    return [
        Notification.objects.create(
            recipient=user,
            source=source,
            item_key=key,
            kind=kind,
            day=day,
            title=title or f"举措{key}",
            due_date=due,
            url=f"/plans/measures/{key}/",
        )  # fmt: skip
        for day in days
    ]


def event(kind, item_key, *recipients, title="事项"):
    """``kind`` raised on ``item_key`` for ``recipients`` and dispatched (their notifications in the bell)."""
    raised = Event.objects.create(
        kind=kind, item_key=item_key, title=title, url="/plans/reports/1/", recipient_ids=[p.pk for p in recipients]
    )
    dispatch.dispatch([raised.pk])
    return raised


def zh(text: str, *plural) -> str:
    """``text`` as the site (in Chinese) shows it; ``plural``: (plural form, count) for ngettext."""
    with translation.override("zh-hans"):
        return ngettext(text, *plural) if plural else gettext(text)


def lines(page: str, group: str) -> int:
    section = page.split(f'id="bell-{group}"', 1)[1].split("</section>", 1)[0]
    return section.count('class="bell-line')


def test_a_deadline_reminded_on_many_days_is_one_line_in_its_latest_state(login, alice):
    due = TODAY - datetime.timedelta(days=37)
    reminders = deadline(alice, "7", due=due, days=[due, due + datetime.timedelta(days=3), TODAY])
    deadline(alice, "8", due=TODAY + datetime.timedelta(days=3), days=[TODAY], kind=ReminderKind.UPCOMING)
    with at(TODAY):
        page = login(alice).get(BELL).content.decode()
    assert lines(page, "deadlines") == 2
    assert f'data-notification="{reminders[-1].pk}"' in page  # the latest reminder stands for the item
    assert f'data-notification="{reminders[0].pk}"' not in page
    assert 'data-days="-37"' in page and "逾期 37 天" in page
    assert 'data-days="3"' in page
    assert zh("%(days)s day left", "%(days)s days left", 3) % {"days": 3} in page
    assert f"{zh('Due date')}</th>" in page  # the date column says what the date is


def test_lines_are_grouped_by_kind_each_with_its_date_header(login, alice, carol):
    with at(TODAY):
        deadline(alice, "1", due=TODAY, days=[TODAY], kind=ReminderKind.DUE)
        event(EventKind.REPORT_RETURNED, "plans.progressreport:1", alice, title="1月报告退回：数据不全")
        event(EventKind.SUPERVISION_PLACED, "plans.measure:2", alice)
        event(EventKind.VERIFICATION_FAILED, "safety.hazard:3", alice)
        event(EventKind.IMPORT_FAILED, "core.importjob:4", alice)
        event(EventKind.REPORT_SUBMITTED, "plans.progressreport:5", carol)
        page = login(alice).get(BELL).content.decode()
    for group in ("returned", "deadlines", "supervision", "hazards", "imports"):
        assert lines(page, group) == 1, group
    assert 'id="bell-review"' not in page  # carol's, not alice's
    assert "1月报告退回：数据不全" in page  # the reason a report was returned
    returned = page.split('id="bell-returned"', 1)[1].split("</section>", 1)[0]
    assert f"{zh('Happened at')}</th>" in returned and zh("due today") in page
    assert page.index('id="bell-returned"') < page.index('id="bell-deadlines"') < page.index('id="bell-hazards"')


def test_lines_are_newest_relevant_first(alice):
    deadline(alice, "old", due=TODAY - datetime.timedelta(days=20), days=[TODAY - datetime.timedelta(days=5)])
    deadline(alice, "late", due=TODAY - datetime.timedelta(days=9), days=[TODAY])
    deadline(alice, "soon", due=TODAY + datetime.timedelta(days=1), days=[TODAY], kind=ReminderKind.UPCOMING)
    with at(TODAY):
        (view,) = selectors.bell_groups(alice)
    assert [line.notification.item_key for line in view.lines] == ["late", "soon", "old"]


def test_long_overdue_and_closed_items_fold_into_one_summary_line(login, alice):
    deadline(alice, "ancient", due=TODAY - datetime.timedelta(days=400), days=[TODAY])
    deadline(alice, "recent", due=TODAY - datetime.timedelta(days=30), days=[TODAY])
    with at(TODAY):
        event(EventKind.REPORT_ACCEPTED, "plans.progressreport:1", alice)  # closes its item
        event(EventKind.SUPERVISION_PLACED, "plans.measure:2", alice)
        event(EventKind.SUPERVISION_LIFTED, "plans.measure:2", alice)  # the latest state: lifted
        client = login(alice)
        page = client.get(BELL).content.decode()
        folded = client.get(BELL, {"group": "deadlines", "resting": "1"}).content.decode()
    assert lines(page, "deadlines") == 1 and 'data-resting="1"' in page
    summary = zh(
        "%(counter)s more reminder from more than a year ago or already dealt with",
        "%(counter)s more reminders from more than a year ago or already dealt with",
        1,
    )
    assert summary % {"counter": 1} in page
    assert 'id="bell-returned" data-count="0" data-unread="0" data-resting="1"' in page
    assert 'id="bell-supervision" data-count="0" data-unread="0" data-resting="1"' in page
    assert "举措ancient" in folded and "举措recent" not in folded  # the summary line opens what it folds


def test_a_step_answered_later_rests_for_whoever_it_was_for(alice, carol):
    """Submitted → the head; returned → the author; submitted again → the head: each one's earlier line rests."""
    with at(TODAY):
        event(EventKind.REPORT_SUBMITTED, "plans.progressreport:1", carol)
        event(EventKind.REPORT_RETURNED, "plans.progressreport:1", alice)
        assert [v.group.key for v in selectors.bell_groups(carol) if v.count] == []
        assert [v.group.key for v in selectors.bell_groups(alice) if v.count] == ["returned"]
        event(EventKind.REPORT_SUBMITTED, "plans.progressreport:1", carol)
        assert [v.group.key for v in selectors.bell_groups(carol) if v.count] == ["review"]
        assert [v.group.key for v in selectors.bell_groups(alice) if v.count] == []


def test_the_header_counts_unread_lines_not_resting_in_one_query(alice, bob):
    deadline(alice, "1", due=TODAY, days=[TODAY - datetime.timedelta(days=3), TODAY])  # one item, two reminders
    deadline(alice, "2", due=TODAY, days=[TODAY])
    deadline(alice, "ancient", due=TODAY - datetime.timedelta(days=400), days=[TODAY])
    deadline(bob, "1", due=TODAY, days=[TODAY])
    Notification.objects.filter(recipient=alice, item_key="2").update(
        read_at=datetime.datetime(2021, 3, 10, tzinfo=datetime.UTC)
    )
    request = RequestFactory().get("/")
    request.user = alice
    template = Template("{% load reminders %}{% unread_notification_count as n %}{{ n }}")
    with at(TODAY), CaptureQueriesContext(connection) as captured:
        assert template.render(Context({"request": request})) == "1"
    assert len(captured.captured_queries) == 1


def test_mark_a_group_read(login, alice, bob):
    deadline(alice, "1", due=TODAY, days=[TODAY - datetime.timedelta(days=3), TODAY])
    deadline(alice, "ancient", due=TODAY - datetime.timedelta(days=400), days=[TODAY])
    deadline(bob, "1", due=TODAY, days=[TODAY])
    with at(TODAY):
        event(EventKind.REPORT_RETURNED, "plans.progressreport:1", alice)
        response = login(alice).post(reverse("reminders:notification_group_read", args=["deadlines"]))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=alice, event__isnull=True).unread().exists()  # folded too
    assert Notification.objects.filter(recipient=alice, event__isnull=False).unread().count() == 1  # other group
    assert Notification.objects.filter(recipient=bob).unread().count() == 1  # nobody else's


def test_nobody_marks_anothers_notifications_read(login, alice, bob):
    deadline(alice, "1", due=TODAY, days=[TODAY])
    client = login(bob)
    assert client.post(reverse("reminders:notification_group_read", args=["deadlines"])).status_code == 302
    assert Notification.objects.filter(recipient=alice).unread().count() == 1
    assert client.post(reverse("reminders:notification_group_read", args=["nonsense"])).status_code == 404
    assert client.get(reverse("reminders:notification_group_read", args=["deadlines"])).status_code == 405
    assert client.get(BELL, {"group": "nonsense"}).status_code == 404


def test_marking_a_group_read_needs_a_login(client, alice):
    deadline(alice, "1", due=TODAY, days=[TODAY])
    response = client.post(reverse("reminders:notification_group_read", args=["deadlines"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert Notification.objects.filter(recipient=alice).unread().count() == 1


def test_the_bell_makes_as_many_queries_with_many_notifications_of_every_kind(login, alice, carol):
    client = login(alice)

    def fill(start, count):
        for index in range(start, start + count):
            due = TODAY - datetime.timedelta(days=index * 200)  # some within the year, some folded
            deadline(alice, str(index), due=due, days=[due - datetime.timedelta(days=3), TODAY])
            deadline(alice, str(index), due=due, days=[TODAY], source="safety.hazard")
            for kind, item in (
                (EventKind.REPORT_RETURNED, "plans.progressreport"),
                (EventKind.REPORT_ACCEPTED, "plans.progressreport"),
                (EventKind.SUPERVISION_PLACED, "plans.measure"),
                (EventKind.RECTIFICATION_REPORTED, "safety.hazard"),
                (EventKind.IMPORT_FINISHED, "core.importjob"),
                (EventKind.REPORT_SUBMITTED, "projects.monthlyprogress"),
            ):
                event(kind, f"{item}:{index}", alice, carol)

    def cost(**query):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BELL, query).status_code == 200
        return len(captured.captured_queries)

    with at(TODAY):
        fill(0, 3)
        cost()  # warm-up
        few, few_group = cost(), cost(group="deadlines", resting="1")
        fill(3, 25)
        # session, user, header count, the groups' counts, one query per group shown (7 here)
        assert cost() == few
        # session, user, header count, the page's count, its rows
        assert cost(group="deadlines", resting="1") == few_group
