"""The hazard workflow through its services: registration and codes, every transition legal and illegal, the
four-eyes rule, the leader's sign-off, what closing needs, and the transitions and audit history recorded."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from safety import services
from safety.choices import HazardAction, HazardStatus, PhotoKind
from safety.models import Hazard, HazardCodeCounter, HazardTransition
from safety.services import FourEyesViolation, IllegalTransition

from .conftest import to_verifying
from .factories import HazardFactory, png_upload, register_fields

pytestmark = pytest.mark.django_db
S = HazardStatus


# Registration and codes ---------------------------------------------------------------------------------------


def test_register_assigns_consecutive_codes_per_year(alice, unit_a):
    first = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    second = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    other_year = services.hazard_register(
        user=alice,
        **register_fields(
            responsible_unit=unit_a, found_on=datetime.date(2021, 1, 4), deadline=datetime.date(2021, 2, 1)
        ),
    )
    third = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    assert [first.code, second.code, third.code] == ["YH-2020-0001", "YH-2020-0002", "YH-2020-0003"]
    assert other_year.code == "YH-2021-0001"
    assert dict(HazardCodeCounter.objects.values_list("year", "last_number")) == {2020: 3, 2021: 1}
    assert first.status == S.PENDING and first.found_by == alice
    assert first.transitions.count() == 0  # registration starts the timeline; transitions are status changes


def test_a_failed_registration_leaves_no_gap(alice, unit_a):
    services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    with pytest.raises(ValidationError) as error:
        services.hazard_register(
            user=alice, **register_fields(responsible_unit=unit_a, deadline=datetime.date(2020, 5, 1))
        )
    assert "deadline" in str(error.value) or "before" in str(error.value)
    # A failure after the code was taken (here: saving the photos) rolls the counter back with the hazard.
    with mock.patch("safety.services._save_photos", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    last = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    assert last.code == "YH-2020-0002"
    assert list(Hazard.objects.order_by("code").values_list("code", flat=True)) == ["YH-2020-0001", "YH-2020-0002"]


def test_register_with_photos_keeps_them_as_found(alice, unit_a):
    hazard = services.hazard_register(user=alice, photos=[png_upload()], **register_fields(responsible_unit=unit_a))
    photo = hazard.photos.get()
    assert (photo.kind, photo.original_name, photo.uploaded_by) == (PhotoKind.FOUND, "现场.png", alice)


def test_register_refuses_a_file_that_is_not_a_photo(alice, unit_a):
    from tests.factories import pdf_upload

    with pytest.raises(ValidationError, match="not a photo"):
        services.hazard_register(user=alice, photos=[pdf_upload()], **register_fields(responsible_unit=unit_a))
    fake = png_upload("假照片.png")
    fake.file.write(b"")
    fake.file.seek(0)
    fake.file.truncate()
    fake.file.write(b"not a picture at all")
    fake.file.seek(0)
    fake.size = 20
    with pytest.raises(ValidationError, match="does not contain what its name says"):
        services.hazard_register(user=alice, photos=[fake], **register_fields(responsible_unit=unit_a))
    assert not Hazard.objects.exists()


def test_register_refuses_unknown_fields_and_inactive_users(alice, unit_a):
    with pytest.raises(ValueError):
        services.hazard_register(user=alice, status=S.CLOSED, **register_fields(responsible_unit=unit_a))
    alice.is_active = False
    with pytest.raises(PermissionDenied):
        services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))


def test_register_refuses_negative_funds(alice, unit_a):
    with pytest.raises(ValidationError) as error:
        services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a, funds=Decimal("-1")))
    assert "funds" in error.value.message_dict


# The whole flow ---------------------------------------------------------------------------------------------


def test_register_rectify_verify_close(hazard_a, alice, carol):
    hazard = services.hazard_start_rectification(user=alice, hazard=hazard_a, note="已安排整改。")
    assert hazard.status == S.RECTIFYING
    hazard = services.hazard_report_rectification(
        user=alice, hazard=hazard, note="已补齐应急锤。", photos=[png_upload("整改后.png")]
    )
    assert hazard.status == S.VERIFYING
    assert hazard.rectification_reported_by == alice and hazard.rectification_note == "已补齐应急锤。"
    hazard = services.hazard_verify(
        user=carol, hazard=hazard, passed=True, note="复查合格，同意销号。", photos=[png_upload("验收.png")]
    )
    assert hazard.status == S.CLOSED
    assert (hazard.closed_by, hazard.verification_note) == (carol, "复查合格，同意销号。")
    steps = list(hazard.transitions.values_list("action", "from_status", "to_status", "by__username"))
    assert steps == [
        (HazardAction.START, S.PENDING, S.RECTIFYING, "alice"),
        (HazardAction.REPORT, S.RECTIFYING, S.VERIFYING, "alice"),
        (HazardAction.PASS, S.VERIFYING, S.CLOSED, "carol"),
    ]
    kinds = sorted(hazard.photos.values_list("kind", flat=True))
    assert kinds == [PhotoKind.RECTIFICATION, PhotoKind.VERIFICATION]
    # Each step is in the audit history too, under its actor.
    status_changes = [
        (entry.actor.username, entry.changes_dict["status"])
        for entry in LogEntry.objects.get_for_object(hazard).order_by("pk")
        if "status" in entry.changes_dict and entry.action == LogEntry.Action.UPDATE
    ]
    assert status_changes == [
        ("alice", [S.PENDING, S.RECTIFYING]),
        ("alice", [S.RECTIFYING, S.VERIFYING]),
        ("carol", [S.VERIFYING, S.CLOSED]),
    ]
    assert LogEntry.objects.get_for_objects(HazardTransition.objects.all()).count() == 3


def test_failed_verification_returns_to_rectification_with_reason(verifying_a, alice, dave):
    with pytest.raises(ValidationError) as error:
        services.hazard_verify(user=dave, hazard=verifying_a, passed=False, note="  ")
    assert "note" in error.value.message_dict
    hazard = services.hazard_verify(user=dave, hazard=verifying_a, passed=False, note="护栏仍未安装。")
    assert hazard.status == S.RECTIFYING
    failure = hazard.transitions.get(action=HazardAction.FAIL)
    assert (failure.from_status, failure.to_status, failure.note, failure.by) == (
        S.VERIFYING,
        S.RECTIFYING,
        "护栏仍未安装。",
        dave,
    )
    # The unit rectifies again and reports; this time it passes.
    hazard = services.hazard_report_rectification(user=alice, hazard=hazard, note="护栏已安装。")
    hazard = services.hazard_verify(user=dave, hazard=hazard, passed=True, note="合格。", photos=[png_upload()])
    assert hazard.status == S.CLOSED


# Illegal transitions ----------------------------------------------------------------------------------------

STEPS = {
    "start": lambda user, hazard: services.hazard_start_rectification(user=user, hazard=hazard),
    "report": lambda user, hazard: services.hazard_report_rectification(user=user, hazard=hazard, note="完成"),
    "sign_off": lambda user, hazard: services.hazard_sign_off(user=user, hazard=hazard),
    "pass": lambda user, hazard: services.hazard_verify(
        user=user, hazard=hazard, passed=True, note="合格", photos=[png_upload()]
    ),
    "fail": lambda user, hazard: services.hazard_verify(user=user, hazard=hazard, passed=False, note="不合格"),
}
LEGAL_FROM = {
    "start": {S.PENDING},
    "report": {S.RECTIFYING},
    "sign_off": {S.VERIFYING},
    "pass": {S.VERIFYING},
    "fail": {S.VERIFYING},
}


@pytest.mark.parametrize("status", list(S.values))
@pytest.mark.parametrize("step", list(STEPS))
def test_every_step_from_every_status(step, status, unit_a, alice, admin_user, leo):
    """Each step is refused with IllegalTransition from every status it does not start from; from its own status
    an administrator (or, for the sign-off, a leader) takes it."""
    reporter = alice
    extra = {}
    if status in (S.VERIFYING, S.CLOSED):
        extra = {
            "rectification_reported_by": reporter,
            "rectification_reported_at": datetime.datetime(2020, 6, 1, tzinfo=datetime.UTC),
        }
    if status == S.CLOSED:
        if step == "sign_off":
            extra.update(signed_off_by=leo, signed_off_at=datetime.datetime(2020, 6, 2, tzinfo=datetime.UTC))
        extra.update(
            closed_by=admin_user, closed_at=datetime.datetime(2020, 6, 2, tzinfo=datetime.UTC), verification_note="合格"
        )
    hazard = HazardFactory(
        status=status, level="major" if step == "sign_off" else "general", responsible_unit=unit_a, **extra
    )
    user = leo if step == "sign_off" else admin_user
    before = hazard.transitions.count()
    if status in LEGAL_FROM[step]:
        STEPS[step](user, hazard)
        assert hazard.transitions.count() == before + 1
    else:
        with pytest.raises(IllegalTransition, match="cannot take the step"):
            STEPS[step](user, hazard)
        hazard.refresh_from_db()
        assert hazard.status == status
        assert hazard.transitions.count() == before


def test_status_cannot_be_changed_through_update(hazard_a, alice):
    with pytest.raises(ValueError):
        services.hazard_update(user=alice, hazard=hazard_a, status=S.CLOSED)


# Who may take which step ------------------------------------------------------------------------------------


def test_only_the_responsible_unit_starts_and_reports(hazard_a, eve, bob, leo, carol):
    for outsider in (eve, bob, leo):
        with pytest.raises(PermissionDenied):
            services.hazard_start_rectification(user=outsider, hazard=hazard_a)
    services.hazard_start_rectification(user=carol, hazard=hazard_a)  # the unit's head may, too
    for outsider in (eve, bob, leo):
        with pytest.raises(PermissionDenied):
            services.hazard_report_rectification(user=outsider, hazard=hazard_a, note="完成")
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.RECTIFYING


def test_four_eyes_the_reporter_never_verifies(hazard_a, carol, alice):
    hazard = to_verifying(hazard_a, carol)  # the unit head reports herself
    with pytest.raises(FourEyesViolation, match="cannot verify"):
        services.hazard_verify(user=carol, hazard=hazard, passed=True, note="合格", photos=[png_upload()])
    with pytest.raises(FourEyesViolation):
        services.hazard_verify(user=carol, hazard=hazard, passed=False, note="不合格")
    hazard.refresh_from_db()
    assert hazard.status == S.VERIFYING


def test_four_eyes_applies_to_administrators(hazard_a, admin_user, dave):
    hazard = to_verifying(hazard_a, admin_user)
    with pytest.raises(FourEyesViolation):
        services.hazard_verify(user=admin_user, hazard=hazard, passed=True, note="合格", photos=[png_upload()])
    services.hazard_verify(user=dave, hazard=hazard, passed=True, note="合格", photos=[png_upload()])


def test_who_may_verify(verifying_a, alice, eve, leo, carol, bob, dave, admin_user):
    """Verifiers: the responsible unit's head, the safety unit's members (staff and head), administrators; not the
    unit's other staff, not another unit's staff, not leaders (they sign off)."""
    for refused in (eve, leo):
        with pytest.raises(PermissionDenied):
            services.hazard_verify(user=refused, hazard=verifying_a, passed=False, note="不合格")
    from safety.models import Hazard as H

    for allowed in (carol, bob, dave, admin_user):
        assert H.objects.restrict(allowed, "verify").filter(pk=verifying_a.pk).exists(), allowed
    for refused in (alice, eve, leo):
        assert not H.objects.restrict(refused, "verify").filter(pk=verifying_a.pk).exists(), refused


def test_oversight_follows_the_units_flag_not_its_name(verifying_a, unit_b, unit_c, bob, eve):
    """Clearing 安全应急科's ``supervises_safety`` in the admin site takes bob's oversight away; setting it on
    运输服务科 gives it to eve."""
    from organisation.models import User

    unit_b.supervises_safety = False
    unit_b.save()
    unit_c.supervises_safety = True
    unit_c.save()
    bob, eve = User.objects.get(pk=bob.pk), User.objects.get(pk=eve.pk)
    for action in ("view", "verify"):
        assert not Hazard.objects.restrict(bob, action).filter(pk=verifying_a.pk).exists(), action
        assert Hazard.objects.restrict(eve, action).filter(pk=verifying_a.pk).exists(), action
    with pytest.raises(PermissionDenied):
        services.hazard_verify(user=bob, hazard=verifying_a, passed=False, note="不合格")
    services.hazard_verify(user=eve, hazard=verifying_a, passed=False, note="不合格")


def test_unit_staff_other_than_the_reporter_may_not_verify(hazard_a, carol, alice):
    hazard = to_verifying(hazard_a, carol)
    with pytest.raises(PermissionDenied):
        services.hazard_verify(user=alice, hazard=hazard, passed=False, note="不合格")


# Closing ----------------------------------------------------------------------------------------------------


def test_closing_needs_a_note_and_a_photo(verifying_a, dave):
    with pytest.raises(ValidationError) as error:
        services.hazard_verify(user=dave, hazard=verifying_a, passed=True, note="", photos=[png_upload()])
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.hazard_verify(user=dave, hazard=verifying_a, passed=True, note="合格")
    assert "photos" in error.value.message_dict
    verifying_a.refresh_from_db()
    assert verifying_a.status == S.VERIFYING
    assert not verifying_a.photos.filter(kind=PhotoKind.VERIFICATION).exists()


def test_a_verification_photo_from_a_failed_round_does_not_close_the_next(verifying_a, alice, dave):
    hazard = services.hazard_verify(user=dave, hazard=verifying_a, passed=False, note="不合格", photos=[png_upload()])
    with time_machine.travel(datetime.timedelta(minutes=5)):
        hazard = services.hazard_report_rectification(user=alice, hazard=hazard, note="再次整改完成")
        with pytest.raises(ValidationError, match="verification photo"):
            services.hazard_verify(user=dave, hazard=hazard, passed=True, note="合格")


def test_major_hazard_needs_a_leaders_sign_off(major_a, alice, dave, leo, carol, admin_user):
    hazard = to_verifying(major_a, alice)
    with pytest.raises(IllegalTransition, match="sign-off"):
        services.hazard_verify(user=dave, hazard=hazard, passed=True, note="合格", photos=[png_upload()])
    for not_leader in (carol, dave, admin_user):
        with pytest.raises(PermissionDenied):
            services.hazard_sign_off(user=not_leader, hazard=hazard)
    hazard = services.hazard_sign_off(user=leo, hazard=hazard, note="同意验收。")
    assert hazard.status == S.VERIFYING and hazard.signed_off_by == leo
    assert hazard.transitions.last().action == HazardAction.SIGN_OFF
    with pytest.raises(IllegalTransition, match="already signed off"):
        services.hazard_sign_off(user=leo, hazard=hazard)
    hazard = services.hazard_verify(user=dave, hazard=hazard, passed=True, note="合格", photos=[png_upload()])
    assert hazard.status == S.CLOSED


def test_a_failed_verification_needs_a_new_sign_off(major_a, alice, dave, leo):
    hazard = to_verifying(major_a, alice)
    services.hazard_sign_off(user=leo, hazard=hazard)
    hazard = services.hazard_verify(user=dave, hazard=hazard, passed=False, note="不合格")
    assert hazard.signed_off_by is None
    hazard = services.hazard_report_rectification(user=alice, hazard=hazard, note="再次整改")
    with pytest.raises(IllegalTransition):
        services.hazard_verify(user=dave, hazard=hazard, passed=True, note="合格", photos=[png_upload()])


def test_a_general_hazard_takes_no_sign_off(verifying_a, leo):
    with pytest.raises(IllegalTransition, match="Only major hazards"):
        services.hazard_sign_off(user=leo, hazard=verifying_a)


# Editing ------------------------------------------------------------------------------------------------------


def test_update_register_data_and_refusals(hazard_a, alice, eve, carol, dave):
    hazard = services.hazard_update(user=carol, hazard=hazard_a, measures="新措施", funds=Decimal("3.00"))
    assert (hazard.measures, hazard.funds) == ("新措施", Decimal("3.00"))
    with pytest.raises(PermissionDenied):
        services.hazard_update(user=eve, hazard=hazard_a, measures="x")
    with pytest.raises(ValidationError) as error:
        services.hazard_update(user=carol, hazard=hazard_a, found_on=datetime.date(2021, 1, 1))
    assert "found_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.hazard_update(user=carol, hazard=hazard_a, deadline=datetime.date(2020, 1, 1))
    # The registrant edits only while it awaits rectification; a closed hazard is closed to everyone.
    services.hazard_start_rectification(user=carol, hazard=hazard_a)
    hazard_a.refresh_from_db()
    assert (
        not Hazard.objects.restrict(alice, "change")
        .exclude(responsible_unit=alice.unit)
        .filter(pk=hazard_a.pk)
        .exists()
    )
    hazard = services.hazard_report_rectification(user=alice, hazard=hazard_a, note="完成")
    services.hazard_verify(user=dave, hazard=hazard, passed=True, note="合格", photos=[png_upload()])
    with pytest.raises(PermissionDenied):
        services.hazard_update(user=carol, hazard=hazard_a, measures="改")


# Overdue and constraints --------------------------------------------------------------------------------------


def test_overdue_is_derived_from_the_deadline_in_shanghai(unit_a):
    due = HazardFactory(responsible_unit=unit_a, deadline=datetime.date(2020, 6, 30))
    # 2020-06-30 23:30 in Shanghai is 15:30 UTC: the deadline day itself is not overdue yet.
    with time_machine.travel(datetime.datetime(2020, 6, 30, 15, 30, tzinfo=datetime.UTC), tick=False):
        assert not Hazard.objects.overdue().filter(pk=due.pk).exists()
        assert not due.is_overdue
    # 16:30 UTC is already 1 July in Shanghai.
    with time_machine.travel(datetime.datetime(2020, 6, 30, 16, 30, tzinfo=datetime.UTC), tick=False):
        assert Hazard.objects.overdue().filter(pk=due.pk).exists()
        assert Hazard.objects.with_overdue().get(pk=due.pk).overdue
        assert due.is_overdue
    Hazard.objects.filter(pk=due.pk).update(status=S.RECTIFYING)
    with time_machine.travel(datetime.datetime(2020, 7, 5, tzinfo=datetime.UTC), tick=False):
        assert Hazard.objects.overdue().filter(pk=due.pk).exists()
    assert not any(field.name == "overdue" for field in Hazard._meta.fields)  # never stored


def test_a_closed_hazard_is_not_overdue(verifying_a, dave):
    hazard = services.hazard_verify(user=dave, hazard=verifying_a, passed=True, note="合格", photos=[png_upload()])
    with time_machine.travel(datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)):
        assert not Hazard.objects.overdue().filter(pk=hazard.pk).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"deadline": datetime.date(2020, 5, 1)},
        {"funds": Decimal("-0.01")},
        {"status": S.CLOSED},  # closed without verification
        {"status": S.VERIFYING},  # awaiting verification without a reported rectification
        {"code": ""},
    ],
)
def test_database_constraints(hazard_a, changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hazard.objects.filter(pk=hazard_a.pk).update(**changes)


def test_database_refuses_closing_by_the_reporter(verifying_a, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hazard.objects.filter(pk=verifying_a.pk).update(
            status=S.CLOSED, closed_by=alice, closed_at=verifying_a.rectification_reported_at, verification_note="x"
        )
