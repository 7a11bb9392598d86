"""Drivers' qualification certificates (从业资格证) as a deadline source of the reminders registry: the employed
drivers' certificates expiring in the window or already expired, with the enterprise's supervising unit."""

import datetime

import pytest

from reminders import registry

from .factories import DriverFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_expiring_and_expired_certificates_of_employed_drivers(enterprise_a, unit_a):
    soon = DriverFactory(name="王芳", enterprise=enterprise_a, qualification_expires_on=D(2020, 7, 10))
    expired = DriverFactory(enterprise=enterprise_a, qualification_expires_on=D(2020, 1, 1))
    DriverFactory(enterprise=enterprise_a, qualification_expires_on=D(2020, 9, 1))  # beyond the window
    DriverFactory(enterprise=enterprise_a, qualification_expires_on=D(2020, 7, 1), status="left")
    DriverFactory(enterprise=enterprise_a, qualification_expires_on=None)
    source = registry.source("monitoring.qualification")

    found = {item.key: item for item in source.items(today=D(2020, 6, 16), last_day=D(2020, 7, 16))}

    assert set(found) == {str(soon.pk), str(expired.pk)}
    item = found[str(soon.pk)]
    assert (item.due_date, item.unit_id, item.url) == (
        D(2020, 7, 10),
        unit_a.pk,
        f"/monitoring/alarms/?driver={soon.pk}",
    )
    assert item.title.startswith(f"{enterprise_a.name} 王芳")
    assert source.offsets == (30, 7, 1, 0) and source.escalate_after == 0
