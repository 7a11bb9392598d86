"""A unit's group robot (WeCom/DingTalk): one message a day, posted with a timeout and retried with backoff; each
failure is recorded for administrators. The robot here is a local HTTP server."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from reminders import delivery, scan
from reminders.models import UnitWebhook, WebhookDelivery
from tests.factories import MeasureFactory

from .conftest import at

pytestmark = pytest.mark.django_db


class Robot:
    """A local robot that fails ``failures`` times (HTTP 500), then answers errcode 0."""

    def __init__(self, failures: int):
        self.failures, self.received = failures, []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                robot.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                failing = len(robot.received) <= robot.failures
                self.send_response(500 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}' if not failing else b"oops")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot_factory():
    robots = []

    def make(failures):
        robots.append(Robot(failures))
        return robots[-1]

    yield make
    for robot in robots:
        robot.close()


def scan_with_hook(unit, url):
    UnitWebhook.objects.create(unit=unit, url=url)
    MeasureFactory(lead_unit=unit, title="推进金阳大道三期", due_date=datetime.date(2020, 6, 19))
    with at(datetime.date(2020, 6, 16)):
        scan.run_scan()
    return WebhookDelivery.objects.get(unit=unit)


def test_a_robot_failing_twice_then_answering_gets_one_delivery(robot_factory, unit_a, alice, carol):
    robot = robot_factory(failures=2)
    message = scan_with_hook(unit_a, robot.url)
    assert delivery.post_webhook(message.pk) == "sent"
    message.refresh_from_db()
    assert (message.state, message.attempts, len(message.failures)) == ("sent", 3, 2)
    assert message.failures[0]["status"] == 500
    assert len(robot.received) == 3 and robot.received[-1]["msgtype"] == "text"
    assert "推进金阳大道三期" in robot.received[-1]["text"]["content"]
    assert delivery.post_webhook(message.pk) == "skipped"  # delivered again: nothing posted
    assert len(robot.received) == 3
    with at(datetime.date(2020, 6, 16)):
        scan.run_scan()  # a second scan that day: no second message
    assert WebhookDelivery.objects.count() == 1


def test_a_robot_that_keeps_failing_is_recorded_as_failed(robot_factory, unit_a, alice, settings):
    settings.REMINDERS_WEBHOOK_ATTEMPTS = 3
    robot = robot_factory(failures=10)
    message = scan_with_hook(unit_a, robot.url)
    assert delivery.post_webhook(message.pk) == "failed"
    message.refresh_from_db()
    assert (message.attempts, len(message.failures)) == (3, 3) and message.last_error


def test_an_unreachable_robot_times_out_and_is_recorded(unit_a, alice, settings):
    settings.REMINDERS_WEBHOOK_ATTEMPTS = 2
    message = scan_with_hook(unit_a, "http://127.0.0.1:9/unreachable")
    assert delivery.post_webhook(message.pk) == "failed"
    message.refresh_from_db()
    assert len(message.failures) == 2 and "Error" in message.failures[0]["error"]


def test_a_robot_answering_an_error_code_is_a_failure(unit_a, alice, settings, monkeypatch):
    settings.REMINDERS_WEBHOOK_ATTEMPTS = 1

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def read(self, size):
            return b'{"errcode": 93000, "errmsg": "invalid webhook url"}'

    monkeypatch.setattr("urllib.request.urlopen", lambda *args, **kwargs: Answer())
    message = scan_with_hook(unit_a, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")
    assert delivery.post_webhook(message.pk) == "failed"
    message.refresh_from_db()
    assert "93000" in message.last_error


def test_an_administrator_retries_a_failed_message_and_it_is_delivered(
    robot_factory, unit_a, alice, admin_user, client, settings, django_capture_on_commit_callbacks
):
    settings.REMINDERS_WEBHOOK_ATTEMPTS = 1
    message = scan_with_hook(unit_a, "http://127.0.0.1:9/unreachable")
    assert delivery.post_webhook(message.pk) == "failed"
    robot = robot_factory(failures=0)
    UnitWebhook.objects.filter(unit=unit_a).update(url=robot.url)  # the administrator fixed the robot's URL

    client.force_login(admin_user)
    changelist = reverse("admin:reminders_webhookdelivery_changelist")
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(changelist, {"action": "retry", "_selected_action": [message.pk]}, follow=True)
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == "pending" and len(message.failures) == 1  # the old failure stays on record
    assert len(queued) == 1
    entry = LogEntry.objects.get_for_object(message).filter(actor=admin_user).get()
    assert entry.changes_dict["state"] == ["failed", "pending"]

    assert delivery.post_webhook(message.pk) == "sent"  # what the queued task runs
    assert len(robot.received) == 1


def test_retrying_leaves_sent_messages_alone_and_staff_cannot_retry(robot_factory, unit_a, alice, client):
    robot = robot_factory(failures=0)
    message = scan_with_hook(unit_a, robot.url)
    assert delivery.post_webhook(message.pk) == "sent"
    assert delivery.retry_webhook_deliveries(WebhookDelivery.objects.all()) == 0
    client.force_login(alice)
    changelist = reverse("admin:reminders_webhookdelivery_changelist")
    response = client.post(changelist, {"action": "retry", "_selected_action": [message.pk]})
    assert response.status_code == 302 and "/login/" in response["Location"]  # not an administrator: no admin site
    message.refresh_from_db()
    assert message.state == "sent"
