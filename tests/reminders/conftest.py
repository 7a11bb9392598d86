"""Fixtures of the reminders tests. The personas (tests/personas.py): alice staff and carol head of unit A, bob
staff and dave head of unit B, leo the leader overseeing both. Everyone has an e-mail address here."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from tests.factories import MeasureFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 8, minute: int = 30):
    """Freeze the clock on ``day`` at 08:30 Beijing time (the scan's time)."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDERS_SITE_URL = "https://portal.example"
    settings.REMINDERS_WEBHOOK_BACKOFF = 0
    settings.REMINDERS_WEBHOOK_TIMEOUT = 2
    return settings


@pytest.fixture
def people(alice, carol, bob, dave, leo):
    for person in (alice, carol, bob, dave, leo):
        person.email = f"{person.username}@jtj.example"
        person.save(update_fields=["email"])
    return {"alice": alice, "carol": carol, "bob": bob, "dave": dave, "leo": leo}


@pytest.fixture
def measure_due(people, unit_a):
    """A measure of unit A due on Friday 2020-06-19 (a working day)."""
    return MeasureFactory(lead_unit=unit_a, title="推进金阳大道三期", due_date=datetime.date(2020, 6, 19))
