"""The demo enterprises and vehicles: plausible, valid, marked demo, and loaded idempotently."""

import pytest
from auditlog.models import LogEntry

import enterprises.demo
import organisation.demo
from enterprises.choices import EnterpriseType, ListStatus
from enterprises.models import Enterprise, Vehicle
from enterprises.validators import validate_credit_code, validate_plate

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    organisation.demo.load()
    enterprises.demo.load()


def test_the_demo_covers_every_type_with_valid_codes_and_plates(loaded):
    assert Enterprise.objects.count() == len(enterprises.demo.ENTERPRISES) >= 25
    assert set(Enterprise.objects.values_list("enterprise_type", flat=True)) == set(EnterpriseType.values)
    assert Vehicle.objects.count() >= 120
    for enterprise in Enterprise.objects.all():
        validate_credit_code(enterprise.credit_code)
        assert enterprise.credit_code.startswith("91430181") and enterprise.is_demo
        enterprise.full_clean()
    for vehicle in Vehicle.objects.all():
        validate_plate(vehicle.plate)
        assert vehicle.plate.startswith("湘A") and vehicle.is_demo
    assert Vehicle.objects.filter(plate__regex=r"^.{8}$").exists()  # new-energy plates


def test_the_demo_has_listings_and_expiring_papers(loaded):
    assert Enterprise.objects.filter(list_status=ListStatus.RED).count() == 1
    assert Enterprise.objects.filter(list_status=ListStatus.BLACK).count() == 1
    assert Enterprise.objects.licence_expiring().exists() and Enterprise.objects.licence_expired().exists()
    assert Vehicle.objects.certificate_expiring().exists() and Vehicle.objects.certificate_expired().exists()


def test_loading_twice_changes_nothing(loaded):
    entries = LogEntry.objects.count()
    stamps = dict(Enterprise.objects.values_list("pk", "updated_at"))
    enterprises.demo.load()
    assert LogEntry.objects.count() == entries
    assert dict(Enterprise.objects.values_list("pk", "updated_at")) == stamps
