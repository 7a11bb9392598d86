"""The daily scan (reminders.scan) with a frozen clock: who is reminded of what, once; escalation; preferences; the
daily e-mail; the calendar warning; and its query count, which does not grow with the number of items."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation.models import User
from plans.choices import MeasureStatus
from plans.models import Measure
from reminders import delivery, scan, selectors, tasks
from reminders.choices import ReminderKind
from reminders.models import DigestEmail, Notification, Preference, ReminderRule
from tests.factories import AdministratorFactory, MeasureFactory
from tests.safety.factories import HazardFactory

from .conftest import at

D = datetime.date
pytestmark = pytest.mark.django_db


def notified(kind=None) -> set[tuple[str, str]]:
    rows = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return set(rows.values_list("recipient__username", "item_key"))


def run(day: datetime.date):
    with at(day):
        return scan.run_scan()


def test_the_unit_is_reminded_three_days_before_once(measure_due, people):
    result = run(D(2020, 6, 16))
    key = str(measure_due.pk)
    assert notified(ReminderKind.UPCOMING) == {("alice", key), ("carol", key)}  # unit A's members; not B, not leo
    notification = Notification.objects.get(recipient=people["alice"])
    assert (notification.day, notification.due_date, notification.url) == (
        D(2020, 6, 16),
        D(2020, 6, 19),
        measure_due.get_absolute_url(),
    )
    assert result.created == 2
    assert run(D(2020, 6, 16)).created == 0  # a second scan the same day sends nothing
    assert run(D(2020, 6, 17)).created == 0  # nor the next day (still the 3-day reminder)
    assert Notification.objects.count() == 2


def test_the_scheduled_scan_takes_the_demo_clocks_date(measure_due, people, unit_a, settings):
    """PORTAL_TODAY on 16 June 2020, the real clock in December 2026: the beat's task scans 16 June 2020 — the
    measure is 3 days ahead and a hazard due in September is not years overdue."""
    HazardFactory(responsible_unit=unit_a, found_on=D(2020, 6, 1), deadline=D(2020, 9, 30))
    settings.PORTAL_TODAY = D(2020, 6, 16)
    with at(D(2026, 12, 7)):
        result = tasks.scan_task.apply().get()
    assert result["day"] == "2020-06-16"
    key = str(measure_due.pk)
    assert notified() == {("alice", key), ("carol", key)}  # the upcoming measure only; no overdue reminder
    assert set(Notification.objects.values_list("day", flat=True)) == {D(2020, 6, 16)}


def test_closed_items_and_items_without_a_date_are_never_reminded(people, unit_a):
    MeasureFactory(lead_unit=unit_a, due_date=D(2020, 6, 1), status=MeasureStatus.COMPLETED)
    MeasureFactory(lead_unit=unit_a, due_date=D(2020, 6, 1), status=MeasureStatus.CANCELLED)
    MeasureFactory(lead_unit=unit_a, due_date=None, start_date=None)
    HazardFactory(responsible_unit=unit_a, deadline=D(2020, 6, 1), status="closed", closed_by=people["bob"],
                  closed_at=datetime.datetime(2020, 6, 2, tzinfo=datetime.UTC), verification_note="ok",
                  rectification_reported_by=people["alice"],
                  rectification_reported_at=datetime.datetime(2020, 6, 1, tzinfo=datetime.UTC))  # fmt: skip
    assert run(D(2020, 6, 16)).created == 0


def test_the_reminders_of_an_item_closed_since_are_settled_and_rest_in_the_bell(people, unit_a):
    hazard = HazardFactory(responsible_unit=unit_a, found_on=D(2020, 5, 1), deadline=D(2020, 6, 5))
    measure = MeasureFactory(lead_unit=unit_a, due_date=D(2020, 6, 10))
    run(D(2020, 6, 16))
    alice = people["alice"]
    with at(D(2020, 6, 16)):
        assert {line.item_key for line in selectors.bell_lines(alice).filter(resting=False)} == {
            str(hazard.pk),
            str(measure.pk),
        }
    Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.COMPLETED)
    result = run(D(2020, 6, 17))
    assert result.settled == 2  # alice's and carol's reminders of the measure; the hazard is still open
    with at(D(2020, 6, 17)):
        resting = {line.item_key: line.resting for line in selectors.bell_lines(alice)}
    assert resting == {str(hazard.pk): False, str(measure.pk): True}
    assert run(D(2020, 6, 18)).settled == 0  # settled once
    Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.IN_PROGRESS)  # reopened: reminded again
    run(D(2020, 6, 22))
    with at(D(2020, 6, 22)):
        assert not selectors.bell_lines(alice).get(item_key=str(measure.pk)).resting


def test_overdue_items_escalate_to_the_unit_head_and_the_overseeing_leader(people, unit_a):
    hazard = HazardFactory(responsible_unit=unit_a, found_on=D(2020, 5, 1), deadline=D(2020, 6, 5))
    run(D(2020, 6, 16))  # 7 working days late: overdue, not yet escalated
    assert notified(ReminderKind.ESCALATED) == set()
    run(D(2020, 6, 17))  # the 8th working day late
    assert notified(ReminderKind.ESCALATED) == {("carol", str(hazard.pk)), ("leo", str(hazard.pk))}
    assert {name for name, _ in notified(ReminderKind.OVERDUE)} == {"alice", "carol"}
    run(D(2020, 6, 18))
    assert Notification.objects.filter(kind=ReminderKind.ESCALATED).count() == 2  # escalated once


def test_catch_up_after_a_long_outage_sends_each_item_once(people, unit_a):
    HazardFactory(responsible_unit=unit_a, found_on=D(2020, 5, 1), deadline=D(2020, 6, 5))
    run(D(2020, 6, 30))  # nothing ran since the deadline
    assert Notification.objects.filter(recipient=people["alice"]).count() == 1  # one overdue reminder, not 16
    assert Notification.objects.filter(recipient=people["carol"]).count() == 2  # overdue + escalated


def test_nothing_is_sent_on_a_holiday_and_the_reminder_went_out_before(people, unit_a):
    MeasureFactory(lead_unit=unit_a, due_date=D(2020, 10, 5))
    assert run(D(2020, 10, 1)).working_day is False
    assert Notification.objects.count() == 0
    run(D(2020, 9, 30))
    assert set(Notification.objects.values_list("kind", "day")) == {(ReminderKind.DUE, D(2020, 9, 30))}


def test_channel_preferences_leave_in_app_on(measure_due, people):
    Preference.objects.create(user=people["alice"], source="plans.measure", email=False)
    run(D(2020, 6, 16))
    pending = dict(Notification.objects.values_list("recipient__username", "email_pending"))
    assert pending == {"alice": False, "carol": True}  # alice still has it in the portal


def test_one_consolidated_email_per_user_per_day(people, unit_a, measure_due):
    other = MeasureFactory(lead_unit=unit_a, title="危桥改造", due_date=D(2020, 6, 17))
    run(D(2020, 6, 16))
    carol = people["carol"]
    assert delivery.send_daily_emails([carol.pk], today=D(2020, 6, 16)) == []
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [carol.email]
    assert measure_due.title in message.body and other.title in message.body
    assert f"https://portal.example{measure_due.get_absolute_url()}" in message.body
    # Sent once: again, or another reminder arriving the same day, waits for tomorrow's e-mail.
    MeasureFactory(lead_unit=unit_a, title="新的举措", due_date=D(2020, 6, 16))
    run(D(2020, 6, 16))
    delivery.send_daily_emails([carol.pk], today=D(2020, 6, 16))
    assert len(mail.outbox) == 1
    delivery.send_daily_emails([carol.pk], today=D(2020, 6, 17))
    assert len(mail.outbox) == 2 and "新的举措" in mail.outbox[1].body
    assert DigestEmail.objects.filter(recipient=carol, state="sent").count() == 2


def test_no_email_when_there_is_nothing_to_say(people):
    run(D(2020, 6, 16))
    assert delivery.send_daily_emails([people["alice"].pk], today=D(2020, 6, 16)) == []
    assert mail.outbox == [] and DigestEmail.objects.count() == 0


def test_a_failed_email_is_recorded_and_retried(people, measure_due, monkeypatch):
    run(D(2020, 6, 16))
    alice = people["alice"]

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert delivery.send_daily_emails([alice.pk], today=D(2020, 6, 16)) == [alice.pk]
    digest = DigestEmail.objects.get(recipient=alice)
    assert (digest.state, digest.attempts) == ("pending", 1) and "SMTP down" in digest.last_error
    assert Notification.objects.get(recipient=alice).email_pending  # nothing lost
    monkeypatch.undo()
    assert delivery.send_daily_emails([alice.pk], today=D(2020, 6, 16)) == []
    assert len(mail.outbox) == 1


def test_rules_are_edited_in_the_admin(people, measure_due):
    ReminderRule.objects.update_or_create(
        source="plans.measure", defaults={"offsets": "5", "overdue_every": 0, "escalate_after": 0}
    )
    run(D(2020, 6, 16))  # 3 days before: the 5-day reminder (06-12) is the latest
    assert set(Notification.objects.values_list("day", flat=True)) == {D(2020, 6, 12)}
    ReminderRule.objects.filter(source="plans.measure").update(is_active=False)
    Notification.objects.all().delete()
    run(D(2020, 6, 17))
    assert Notification.objects.count() == 0


def test_administrators_are_told_once_when_the_calendar_does_not_know_the_year(people, unit_a):
    admin = AdministratorFactory(username="admin", email="admin@jtj.example")
    MeasureFactory(lead_unit=unit_a, start_date=D(2031, 1, 1), due_date=D(2031, 3, 5))
    run(D(2031, 3, 3))  # a Monday of a year chinesecalendar does not know: weekends are used
    notice = Notification.objects.get(kind=ReminderKind.NOTICE)
    assert notice.recipient == admin and notice.item_key == "2031" and "2031" in notice.title
    run(D(2031, 3, 4))
    assert Notification.objects.filter(kind=ReminderKind.NOTICE).count() == 1
    assert Notification.objects.filter(recipient=people["alice"]).count() == 2  # the reminders still go out


def test_the_scan_query_count_does_not_grow_with_items(people, unit_a, unit_b):
    def add(count):
        for index in range(count):
            MeasureFactory(lead_unit=unit_a if index % 2 else unit_b, due_date=D(2020, 6, 16 + index % 3))
            HazardFactory(responsible_unit=unit_a, found_on=D(2020, 5, 1), deadline=D(2020, 6, 1 + index % 10))

    def count_queries():
        Notification.objects.all().delete()
        with at(D(2020, 6, 16)):
            with CaptureQueriesContext(connection) as captured:
                scan.run_scan()
        return len(captured.captured_queries)

    add(3)
    few = count_queries()
    add(9)
    many = count_queries()
    assert many == few
    if connection.vendor == "postgresql":
        # savepoint; rules; one per source (11); the reminders to settle; units; users; opt-outs; the one insert;
        # webhooks; pending e-mails; pending webhook messages
        assert few == 21


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_never_remind_twice(unit_a, unit_b, leo):
    for index in range(30):
        User.objects.create(username=f"member{index}", unit=unit_a, email=f"m{index}@jtj.example")
    for index in range(40):
        MeasureFactory(lead_unit=unit_a, due_date=D(2020, 6, 16 + index % 4))
    results, errors = [], []

    def one_scan():
        try:
            with at(D(2020, 6, 16)):
                results.append(scan.run_scan())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            if connection.vendor == "postgresql":
                connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=one_scan) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:  # SQLite serialises writers: the second scan runs after the first
        one_scan()
        one_scan()
    assert errors == []
    assert sum(result.created for result in results) == Notification.objects.count() == 30 * 40
