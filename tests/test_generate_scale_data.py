"""``manage.py generate_scale_data``: counts per county, valid rows, unique codes and plates, a second batch, --clear
removing exactly the scale rows (the demo data untouched) and the hazard code counter moved on."""

import io

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from enterprises.models import Enterprise, Vehicle
from enterprises.scale import CREDIT_CODE_MARK, PLATE_MARK, scale_credit_code, scale_plate
from enterprises.validators import validate_credit_code, validate_plate
from organisation.models import Unit, User
from organisation.scale import SCALE_MARK, last_county_index
from plans.models import KeyTask, Measure
from projects.models import Milestone, MonthlyProgress, Project
from safety import services
from safety.choices import HazardAction, HazardLevel, HazardStatus
from safety.models import Hazard, HazardCodeCounter, HazardTransition, hazard_code
from tests.safety.factories import register_fields

pytestmark = pytest.mark.django_db
FACTOR = 0.02  # per county: 100 hazards, 6 projects, 2 measures, 40 vehicles, 2 enterprises


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_scale_data", per_county_factor=FACTOR, stdout=out, **options)
    return out.getvalue()


def scale_counts() -> dict[str, int]:
    return {
        "hazards": Hazard.objects.filter(location__startswith=SCALE_MARK).count(),
        "projects": Project.objects.filter(name__startswith=SCALE_MARK).count(),
        "measures": Measure.objects.filter(title__startswith=SCALE_MARK).count(),
        "key tasks": KeyTask.objects.filter(title__startswith=SCALE_MARK).count(),
        "vehicles": Vehicle.objects.filter(plate__startswith=PLATE_MARK).count(),
        "enterprises": Enterprise.objects.filter(credit_code__startswith=CREDIT_CODE_MARK).count(),
        "units": Unit.objects.filter(name__startswith=SCALE_MARK).count(),
        "users": User.objects.filter(username__startswith="scale").count(),
    }


def all_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_one_county_follows_the_per_county_ratios():
    output = generate(counties=1)
    assert scale_counts() == {
        "hazards": 100,
        "projects": 6,
        "measures": 2,
        "key tasks": 5,
        "vehicles": 40,
        "enterprises": 2,
        "units": 3,
        "users": 13,
    }
    assert "规模县001" in output and "Done in" in output
    assert Milestone.objects.filter(project__name__startswith=SCALE_MARK).count() == 6 * 3
    assert MonthlyProgress.objects.filter(project__name__startswith=SCALE_MARK).exists()
    assert not LogEntry.objects.exists()  # synthetic data is not a user's write
    assert not Hazard.objects.filter(is_demo=True).exists()


def test_every_sampled_row_passes_full_clean():
    generate(counties=1)
    for model in (Unit, User, KeyTask, Measure, Project, Milestone, MonthlyProgress, Enterprise, Vehicle, Hazard):
        for row in model.objects.order_by("?")[:15]:
            row.full_clean()
    for transition in HazardTransition.objects.order_by("?")[:30]:
        transition.full_clean()
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
    for plate in Vehicle.objects.values_list("plate", flat=True):
        validate_plate(plate)
    assert not User.objects.filter(username__startswith="scale").exclude(password__startswith="!").exists()


def test_hazard_transitions_agree_with_each_status():
    generate(counties=1)
    hazards = Hazard.objects.prefetch_related("transitions")
    assert {hazard.status for hazard in hazards} == set(HazardStatus.values)
    for hazard in hazards:
        steps = sorted(hazard.transitions.all(), key=lambda step: (step.at, step.pk))
        status = HazardStatus.PENDING
        for step in steps:
            assert step.from_status == status
            status = step.to_status
        assert status == hazard.status
        actions = [step.action for step in steps]
        if hazard.status == HazardStatus.CLOSED:
            assert hazard.closed_by_id != hazard.rectification_reported_by_id
            assert actions[-1] == HazardAction.PASS
            if hazard.level == HazardLevel.MAJOR:
                assert hazard.signed_off_by.is_leader
        if hazard.signed_off_by_id:
            assert actions[-1] in (HazardAction.SIGN_OFF, HazardAction.PASS)


def test_codes_and_plates_are_unique_and_in_their_reserved_ranges():
    generate(counties=2)
    codes = list(Hazard.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 200
    assert sorted(codes) == sorted(hazard_code(2020, number) for number in range(1, 201))
    plates = list(Vehicle.objects.values_list("plate", flat=True))
    assert len(set(plates)) == 80
    # The reserved ranges hold a province's worth: distinct across 999 counties × 2,000 vehicles.
    assert len({scale_plate(county, number) for county in (1, 500, 999) for number in range(2000)}) == 6000
    assert scale_plate(999, 39303).startswith(PLATE_MARK)
    validate_plate(scale_plate(999, 39303))
    validate_credit_code(scale_credit_code(999, 9999))


def test_registration_after_generation_continues_the_year_codes():
    generate(counties=1, year=2020)
    assert HazardCodeCounter.objects.get(year=2020).last_number == 100
    responsible = Unit.objects.filter(name__startswith=SCALE_MARK).first()
    registrar = User.objects.filter(unit=responsible).first()
    hazard = services.hazard_register(user=registrar, **register_fields(responsible_unit=responsible))
    assert hazard.code == "YH-2020-0101"


def test_a_second_run_adds_another_batch_without_clashes():
    generate(counties=1)
    output = generate(counties=1)
    assert "规模县002" in output and last_county_index() == 2
    assert scale_counts()["hazards"] == 200 and scale_counts()["units"] == 6
    assert Hazard.objects.filter(location__startswith="规模县002").count() == 100


def test_the_same_seed_gives_the_same_data():
    generate(counties=1, seed=7)
    first = sorted(Hazard.objects.values_list("location", "status", "found_on"))
    generate(counties=1, seed=7, clear=True)
    assert sorted(Hazard.objects.values_list("location", "status", "found_on")) == first


def test_clear_removes_exactly_the_scale_rows_and_leaves_the_demo():
    call_command("load_demo_data", stdout=io.StringIO())
    before = all_counts()
    generate(counties=2)
    assert all_counts() != before
    output = generate(counties=0, clear=True)
    after = all_counts()
    after.pop("safety.HazardCodeCounter"), before.pop("safety.HazardCodeCounter")
    assert after == before
    assert set(scale_counts().values()) == {0}
    assert "Removed the scale data" in output
    # The counter is not moved back: codes once given out are not given again.
    assert HazardCodeCounter.objects.get(year=2020).last_number >= 200


def test_refuses_more_counties_than_the_reserved_ranges_hold():
    with pytest.raises(CommandError):
        call_command("generate_scale_data", counties=1000, stdout=io.StringIO())
