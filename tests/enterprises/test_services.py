"""The services: rules, permissions and the audit actor."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from enterprises import services
from enterprises.choices import ListStatus, VehicleClass, VehicleStatus
from enterprises.models import Enterprise, Vehicle

pytestmark = pytest.mark.django_db
START = datetime.date(2021, 1, 1)


def new_enterprise(**overrides) -> dict:
    values = {
        "name": "浏阳市新开运输有限公司",
        "credit_code": "91430181ma4td6nx4g ",  # normalised by the service
        "enterprise_type": "freight",
    }
    values.update(overrides)
    return values


class TestEnterpriseCreate:
    def test_staff_register_an_enterprise_for_their_own_unit(self, alice, unit_a, huaichuan):
        enterprise = services.enterprise_create(user=alice, township=huaichuan, **new_enterprise())
        assert enterprise.supervising_unit == unit_a
        assert enterprise.credit_code == "91430181MA4TD6NX4G"
        entry = LogEntry.objects.get_for_object(enterprise).get()
        assert entry.actor == alice and entry.action == LogEntry.Action.CREATE

    def test_staff_may_not_register_for_another_unit(self, alice, unit_b):
        with pytest.raises(PermissionDenied):
            services.enterprise_create(user=alice, supervising_unit=unit_b, **new_enterprise())
        assert not Enterprise.objects.exists()

    def test_a_leader_may_not_register(self, leo, unit_a):
        with pytest.raises(PermissionDenied):
            services.enterprise_create(user=leo, supervising_unit=unit_a, **new_enterprise())

    def test_the_administrator_registers_for_any_unit(self, admin_user, unit_b):
        enterprise = services.enterprise_create(user=admin_user, supervising_unit=unit_b, **new_enterprise())
        assert enterprise.supervising_unit == unit_b

    def test_an_administrator_must_name_the_unit(self, admin_user):
        with pytest.raises(PermissionDenied):
            services.enterprise_create(user=admin_user, **new_enterprise())

    def test_a_bad_credit_code_is_refused(self, alice):
        with pytest.raises(ValidationError) as error:
            services.enterprise_create(user=alice, **new_enterprise(credit_code="91430181MA4TD6NX4H"))
        assert "credit_code" in error.value.error_dict

    def test_a_duplicate_credit_code_is_refused(self, alice, enterprise_a):
        with pytest.raises(ValidationError) as error:
            services.enterprise_create(user=alice, **new_enterprise(credit_code=enterprise_a.credit_code))
        assert "credit_code" in error.value.error_dict

    def test_unknown_fields_are_a_programming_error(self, alice):
        with pytest.raises(ValueError):
            services.enterprise_create(user=alice, list_status="red", **new_enterprise())


class TestEnterpriseUpdate:
    def test_staff_of_the_supervising_unit_change_it(self, alice, enterprise_a):
        services.enterprise_update(user=alice, enterprise=enterprise_a, credit_rating="AA", contact_phone="13800000000")
        enterprise_a.refresh_from_db()
        assert enterprise_a.credit_rating == "AA"
        entry = LogEntry.objects.get_for_object(enterprise_a).filter(action=LogEntry.Action.UPDATE).get()
        assert entry.actor == alice and "credit_rating" in entry.changes_dict

    @pytest.mark.parametrize("persona", ["bob", "dave", "leo"])
    def test_others_may_not(self, request, persona, enterprise_a):
        with pytest.raises(PermissionDenied):
            services.enterprise_update(
                user=request.getfixturevalue(persona), enterprise=enterprise_a, credit_rating="B"
            )
        enterprise_a.refresh_from_db()
        assert enterprise_a.credit_rating == ""

    def test_staff_may_not_hand_it_to_another_unit(self, alice, enterprise_a, unit_b):
        with pytest.raises(PermissionDenied):
            services.enterprise_update(user=alice, enterprise=enterprise_a, supervising_unit=unit_b)

    def test_the_administrator_hands_it_over(self, admin_user, enterprise_a, unit_b):
        services.enterprise_update(user=admin_user, enterprise=enterprise_a, supervising_unit=unit_b)
        enterprise_a.refresh_from_db()
        assert enterprise_a.supervising_unit == unit_b


class TestListing:
    def test_a_unit_head_puts_an_enterprise_on_the_black_list_and_takes_it_off(self, carol, enterprise_a):
        services.enterprise_list_set(
            user=carol, enterprise=enterprise_a, status=ListStatus.BLACK, reason=" 多次违规 ", start=START
        )
        enterprise_a.refresh_from_db()
        assert (enterprise_a.list_status, enterprise_a.list_reason, enterprise_a.list_start) == (
            "black",
            "多次违规",
            START,
        )
        assert Enterprise.objects.listed().get() == enterprise_a
        services.enterprise_list_clear(user=carol, enterprise=enterprise_a)
        enterprise_a.refresh_from_db()
        assert enterprise_a.list_status == ListStatus.NONE and enterprise_a.list_start is None
        assert LogEntry.objects.get_for_object(enterprise_a).filter(actor=carol).count() == 2

    def test_a_listing_needs_a_reason(self, carol, enterprise_a):
        with pytest.raises(ValidationError):
            services.enterprise_list_set(user=carol, enterprise=enterprise_a, status="red", reason=" ", start=START)

    def test_a_listing_cannot_end_before_it_starts(self, carol, enterprise_a):
        with pytest.raises(ValidationError):
            services.enterprise_list_set(
                user=carol,
                enterprise=enterprise_a,
                status="red",
                reason="好",
                start=START,
                end=START.replace(year=2020),
            )

    def test_the_status_must_be_a_list(self, carol, enterprise_a):
        with pytest.raises(ValidationError):
            services.enterprise_list_set(user=carol, enterprise=enterprise_a, status="none", reason="x", start=START)

    @pytest.mark.parametrize("persona", ["bob", "leo"])
    def test_others_may_not_list(self, request, persona, enterprise_a):
        user = request.getfixturevalue(persona)
        with pytest.raises(PermissionDenied):
            services.enterprise_list_set(user=user, enterprise=enterprise_a, status="red", reason="好", start=START)
        with pytest.raises(PermissionDenied):
            services.enterprise_list_clear(user=user, enterprise=enterprise_a)


class TestVehicles:
    def test_staff_register_a_vehicle_with_a_normalised_plate(self, alice, enterprise_a):
        vehicle = services.vehicle_create(
            user=alice, enterprise=enterprise_a, plate="湘a·d1234 5", vehicle_class=VehicleClass.CHARTER_BUS, seats=39
        )
        assert vehicle.plate == "湘AD12345"
        assert LogEntry.objects.get_for_object(vehicle).get().actor == alice

    def test_a_bad_plate_is_refused(self, alice, enterprise_a):
        with pytest.raises(ValidationError) as error:
            services.vehicle_create(
                user=alice, enterprise=enterprise_a, plate="湘AI2345", vehicle_class=VehicleClass.OTHER, seats=5
            )
        assert "plate" in error.value.error_dict

    def test_seats_for_passengers_tonnage_for_goods(self, alice, enterprise_a):
        with pytest.raises(ValidationError) as error:
            services.vehicle_create(
                user=alice,
                enterprise=enterprise_a,
                plate="湘A54321",
                vehicle_class=VehicleClass.DANGEROUS_GOODS,
                seats=2,
            )
        assert set(error.value.error_dict) == {"seats", "tonnage"}
        vehicle = services.vehicle_create(
            user=alice,
            enterprise=enterprise_a,
            plate="湘A54321",
            vehicle_class=VehicleClass.DANGEROUS_GOODS,
            tonnage=Decimal("12.5"),
        )
        assert vehicle.tonnage == Decimal("12.5")

    def test_staff_may_not_register_vehicles_of_another_units_enterprise(self, alice, enterprise_b):
        with pytest.raises(PermissionDenied):
            services.vehicle_create(
                user=alice, enterprise=enterprise_b, plate="湘A54321", vehicle_class=VehicleClass.OTHER, seats=5
            )
        assert not Vehicle.objects.exists()

    def test_staff_update_their_units_vehicle(self, alice, vehicle_a):
        services.vehicle_update(user=alice, vehicle=vehicle_a, status=VehicleStatus.SUSPENDED)
        vehicle_a.refresh_from_db()
        assert vehicle_a.status == VehicleStatus.SUSPENDED

    @pytest.mark.parametrize("persona", ["bob", "dave", "leo"])
    def test_others_may_not_update_it(self, request, persona, vehicle_a):
        with pytest.raises(PermissionDenied):
            services.vehicle_update(user=request.getfixturevalue(persona), vehicle=vehicle_a, status="scrapped")

    def test_staff_may_not_move_a_vehicle_to_another_units_enterprise(self, alice, vehicle_a, enterprise_b):
        with pytest.raises(PermissionDenied):
            services.vehicle_update(user=alice, vehicle=vehicle_a, enterprise=enterprise_b)

    def test_the_administrator_moves_it(self, admin_user, vehicle_a, enterprise_b):
        services.vehicle_update(
            user=admin_user, vehicle=vehicle_a, enterprise=enterprise_b, status=VehicleStatus.TRANSFERRED
        )
        vehicle_a.refresh_from_db()
        assert vehicle_a.enterprise == enterprise_b


class TestRestrict:
    def test_everybody_reads_both_registers(self, request, enterprise_a, enterprise_b, vehicle_a, vehicle_b):
        for persona in ("alice", "bob", "carol", "dave", "leo", "admin_user"):
            user = request.getfixturevalue(persona)
            assert Enterprise.objects.restrict(user).count() == 2
            assert Vehicle.objects.restrict(user).count() == 2

    def test_change_is_for_the_supervising_unit_and_administrators(
        self, request, enterprise_a, enterprise_b, vehicle_a, vehicle_b
    ):
        expected = {
            "alice": {enterprise_a},
            "carol": {enterprise_a},
            "bob": {enterprise_b},
            "leo": set(),
            "admin_user": {enterprise_a, enterprise_b},
        }
        for persona, enterprises in expected.items():
            user = request.getfixturevalue(persona)
            assert set(Enterprise.objects.restrict(user, "change")) == enterprises
            assert {v.enterprise for v in Vehicle.objects.restrict(user, "change")} == enterprises

    def test_anonymous_and_inactive_users_see_nothing(self, alice, enterprise_a):
        from django.contrib.auth.models import AnonymousUser

        assert not Enterprise.objects.restrict(AnonymousUser()).exists()
        alice.is_active = False
        assert not Enterprise.objects.restrict(alice).exists()

    def test_an_unknown_action_gives_nothing(self, alice, enterprise_a):
        assert not Enterprise.objects.restrict(alice, "delete").exists()
