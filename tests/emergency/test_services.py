"""The roster's and the drills' rules, tested on the services and on the database itself."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from emergency import services
from emergency.choices import DutyRole, SpecialPeriodKind
from emergency.forms import DutyAssignmentForm
from emergency.models import Drill, DutyAssignment, SpecialPeriod
from organisation.models import User
from tests.emergency.factories import DutyAssignmentFactory
from tests.factories import UserFactory, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keeper")]

DAY = datetime.date(2020, 1, 25)


class TestDuty:
    def test_bob_of_the_roster_keeping_unit_puts_alice_on_duty(self, bob, alice):
        duty = services.duty_assign(user=bob, date=DAY, role=DutyRole.STAFF, person=alice, phone=" 13800000000 ")
        assert duty.pk and duty.phone == "13800000000"

    def test_the_unit_head_and_the_administrator_may_too(self, dave, admin_user, alice, carol):
        services.duty_assign(user=dave, date=DAY, role=DutyRole.STAFF, person=alice)
        services.duty_assign(user=admin_user, date=DAY, role=DutyRole.STAFF, person=carol)
        assert DutyAssignment.objects.filter(date=DAY).count() == 2

    @pytest.mark.parametrize("who", ["alice", "carol", "leo"])
    def test_others_may_not_change_the_roster(self, request, who, bob):
        user = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            services.duty_assign(user=user, date=DAY, role=DutyRole.STAFF, person=bob)
        assert not DutyAssignment.objects.exists()

    def test_the_units_flag_decides_not_its_name_or_safety_role(self, unit_b, bob, alice):
        """安全应急科 (which also supervises safety) no longer keeps the roster once its flag is cleared."""
        unit_b.keeps_duty_roster = False
        unit_b.save()
        bob = User.objects.get(pk=bob.pk)
        assert bob.supervises_safety
        with pytest.raises(PermissionDenied):
            services.duty_assign(user=bob, date=DAY, role=DutyRole.STAFF, person=alice)
        assert not DutyAssignment.objects.restrict(bob, "change").exists()
        assert not DutyAssignment.objects.exists()

    def test_one_person_cannot_hold_two_duties_on_the_same_day(self, bob, leo):
        services.duty_assign(user=bob, date=DAY, role=DutyRole.LEADER, person=leo)
        with pytest.raises(ValidationError, match="already has a duty"):
            services.duty_assign(user=bob, date=DAY, role=DutyRole.STAFF, person=leo)
        services.duty_assign(user=bob, date=DAY + datetime.timedelta(days=1), role=DutyRole.STAFF, person=leo)
        assert DutyAssignment.objects.filter(person=leo).count() == 2

    def test_the_database_refuses_the_same_person_twice_on_a_day(self, alice):
        DutyAssignmentFactory(date=DAY, person=alice)
        with pytest.raises(IntegrityError), transaction.atomic():
            DutyAssignment.objects.create(date=DAY, role=DutyRole.LEADER, person=alice)

    def test_the_form_refuses_the_same_person_twice_on_a_day(self, alice):
        DutyAssignmentFactory(date=DAY, person=alice)
        form = DutyAssignmentForm({"date": DAY.isoformat(), "role": DutyRole.STAFF, "person": alice.pk})
        assert not form.is_valid()
        assert "already has a duty" in str(form.errors)

    def test_a_day_has_one_leader_on_duty(self, bob, leo):
        services.duty_assign(user=bob, date=DAY, role=DutyRole.LEADER, person=leo)
        with pytest.raises(ValidationError, match="already a leader"):
            services.duty_assign(user=bob, date=DAY, role=DutyRole.LEADER, person=UserFactory())

    def test_the_phone_on_duty_falls_back_to_the_persons_own(self, alice):
        alice.phone = "0731-83610000"
        alice.save()
        assert DutyAssignmentFactory(person=alice).contact_phone == "0731-83610000"
        assert DutyAssignmentFactory(person=alice, date=DAY, phone="139").contact_phone == "139"

    def test_update_and_remove(self, bob, alice, carol):
        duty = services.duty_assign(user=bob, date=DAY, role=DutyRole.STAFF, person=alice)
        duty = services.duty_update(user=bob, assignment=duty, person=carol, note="调班")
        assert duty.person == carol and duty.note == "调班"
        with pytest.raises(PermissionDenied):
            services.duty_remove(user=alice, assignment=duty)
        services.duty_remove(user=bob, assignment=duty)
        assert not DutyAssignment.objects.exists()

    def test_set_a_whole_day(self, bob, leo, alice, carol):
        DutyAssignmentFactory(date=DAY, person=UserFactory())
        services.roster_set_day(user=bob, date=DAY, leader=leo, staff=[alice, carol], phones={alice.pk: "138"})
        duties = {d.person: d for d in DutyAssignment.objects.filter(date=DAY)}
        assert set(duties) == {leo, alice, carol}
        assert duties[leo].role == DutyRole.LEADER and duties[alice].phone == "138"
        with pytest.raises(ValidationError, match="twice"):
            services.roster_set_day(user=bob, date=DAY, leader=leo, staff=[leo])
        assert DutyAssignment.objects.filter(date=DAY).count() == 3  # unchanged


class TestSpecialPeriod:
    def test_a_period_ends_after_it_starts(self, bob):
        with pytest.raises(ValidationError, match="start date"):
            services.special_period_create(
                user=bob, kind=SpecialPeriodKind.FLOOD_SEASON, start_date=DAY, end_date=DAY - datetime.timedelta(1)
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            SpecialPeriod.objects.create(kind="other", start_date=DAY, end_date=DAY - datetime.timedelta(1))

    def test_only_the_keepers_mark_periods(self, bob, alice):
        period = services.special_period_create(
            user=bob, kind=SpecialPeriodKind.FLOOD_SEASON, start_date=DAY, end_date=DAY, name="汛期"
        )
        with pytest.raises(PermissionDenied):
            services.special_period_create(user=alice, kind="other", start_date=DAY, end_date=DAY)
        with pytest.raises(PermissionDenied):
            services.special_period_delete(user=alice, period=period)
        period = services.special_period_update(user=bob, period=period, end_date=DAY + datetime.timedelta(days=30))
        assert period.covers(DAY + datetime.timedelta(days=30))


@pytest.mark.usefixtures("tmp_media")
class TestDrill:
    def drill(self, user, **changes):
        data = {
            "user": user,
            "date": datetime.date(2020, 6, 16),
            "scenario": "危险货物运输车辆泄漏事故应急演练",
            "units": [user.unit] if user.unit else [],
            "participants": 40,
            "summary": "检验联动处置能力。",
            **changes,
        }
        return services.drill_create(**data)

    def test_bob_records_a_drill_with_photos(self, bob, unit_a, png):
        drill = self.drill(bob, units=[bob.unit, unit_a], photos=[png(), png("现场.png")])
        assert set(drill.units.all()) == {bob.unit, unit_a}
        assert drill.photos.count() == 2 and drill.created_by == bob

    def test_alice_may_not_record_a_drill(self, alice):
        with pytest.raises(PermissionDenied):
            self.drill(alice)
        assert not Drill.objects.exists()

    def test_participants_must_be_positive(self, bob):
        with pytest.raises(ValidationError, match="at least one participant"):
            self.drill(bob, participants=0)
        with pytest.raises(IntegrityError), transaction.atomic():
            Drill.objects.create(date=DAY, scenario="x", participants=0, created_by=bob)

    def test_a_drill_names_its_units(self, bob):
        with pytest.raises(ValidationError, match="at least one unit"):
            self.drill(bob, units=[])

    def test_photos_must_be_pictures(self, bob, pdf, png):
        with pytest.raises(ValidationError, match="not a photo"):
            self.drill(bob, photos=[pdf])
        with pytest.raises(ValidationError, match="does not contain"):
            self.drill(bob, photos=[upload("伪装.png", b"MZ\x90\x00 not a picture")])
        assert not Drill.objects.exists()

    def test_update_adds_photos_and_changes_fields(self, bob, alice, png):
        drill = self.drill(bob)
        drill = services.drill_update(user=bob, drill=drill, participants=55, photos=[png()])
        assert drill.participants == 55 and drill.photos.count() == 1
        with pytest.raises(PermissionDenied):
            services.drill_update(user=alice, drill=drill, participants=1)
        services.drill_photo_delete(user=bob, photo=drill.photos.get())
        assert not drill.photos.exists()
