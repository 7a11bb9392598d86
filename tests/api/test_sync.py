"""Mirroring without full pulls: after creating, changing and deleting objects between two pulls, a client that
pulls ``updated_since`` and the tombstones since its last pull holds exactly what a full pull gives. Every write
path moves ``updated_at``: services, many-to-many links, nested parts, the import fast path (bulk writes)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.utils import timezone, translation

from api.resources import MIRRORED
from emergency.models import DutyAssignment
from plans.models import Checkpoint, Measure
from projects import services as project_services
from projects.models import Milestone, Project
from safety import services as safety_services
from safety.models import Hazard
from tests.factories import UnitFactory
from tests.safety.factories import register_fields

from .conftest import populate, pull

pytestmark = pytest.mark.django_db


def full(client) -> dict:
    return {name: {row["id"]: row for row in pull(client, f"/api/v1/{name}/")} for name in MIRRORED}


def moment(value: datetime.datetime) -> str:
    return value.isoformat()


def sync(client, mirror: dict, since: datetime.datetime) -> None:
    for name in MIRRORED:
        for row in pull(client, f"/api/v1/{name}/", updated_since=moment(since)):
            mirror[name][row["id"]] = row
    for tombstone in pull(client, "/api/v1/deletions/", since=moment(since)):
        mirror[tombstone["resource"]].pop(tombstone["object_id"], None)


def test_a_mirror_kept_by_incremental_pulls_equals_the_source(province, alice, carol, admin_user, unit_a, leo):
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        populate(3, unit_a, alice)
        hazard = safety_services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
        mirror = full(province)
    since = start + datetime.timedelta(minutes=5)
    with time_machine.travel(since + datetime.timedelta(seconds=1), tick=True):
        # Create, change (through services, links and nested parts) and delete.
        new_hazard = safety_services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
        safety_services.hazard_start_rectification(user=carol, hazard=hazard)
        measure = Measure.objects.first()
        measure.cooperating_units.add(UnitFactory(name="运输服务科"))
        project = Project.objects.first()
        project_services.project_set_funding_rows(project, {"city": Decimal("1.25"), "provincial": Decimal("3")})
        project.listings.all().delete()
        Checkpoint.objects.first().delete()
        Milestone.objects.first().delete()
        DutyAssignment.objects.first().delete()
        unit_a.short_name = "规建"
        unit_a.save()
        sync(province, mirror, since)
    assert mirror == full(province)
    assert new_hazard.pk in mirror["hazards"]
    assert mirror["hazards"][hazard.pk]["status"]["code"] == "rectifying"
    assert len(mirror["hazard-transitions"]) == 4  # three populated, one by the service


def test_the_boundary_is_inclusive(province, alice, unit_a):
    hazard = safety_services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    rows = province.get("/api/v1/hazards/", {"updated_since": moment(hazard.updated_at)}).json()["results"]
    assert [row["id"] for row in rows] == [hazard.pk]
    later = hazard.updated_at + datetime.timedelta(microseconds=1)
    assert province.get("/api/v1/hazards/", {"updated_since": moment(later)}).json()["results"] == []


def test_pages_are_stable_when_many_rows_share_a_change_time(province, alice, unit_a):
    from tests.safety.factories import HazardFactory

    hazards = [HazardFactory(responsible_unit=unit_a, found_by=alice) for _ in range(7)]
    same = timezone.now()
    Hazard.objects.update(updated_at=same)
    rows = pull(province, "/api/v1/hazards/", page_size=2)
    assert [row["id"] for row in rows] == sorted(hazard.pk for hazard in hazards)


def test_a_cursor_inside_a_group_of_one_change_time_goes_on_into_the_next(province, alice, unit_a):
    from tests.safety.factories import HazardFactory

    hazards = [HazardFactory(responsible_unit=unit_a, found_by=alice) for _ in range(7)]
    earlier, later = timezone.now(), timezone.now() + datetime.timedelta(seconds=1)
    Hazard.objects.filter(pk__in=[hazard.pk for hazard in hazards[:3]]).update(updated_at=later)
    Hazard.objects.filter(pk__in=[hazard.pk for hazard in hazards[3:]]).update(updated_at=earlier)
    rows = pull(province, "/api/v1/hazards/", page_size=3)  # pages end inside both groups
    expected = sorted(hazard.pk for hazard in hazards[3:]) + sorted(hazard.pk for hazard in hazards[:3])
    assert [row["id"] for row in rows] == expected


def test_a_transition_through_the_service_moves_the_hazard(alice, carol, unit_a):
    hazard = safety_services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    before = hazard.updated_at
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        safety_services.hazard_start_rectification(user=carol, hazard=hazard)
    hazard.refresh_from_db()
    assert hazard.updated_at > before
    assert hazard.transitions.get().updated_at > before


def test_the_import_fast_path_moves_updated_at(alice, unit_a):
    """Hazards import on the fast path (bulk inserts — COPY on PostgreSQL — and bulk_update)."""
    from tests.safety.test_import import export_rows, good_row, header, run, workbook

    with translation.override("en"):
        outcome = run(alice, workbook([good_row(), good_row(location="沙市镇")]))
        assert outcome.ok
        created = {hazard.pk: hazard.updated_at for hazard in Hazard.objects.all()}
        assert all(created.values())
        later = timezone.now() + datetime.timedelta(minutes=3)
        with time_machine.travel(later, tick=False):
            rows = export_rows(alice)
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(list(rows[0]))
            for row in rows:
                row[header("measures")] = "新的整改措施"
                sheet.append(list(row.values()))
            stream = io.BytesIO()
            book.save(stream)
            outcome = run(alice, stream.getvalue())
            assert outcome.ok and outcome.updated == 2
    for hazard in Hazard.objects.all():
        assert hazard.measures == "新的整改措施"
        assert hazard.updated_at == later


def test_link_and_nested_changes_move_the_parent(alice, unit_a):
    populate(1, unit_a, alice)
    project, measure = Project.objects.get(), Measure.objects.get()
    later = timezone.now() + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        project.townships.clear()
    project.refresh_from_db()
    assert project.updated_at == later
    later += datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        unit_a.cooperating_measures.clear()  # the reverse side of Measure.cooperating_units
    measure.refresh_from_db()
    assert measure.updated_at == later
    later += datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        project.funding_sources.first().delete()
    project.refresh_from_db()
    assert project.updated_at == later


def test_deleting_records_a_tombstone(province, alice, unit_a):
    populate(1, unit_a, alice)
    checkpoint = Checkpoint.objects.get()
    pk = checkpoint.pk
    checkpoint.delete()
    rows = province.get("/api/v1/deletions/", {"resource": "checkpoints"}).json()["results"]
    assert [(row["resource"], row["object_id"]) for row in rows] == [("checkpoints", pk)]
