"""The roster's month sheet: export, import back, broken files, refusals."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.imports.runner import run_import
from emergency import services
from emergency.choices import DutyRole
from emergency.models import DutyAssignment
from emergency.resources import DutyAssignmentResource
from tests.emergency.factories import DutyAssignmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keeper", "tmp_media")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: list[list], headers=("Date", "Duty", "Person", "Phone on duty", "Note")) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def do_import(user, data: bytes, dry_run=False):
    return run_import(resource=DutyAssignmentResource(user=user), data=data, fmt="xlsx", user=user, dry_run=dry_run)


def test_the_month_exports_and_imports_back_unchanged(login, bob, leo, alice):
    DutyAssignmentFactory(date=datetime.date.fromisoformat("2020-01-25"), person=leo, role=DutyRole.LEADER)
    DutyAssignmentFactory(date=datetime.date.fromisoformat("2020-01-25"), person=alice, phone="13873100001")
    DutyAssignmentFactory(date=datetime.date.fromisoformat("2020-02-01"), person=alice)
    response = login(bob).get(reverse("emergency:roster_export", args=[2020, 1]) + "?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3  # header and January's two duties
    outcome = do_import(bob, response.content)
    assert outcome.ok and outcome.unchanged == 2 and outcome.new == 0


def test_a_good_sheet_adds_duties(bob, leo, alice, carol):
    data = workbook(
        [
            ["2020-03-01", "Leader on duty", "李局长", "", ""],
            ["2020/3/1", "Staff on duty", "孙爱丽", "13873100009", "夜班"],
            ["2020年3月2日", "Staff on duty", "carol", "", ""],
        ]
    )
    outcome = do_import(bob, data)
    assert outcome.ok and outcome.new == 3
    assert DutyAssignment.objects.get(person=alice).phone == "13873100009"


def test_a_broken_sheet_writes_nothing_and_names_rows_and_columns(bob, leo, alice):
    data = workbook(
        [
            ["2020-03-01", "Staff on duty", "孙爱丽", "", ""],
            ["2020-03-01", "Leader on duty", "孙爱丽", "", ""],  # twice the same day
            ["2020-03-02", "Staff on duty", "无此人", "", ""],  # unknown person
            ["2020-03-33", "Staff on duty", "李局长", "", ""],  # not a date
            ["2020-03-04", "Cook", "李局长", "", ""],  # unknown duty
            ["2020-03-05", "Leader on duty", "李局长", "", ""],
            ["2020-03-05", "Leader on duty", "carol_missing", "", ""],
        ]
    )
    outcome = do_import(bob, data)
    assert not outcome.ok
    text = " ".join(str(issue) for issue in outcome.issues)
    assert "Row 3" in text and "twice" in text
    assert "Row 4" in text and "无此人" in text
    assert "Row 5" in text and "2020-03-33" in text
    assert "Row 6" in text and "Cook" in text
    assert not DutyAssignment.objects.exists()


def test_a_second_leader_on_a_day_is_a_row_error(bob, leo, alice):
    DutyAssignmentFactory(date=datetime.date.fromisoformat("2020-03-05"), person=leo, role=DutyRole.LEADER)
    outcome = do_import(bob, workbook([["2020-03-05", "Leader on duty", "孙爱丽", "", ""]]))
    assert not outcome.ok and "already a leader" in str(outcome.issues[0])
    assert DutyAssignment.objects.count() == 1


def test_alice_may_not_import(login, alice):
    client = login(alice)
    assert client.get(reverse("emergency:roster_import")).status_code == 403
    upload = SimpleUploadedFile("roster.xlsx", workbook([["2020-03-01", "Staff on duty", "孙爱丽", "", ""]]), XLSX)
    assert client.post(reverse("emergency:roster_import"), {"file": upload}).status_code == 403
    outcome = do_import(alice, workbook([["2020-03-01", "Staff on duty", "孙爱丽", "", ""]]))
    with pytest.raises(PermissionDenied) as page:
        services.duty_assign(user=alice, date=datetime.date(2020, 3, 1), role=DutyRole.STAFF, person=alice)
    assert [issue.message for issue in outcome.issues] == [str(page.value)]
    assert not DutyAssignment.objects.exists()


def test_bob_imports_through_the_pages(login, bob, alice):
    client = login(bob)
    assert client.get(reverse("emergency:roster_import")).status_code == 200
    upload = SimpleUploadedFile("roster.xlsx", workbook([["2020-03-01", "Staff on duty", "孙爱丽", "", ""]]), XLSX)
    preview = client.post(reverse("emergency:roster_import"), {"file": upload})
    assert preview.status_code == 200 and not DutyAssignment.objects.exists()
    token = preview.context["token"]
    assert client.post(reverse("emergency:roster_import_confirm"), {"token": token}).status_code == 302
    assert DutyAssignment.objects.get().person == alice
