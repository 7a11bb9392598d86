"""Workflow events reach the unit's group robot (WeCom / DingTalk) per the unit's settings, through the reminders'
channel (``reminders.UnitWebhook``, ``WebhookDelivery``, ``post_webhook`` with its retries): once per event and
unit, only the robot of the event's unit, only when its members are told, never when the robot is switched off;
a broker that is down when the dispatch commits loses nothing (the sweep queues the message later). The robots here
are local HTTP servers (tests/reminders/test_webhook.py).

Personas (tests/personas.py): alice staff and carol head of unit A; bob staff of unit B; leo the bureau leader."""

import pytest

from events import dispatch, tasks
from events.choices import EventKind
from events.models import Event
from plans import services as plans_services
from reminders import tasks as reminder_tasks
from reminders.models import UnitWebhook, WebhookDelivery
from tests.events.test_events import broken_broker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_robots(settings):
    settings.REMINDERS_WEBHOOK_BACKOFF = 0
    settings.REMINDERS_WEBHOOK_TIMEOUT = 2


def contents(robot) -> list[str]:
    return [message["text"]["content"] for message in robot.received]


def test_a_submitted_report_reaches_its_units_robot_once(run, robot_factory, alice, carol, bob, draft_a, unit_b):
    robot_a, robot_b = robot_factory(failures=1), robot_factory(failures=0)
    UnitWebhook.objects.create(unit=draft_a.measure.lead_unit, url=robot_a.url)
    UnitWebhook.objects.create(unit=unit_b, url=robot_b.url)
    run(plans_services.progress_report_submit, user=alice, report=draft_a)
    message = WebhookDelivery.objects.get()
    assert (message.unit_id, message.event.kind, message.state) == (
        draft_a.measure.lead_unit_id,
        EventKind.REPORT_SUBMITTED,
        "sent",
    )
    assert (message.attempts, len(message.failures)) == (2, 1)  # the reminders' retries, the failure recorded
    (text,) = set(contents(robot_a))  # the failed try and the good one carry the same message
    assert str(draft_a) in text and draft_a.get_absolute_url() in text
    assert robot_b.received == []  # another unit's robot hears nothing
    assert dispatch.dispatch([message.event_id]) == 0  # a retried dispatch: no second message
    assert WebhookDelivery.objects.count() == 1


def test_a_robot_switched_off_gets_nothing(run, robot_factory, alice, carol, draft_a):
    robot = robot_factory(failures=0)
    UnitWebhook.objects.create(unit=draft_a.measure.lead_unit, url=robot.url, is_active=False)
    run(plans_services.progress_report_submit, user=alice, report=draft_a)
    assert not WebhookDelivery.objects.exists() and robot.received == []


def test_an_event_for_none_of_the_units_members_is_not_posted_to_its_robot(robot_factory, unit_a, alice, leo):
    robot = robot_factory(failures=0)
    UnitWebhook.objects.create(unit=unit_a, url=robot.url)
    Event.objects.create(  # for the leaders only
        kind=EventKind.SIGN_OFF_NEEDED, item_key="safety.hazard:1", title="重大隐患待销号", url="/safety/hazards/1/",
        unit=unit_a, recipient_ids=[leo.pk],
    )  # fmt: skip
    members = Event.objects.create(
        kind=EventKind.SUPERVISION_PLACED, item_key="plans.measure:1", title="督办", url="/plans/measures/1/",
        unit=unit_a, recipient_ids=[alice.pk],
    )  # fmt: skip
    assert dispatch.dispatch() == 2
    assert list(WebhookDelivery.objects.values_list("event_id", flat=True)) == [members.pk]


def test_with_the_broker_down_the_robot_message_waits_for_the_sweep(
    robot_factory, alice, carol, draft_a, monkeypatch, django_capture_on_commit_callbacks, eager
):
    robot = robot_factory(failures=0)
    UnitWebhook.objects.create(unit=draft_a.measure.lead_unit, url=robot.url)
    monkeypatch.setattr(reminder_tasks.post_webhook_task, "apply_async", broken_broker)
    with django_capture_on_commit_callbacks(execute=True):
        plans_services.progress_report_submit(user=alice, report=draft_a)
    message = WebhookDelivery.objects.get()
    assert message.state == "pending" and robot.received == []
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_task.apply().get()
    message.refresh_from_db()
    assert message.state == "pending"  # written just now: left to the task queued after its commit
    WebhookDelivery.objects.update(created_at=message.created_at.replace(year=message.created_at.year - 1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_task.apply().get()  # the beat's sweep, once the broker is back
    message.refresh_from_db()
    assert message.state == "sent" and len(robot.received) == 1
