"""The in-app channel: the bell, the notification list, marking read, following a notification to its item, and
the channel preferences. A user only ever sees and changes their own notifications."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from reminders.choices import ReminderKind
from reminders.models import Notification, Preference

pytestmark = pytest.mark.django_db


def notify(user, count=1, kind=ReminderKind.OVERDUE, url="/plans/measures/1/"):
    start = Notification.objects.count()
    return [
        Notification.objects.create(
            recipient=user,
            source="plans.measure",
            item_key=str(start + index),
            kind=kind,
            day=clock.today() - datetime.timedelta(days=3),
            title=f"举措{start + index}",
            due_date=clock.today(),
            url=url,
        )  # fmt: skip
        for index in range(count)
    ]


def test_the_bell_shows_the_unread_count_in_one_query(login, alice, bob):
    notify(alice, 3)
    notify(bob, 2)
    Notification.objects.filter(pk=Notification.objects.filter(recipient=alice).first().pk).update(
        read_at=datetime.datetime(2020, 6, 16, tzinfo=datetime.UTC)
    )
    response = login(alice).get(reverse("reminders:notification_list"))
    assert 'data-unread="2"' in response.content.decode()
    request = RequestFactory().get("/")
    request.user = alice
    template = Template("{% load reminders %}{% unread_notification_count as n %}{{ n }}")
    with CaptureQueriesContext(connection) as captured:
        assert template.render(Context({"request": request})) == "2"
    assert len(captured.captured_queries) == 1


def test_the_list_shows_only_ones_own_notifications(login, alice, bob):
    mine = notify(alice, 2)
    theirs = notify(bob, 1)
    page = login(alice).get(reverse("reminders:notification_list")).content.decode()
    for notification in mine:
        assert f'data-notification="{notification.pk}"' in page
    assert f'data-notification="{theirs[0].pk}"' not in page


def test_the_list_makes_as_many_queries_with_many_notifications(login, alice):
    client = login(alice)
    url = reverse("reminders:notification_list") + "?show=all"

    def cost():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    notify(alice, 3)
    cost()  # warm-up
    few = cost()
    notify(alice, 15, kind=ReminderKind.ESCALATED)
    assert cost() == few  # session, user, bell, count, page


def test_opening_a_notification_marks_it_read_and_goes_to_the_item(login, alice):
    (notification,) = notify(alice, url="/safety/hazards/7/")
    response = login(alice).get(notification.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == "/safety/hazards/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_notification_is_a_404(login, alice, bob):
    (theirs,) = notify(bob)
    client = login(alice)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.post(reverse("reminders:notification_read", args=[theirs.pk])).status_code == 404
    client.post(reverse("reminders:notification_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_and_mark_all_read(login, alice):
    first, *others = notify(alice, 3)
    client = login(alice)
    client.post(reverse("reminders:notification_read", args=[first.pk]))
    assert list(Notification.objects.unread().values_list("pk", flat=True).order_by("pk")) == [n.pk for n in others]
    client.post(reverse("reminders:notification_read_all"))
    assert not Notification.objects.unread().exists()


def test_an_external_link_is_not_followed(login, alice):
    (notification,) = notify(alice, url="https://evil.example/")
    response = login(alice).get(notification.get_absolute_url())
    assert response["Location"] == reverse("reminders:notification_list")


def test_pages_need_a_login(client):
    response = client.get(reverse("reminders:notification_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.post(reverse("reminders:notification_read_all")).status_code == 302


def test_preferences_choose_email_per_kind_and_are_audited(login, alice):
    client = login(alice)
    page = client.get(reverse("reminders:preferences")).content.decode()
    assert 'name="safety.hazard"' in page and "checked" in page
    response = client.post(reverse("reminders:preferences"), {"safety.hazard": "on"})  # every other box cleared
    assert response.status_code == 302
    choices = dict(Preference.objects.filter(user=alice).values_list("source", "email"))
    assert choices["safety.hazard"] is True and choices["plans.measure"] is False
    entry = LogEntry.objects.get_for_model(Preference).filter(object_pk=str(
        Preference.objects.get(user=alice, source="plans.measure").pk)).get()  # fmt: skip
    assert entry.actor == alice
