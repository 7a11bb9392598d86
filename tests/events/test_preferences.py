"""The workflow events keep the reminders' preferences (issue 14): in-app always, e-mail unless the person opted out
of it for the workflow events on the reminders' preferences page.

Personas (tests/personas.py): alice staff and carol head of unit A."""

import pytest
from django.urls import reverse

from plans import services as plans_services
from reminders.models import Notification, Preference

pytestmark = pytest.mark.django_db


def test_the_preferences_page_has_a_box_for_the_workflow_events(login, carol):
    client = login(carol)
    assert 'name="events"' in client.get(reverse("reminders:preferences")).content.decode()
    client.post(reverse("reminders:preferences"), {"plans.measure": "on"})  # the events' box cleared
    assert Preference.objects.get(user=carol, source="events").email is False


@pytest.mark.parametrize("opted_out", [False, True])
def test_an_event_is_emailed_unless_its_recipient_opted_out(run, alice, carol, draft_a, opted_out):
    carol.email = "carol@jtj.example"
    carol.save(update_fields=["email"])
    Preference.objects.create(user=carol, source="events", email=not opted_out)
    run(plans_services.progress_report_submit, user=alice, report=draft_a)
    notification = Notification.objects.get(recipient=carol)  # in-app whatever the choice
    assert notification.email_pending is (not opted_out)
