"""Database constraints and the derived expiry facts (queryset methods, never stored)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enterprises.choices import ListStatus, VehicleClass
from enterprises.models import Enterprise, Vehicle
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2021, 3, 1)


def _integrity_error(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


class TestEnterpriseConstraints:
    def test_a_listing_needs_a_reason_and_a_start_date_in_the_database(self, enterprise_a):
        _integrity_error(lambda: Enterprise.objects.filter(pk=enterprise_a.pk).update(list_status=ListStatus.BLACK))
        _integrity_error(
            lambda: Enterprise.objects.filter(pk=enterprise_a.pk).update(list_status=ListStatus.RED, list_reason="好")
        )
        Enterprise.objects.filter(pk=enterprise_a.pk).update(
            list_status=ListStatus.RED, list_reason="信誉考核AAA", list_start=TODAY
        )

    def test_a_listing_cannot_end_before_it_starts(self, enterprise_a):
        _integrity_error(
            lambda: Enterprise.objects.filter(pk=enterprise_a.pk).update(
                list_status=ListStatus.BLACK,
                list_reason="违规",
                list_start=TODAY,
                list_end=TODAY - datetime.timedelta(days=1),
            )
        )

    def test_full_clean_names_the_listing_rule(self, enterprise_a):
        enterprise_a.list_status = ListStatus.BLACK
        with pytest.raises(ValidationError) as error:
            enterprise_a.full_clean()
        assert "needs a reason and a start date" in str(error.value)

    def test_the_credit_code_is_unique(self, enterprise_a):
        _integrity_error(lambda: EnterpriseFactory(credit_code=enterprise_a.credit_code))

    def test_full_clean_refuses_a_bad_credit_code(self, enterprise_a):
        enterprise_a.credit_code = "91350100M000100Y44"
        with pytest.raises(ValidationError) as error:
            enterprise_a.full_clean()
        assert "credit_code" in error.value.error_dict


class TestVehicleConstraints:
    def test_a_passenger_vehicle_needs_seats(self, enterprise_a):
        _integrity_error(
            lambda: Vehicle.objects.create(
                plate="湘A11111", enterprise=enterprise_a, vehicle_class=VehicleClass.CHARTER_BUS
            )
        )

    def test_a_passenger_vehicle_has_no_tonnage(self, enterprise_a):
        _integrity_error(
            lambda: Vehicle.objects.create(
                plate="湘A11111", enterprise=enterprise_a, vehicle_class=VehicleClass.SCHEDULED_BUS, seats=40, tonnage=2
            )
        )

    def test_a_dangerous_goods_vehicle_needs_tonnage(self, enterprise_a):
        _integrity_error(
            lambda: Vehicle.objects.create(
                plate="湘A11111", enterprise=enterprise_a, vehicle_class=VehicleClass.DANGEROUS_GOODS, seats=2
            )
        )

    def test_other_vehicles_have_seats_or_tonnage_not_both(self, enterprise_a):
        Vehicle.objects.create(plate="湘A11111", enterprise=enterprise_a, vehicle_class=VehicleClass.OTHER, seats=5)
        Vehicle.objects.create(
            plate="湘A11112", enterprise=enterprise_a, vehicle_class=VehicleClass.OTHER, tonnage=Decimal("30")
        )
        _integrity_error(
            lambda: Vehicle.objects.create(
                plate="湘A11113", enterprise=enterprise_a, vehicle_class=VehicleClass.OTHER, seats=5, tonnage=3
            )
        )

    def test_the_tonnage_is_positive(self, enterprise_a):
        _integrity_error(
            lambda: Vehicle.objects.create(
                plate="湘A11111", enterprise=enterprise_a, vehicle_class=VehicleClass.DANGEROUS_GOODS, tonnage=0
            )
        )

    def test_the_plate_is_unique(self, vehicle_a):
        _integrity_error(lambda: VehicleFactory(plate=vehicle_a.plate))

    def test_full_clean_names_the_field(self, enterprise_a):
        vehicle = Vehicle(plate="湘A11111", enterprise=enterprise_a, vehicle_class=VehicleClass.SCHEDULED_BUS)
        with pytest.raises(ValidationError) as error:
            vehicle.full_clean()
        assert set(error.value.error_dict) == {"seats"}

    def test_an_enterprise_with_vehicles_cannot_be_deleted(self, vehicle_a):
        from django.db.models import ProtectedError

        with pytest.raises(ProtectedError):
            vehicle_a.enterprise.delete()


class TestExpiry:
    @pytest.fixture(autouse=True)
    def frozen(self):
        with time_machine.travel(datetime.datetime(2021, 3, 1, 4, 0, tzinfo=datetime.UTC), tick=False):
            yield

    def _enterprise(self, days):
        expires = None if days is None else TODAY + datetime.timedelta(days=days)
        return EnterpriseFactory(licence_expires_on=expires)

    def test_licences_expiring_within_30_days_and_expired(self):
        expired = self._enterprise(-1)
        today = self._enterprise(0)
        in_30 = self._enterprise(30)
        in_31 = self._enterprise(31)
        self._enterprise(None)
        assert set(Enterprise.objects.licence_expiring()) == {today, in_30}
        assert set(Enterprise.objects.licence_expired()) == {expired}
        assert [e.licence_state for e in (expired, today, in_30, in_31)] == ["expired", "expiring", "expiring", "valid"]
        assert set(Enterprise.objects.licence_expiring(days=60)) == {today, in_30, in_31}

    def test_certificates_expiring_and_expired(self):
        expired = VehicleFactory(certificate_expires_on=TODAY - datetime.timedelta(days=10))
        soon = VehicleFactory(certificate_expires_on=TODAY + datetime.timedelta(days=5))
        VehicleFactory(certificate_expires_on=TODAY + datetime.timedelta(days=200))
        VehicleFactory(certificate_expires_on=None)
        assert list(Vehicle.objects.certificate_expiring()) == [soon]
        assert list(Vehicle.objects.certificate_expired()) == [expired]
        assert soon.certificate_state == "expiring" and expired.certificate_state == "expired"

    def test_an_explicit_day_can_be_given(self):
        vehicle = VehicleFactory(certificate_expires_on=datetime.date(2021, 6, 1))
        assert list(Vehicle.objects.certificate_expiring(today=datetime.date(2021, 5, 15))) == [vehicle]
        assert list(Vehicle.objects.certificate_expired(today=datetime.date(2021, 6, 2))) == [vehicle]


def test_two_passengers_one_dangerous(enterprise_a):
    bus = VehicleFactory(enterprise=enterprise_a)
    tanker = VehicleFactory(
        enterprise=enterprise_a, vehicle_class=VehicleClass.DANGEROUS_GOODS, seats=None, tonnage=Decimal("10")
    )
    VehicleFactory(enterprise=enterprise_a, vehicle_class=VehicleClass.OTHER, seats=5)
    assert set(Vehicle.objects.two_passengers_one_dangerous()) == {bus, tanker}


def test_str_and_urls(vehicle_a):
    assert str(vehicle_a) == "湘A12345"
    assert str(vehicle_a.enterprise) == "浏阳市汽车运输有限公司"
    assert vehicle_a.get_absolute_url() == f"/enterprises/vehicles/{vehicle_a.pk}/"
    assert vehicle_a.enterprise.get_absolute_url() == f"/enterprises/{vehicle_a.enterprise.pk}/"
    assert vehicle_a.capacity == "45 seats"
