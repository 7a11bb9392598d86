"""Bringing an existing hazard ledger in: the statuses it records are kept as a recorded step naming the ledger
(its file kept), the reporter it names is kept by name; only administrators and the safety-supervising unit may
do it, and the normal import still cannot move a status."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.imports.runner import run_import
from core.imports.views import SESSION_KEY
from safety import services
from safety.choices import HazardAction, HazardStatus
from safety.models import Hazard, HazardLedger
from safety.resources import HazardLedgerResource, HazardResource

pytestmark = pytest.mark.django_db

HEADERS = [
    "排查时间",
    "所属领域",
    "隐患等级",
    "隐患来源",
    "乡镇",
    "隐患地点",
    "隐患名称",
    "责任单位",
    "整改时限",
    "填报人",
    "整改状态",
]


def row(location: str, status: str, level="General", reporter="王五") -> list:
    return [
        "2020-04-01",
        "Road transport",
        level,
        "Found in inspection",
        "淮川街道",
        location,
        "护栏缺失。",
        "规划建设科",
        "2020-05-01",
        reporter,
        str(status),
    ]


def ledger(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2019年度隐患排查台账"])
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


ROWS = [
    row("白沙路", HazardStatus.CLOSED.label),
    row("金阳大道", HazardStatus.RECTIFYING.label),
    row("人民路", ""),
    row("浏阳大桥", HazardStatus.CLOSED.label, level="Major"),
]


def test_a_ledger_keeps_its_statuses_as_a_recorded_step_and_its_file(login, bob, unit_a, tmp_media, settings):
    settings.IMPORT_BATCH_SIZE = 3  # the rows are written in two batches: still one ledger, one step each
    data = ledger(ROWS)
    client = login(bob)
    response = client.post(reverse("safety:ledger_import"), {"file": SimpleUploadedFile("2019台账.xlsx", data)})
    outcome = response.context["outcome"]
    assert outcome.ok, [str(issue) for issue in outcome.issues]
    assert outcome.new == 4 and not Hazard.objects.exists() and not HazardLedger.objects.exists()
    pending = client.session[SESSION_KEY]["safety.hazard_ledger"]
    response = client.post(reverse("safety:ledger_import_confirm"), {"token": pending["token"]})
    assert response.status_code == 302

    ledger_record = HazardLedger.objects.get()
    assert ledger_record.original_name == "2019台账.xlsx" and ledger_record.uploaded_by == bob
    with ledger_record.file.open("rb") as kept:
        assert kept.read() == data
    hazards = {hazard.location: hazard for hazard in Hazard.objects.all()}
    assert {location: hazard.status for location, hazard in hazards.items()} == {
        "白沙路": HazardStatus.CLOSED,
        "金阳大道": HazardStatus.RECTIFYING,
        "人民路": HazardStatus.PENDING,
        "浏阳大桥": HazardStatus.CLOSED,
    }
    assert {hazard.ledger_id for hazard in hazards.values()} == {ledger_record.pk}
    assert {hazard.reported_by_name for hazard in hazards.values()} == {"王五"}
    assert hazards["浏阳大桥"].ever_major  # major, closed before the portal: the ledger says so
    for hazard in hazards.values():
        (step,) = hazard.transitions.all()
        assert (step.action, step.from_status, step.to_status, step.by) == (
            HazardAction.IMPORT,
            HazardStatus.PENDING,
            hazard.status,
            bob,
        )
        assert "2019台账.xlsx" in step.note and str(bob) in step.note
    overdue = dict(Hazard.objects.with_overdue().values_list("location", "overdue"))
    assert overdue["白沙路"] is False and overdue["浏阳大桥"] is False  # closed ones are not overdue
    assert overdue["金阳大道"] is True  # its 2020 deadline has passed


def test_the_dry_run_keeps_no_ledger_and_no_file(bob, unit_a, tmp_media):
    outcome = run_import(
        resource=HazardLedgerResource(user=bob), data=ledger(ROWS), fmt="xlsx", user=bob, dry_run=True, name="x.xlsx"
    )
    assert outcome.ok and not HazardLedger.objects.exists() and not Hazard.objects.exists()
    assert not [path for path in tmp_media.rglob("*") if path.is_file()]


def test_only_administrators_and_the_safety_supervising_unit_bring_a_ledger_in(login, alice, bob, unit_a, tmp_media):
    assert login(alice).get(reverse("safety:ledger_import")).status_code == 403
    response = login(alice).post(reverse("safety:ledger_import"), {"file": SimpleUploadedFile("x.xlsx", ledger(ROWS))})
    assert response.status_code == 403 and not Hazard.objects.exists()
    outcome = run_import(
        resource=HazardLedgerResource(user=alice), data=ledger(ROWS), fmt="xlsx", user=alice, dry_run=False
    )
    assert not outcome.ok and not Hazard.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.ledger_start(alice, name="x.xlsx", data=b"", keep_file=False)
    assert login(bob).get(reverse("safety:ledger_import")).status_code == 200


def test_the_normal_import_still_cannot_move_a_status(alice, tmp_media):
    outcome = run_import(
        resource=HazardResource(user=alice), data=ledger(ROWS[:1]), fmt="xlsx", user=alice, dry_run=False
    )
    assert outcome.ok, [str(issue) for issue in outcome.issues]
    hazard = Hazard.objects.get()
    assert hazard.status == HazardStatus.PENDING and hazard.ledger is None and not hazard.transitions.exists()


def test_a_ledger_row_cannot_move_the_status_of_a_hazard_in_the_portal(bob, unit_a, tmp_media):
    run_import(resource=HazardLedgerResource(user=bob), data=ledger(ROWS[1:2]), fmt="xlsx", user=bob, dry_run=False)
    hazard = Hazard.objects.get()
    rows = [["隐患编号", *HEADERS], [hazard.code, *row("金阳大道", HazardStatus.CLOSED.label)]]
    book = openpyxl.Workbook()
    for values in rows:
        book.active.append(values)
    stream = io.BytesIO()
    book.save(stream)
    outcome = run_import(
        resource=HazardLedgerResource(user=bob), data=stream.getvalue(), fmt="xlsx", user=bob, dry_run=False
    )
    assert not outcome.ok
    column = HazardLedgerResource().fields["status"].column_name
    assert [(issue.row, issue.column) for issue in outcome.issues] == [(2, column)]
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
