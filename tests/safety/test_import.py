"""Import and export of the hazard register: good and broken workbooks, codes for new rows, the status left to the
workflow, permissions by row and by page, and lookups made once per import."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.imports.runner import run_import
from core.imports.views import SESSION_KEY, export_response
from safety import services
from safety.choices import HazardStatus
from safety.models import Hazard, HazardCodeCounter
from safety.resources import HazardResource
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory

from .factories import register_fields

pytestmark = pytest.mark.django_db


def header(name: str) -> str:
    return HazardResource().fields[name].column_name


def workbook(rows: list[dict], headers: list[str] | None = None) -> bytes:
    """An xlsx with the given rows (dicts by field name); headers default to every field of the resource."""
    names = headers or list(HazardResource.Meta.fields)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([header(name) for name in names])
    for row in rows:
        sheet.append([row.get(name) for name in names])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def good_row(**overrides) -> dict:
    row = {
        "field": "Road transport",
        "level": "General",
        "source": "Found in inspection",
        "township": "淮川街道",
        "location": "淮川街道白沙路",
        "description": "护栏缺失。",
        "found_on": "2020-04-01",
        "responsible_unit": "规划建设科",
        "responsible_person": "张三",
        "measures": "补设护栏",
        "funds": 1.5,
        "deadline": "2020/5/1",
        "contingency_plan": "设置警示",
    }
    row.update(overrides)
    return row


def run(user, data: bytes, dry_run=False):
    return run_import(resource=HazardResource(user=user), data=data, fmt="xlsx", user=user, dry_run=dry_run)


def issues(outcome) -> list[tuple]:
    return [(issue.row, issue.column, issue.message) for issue in outcome.issues]


def export_rows(user, queryset=None) -> list[dict]:
    queryset = Hazard.objects.restrict(user) if queryset is None else queryset
    response = export_response(resource=HazardResource(user=user), queryset=queryset, fmt="xlsx", filename="h")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_good_workbook_creates_hazards_with_codes(alice, unit_a, huaichuan):
    enterprise = EnterpriseFactory(name="浏阳市汽车运输有限公司")
    vehicle = VehicleFactory(enterprise=enterprise, plate="湘A12345")
    rows = [
        good_row(),
        good_row(
            level="Major", field="highways_bridges", enterprise=enterprise.name, vehicle=vehicle.plate, funds=None
        ),
        good_row(found_on=datetime.datetime(2021, 3, 1), deadline=datetime.datetime(2021, 4, 1)),
    ]
    outcome = run(alice, workbook(rows))
    assert outcome.ok, issues(outcome)
    assert outcome.new == 3
    codes = dict(Hazard.objects.values_list("code", "level"))
    assert codes == {"YH-2020-0001": "general", "YH-2020-0002": "major", "YH-2021-0001": "general"}
    second = Hazard.objects.get(code="YH-2020-0002")
    assert (second.enterprise, second.vehicle, second.funds, second.field) == (
        enterprise,
        vehicle,
        Decimal("0.00"),
        "highways_bridges",
    )
    assert all(h.found_by == alice and h.status == HazardStatus.PENDING for h in Hazard.objects.all())
    assert dict(HazardCodeCounter.objects.values_list("year", "last_number")) == {2020: 2, 2021: 1}
    # Codes continue after the import, gap-free.
    assert services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a)).code == "YH-2020-0003"


def test_a_preview_takes_no_codes(alice):
    outcome = run(alice, workbook([good_row()]), dry_run=True)
    assert outcome.ok and outcome.new == 1
    assert not Hazard.objects.exists()
    assert not HazardCodeCounter.objects.filter(last_number__gt=0).exists()


def test_broken_workbook_names_row_and_column_and_writes_nothing(alice, unit_a):
    existing = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    rows = [
        good_row(),  # row 2: fine
        good_row(field="航空运输"),  # row 3
        good_row(level="特大"),  # row 4
        good_row(township="火星镇"),  # row 5
        good_row(responsible_unit="不存在的科室"),  # row 6
        good_row(enterprise="不存在的公司"),  # row 7
        good_row(deadline="2020-03-01"),  # row 8: before found on 2020-04-01
        good_row(funds=-2),  # row 9
        good_row(code="YH-2020-9999"),  # row 10
        good_row(found_on="2020-13-45"),  # row 11
    ]
    outcome = run(alice, workbook(rows))
    assert not outcome.ok
    found = {(row, column) for row, column, _message in issues(outcome)}
    assert found == {
        (3, header("field")),
        (4, header("level")),
        (5, header("township")),
        (6, header("responsible_unit")),
        (7, header("enterprise")),
        (8, header("deadline")),
        (9, header("funds")),
        (10, header("code")),
        (11, header("found_on")),
    }
    messages = {row: message for row, _column, message in issues(outcome)}
    assert "Unknown value “航空运输”" in messages[3]
    assert "火星镇" in messages[5]
    assert "before the date" in messages[8]
    assert "negative" in messages[9]
    assert "There is no hazard YH-2020-9999" in messages[10]
    assert list(Hazard.objects.values_list("code", flat=True)) == [existing.code]  # nothing written
    assert HazardCodeCounter.objects.get(year=2020).last_number == 1


def test_export_imports_back_unchanged_and_status_is_reference_only(alice, unit_a, dave):
    hazard = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a, description="=危险描述"))
    rows = export_rows(alice)
    assert rows[0][header("code")] == hazard.code
    assert rows[0][header("status")] == str(HazardStatus.PENDING.label)
    assert rows[0][header("description")] == "'=危险描述"  # formula neutralised
    assert rows[0][header("overdue")] == "Yes"
    book = openpyxl.Workbook()
    sheet = book.active
    headers = list(rows[0])
    sheet.append(headers)
    sheet.append([rows[0][h] for h in headers])
    stream = io.BytesIO()
    book.save(stream)
    outcome = run(alice, stream.getvalue())
    assert outcome.ok and outcome.unchanged == 1

    # Writing 已销号 in the status column does not close the hazard; the other changes are imported.
    sheet.cell(row=2, column=headers.index(header("status")) + 1, value="Closed")
    sheet.cell(row=2, column=headers.index(header("measures")) + 1, value="新的整改措施")
    stream = io.BytesIO()
    book.save(stream)
    outcome = run(alice, stream.getvalue())
    assert outcome.ok and outcome.updated == 1, issues(outcome)
    hazard.refresh_from_db()
    assert (hazard.status, hazard.measures) == (HazardStatus.PENDING, "新的整改措施")


def test_import_refuses_changes_to_hazards_the_user_may_see_but_not_change(alice, unit_a, leo):
    hazard = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    row = good_row(code=hazard.code, measures="别人改的")
    outcome = run(leo, workbook([row]))  # leaders read every hazard, they do not write
    assert issues(outcome) == [(2, "", f"You may not change hazard {hazard.code}.")]
    hazard.refresh_from_db()
    assert hazard.measures != "别人改的"


def preview(outcome) -> list:
    """Everything a preview shows, row by row (what an importing user can read off it)."""
    rows = [(row.row, row.kind, row.label, row.changed, [str(issue) for issue in row.issues]) for row in outcome.rows]
    return [outcome.ok, outcome.total, outcome.ignored_columns, [str(i) for i in outcome.file_issues], rows]


@pytest.mark.parametrize("level", ["General", "Major"])
def test_a_hazard_the_user_may_not_see_previews_exactly_like_one_that_does_not_exist(alice, eve, dave, unit_a, level):
    """The oracle: eve (another unit) must learn nothing about unit A's hazards from guessing their values."""
    from .conftest import to_verifying
    from .factories import png_upload

    hidden = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    closed = to_verifying(services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a)), alice)
    services.hazard_verify(user=dave, hazard=closed, passed=True, note="合格", photos=[png_upload()])
    missing = "YH-2020-0999"
    assert not Hazard.objects.filter(code=missing).exists()
    for code in (hidden.code, closed.code):
        seen = preview(run(eve, workbook([{"code": code, "level": level}], ["code", "level"]), dry_run=True))
        unseen = preview(run(eve, workbook([{"code": missing, "level": level}], ["code", "level"]), dry_run=True))
        assert repr(seen).replace(code, missing) == repr(unseen)


def test_an_import_cannot_make_a_major_hazard_general(alice, unit_a):
    hazard = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a, level="major"))
    outcome = run(alice, workbook([good_row(code=hazard.code, level="General")]))
    assert [(row, column) for row, column, _m in issues(outcome)] == [(2, header("level"))]
    hazard.refresh_from_db()
    assert hazard.level == "major"


def test_import_cannot_change_a_closed_hazard(alice, unit_a, dave):
    from .conftest import to_verifying
    from .factories import png_upload

    hazard = to_verifying(services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a)), alice)
    services.hazard_verify(user=dave, hazard=hazard, passed=True, note="合格", photos=[png_upload()])
    outcome = run(alice, workbook([good_row(code=hazard.code, measures="改")]))
    assert issues(outcome) == [(2, "", f"Hazard {hazard.code} is closed; it can no longer be changed.")]


def test_import_refuses_moving_a_hazard_to_another_year(alice, unit_a):
    hazard = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    outcome = run(alice, workbook([good_row(code=hazard.code, found_on="2021-01-05", deadline="2021-02-01")]))
    assert [(row, column) for row, column, _m in issues(outcome)] == [(2, header("found_on"))]


def test_duplicate_codes_in_a_file(alice, unit_a):
    hazard = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    outcome = run(alice, workbook([good_row(code=hazard.code), good_row(code=hazard.code)]))
    assert [(row, column) for row, column, _m in issues(outcome)] == [(3, header("code"))]


def test_lookups_are_made_once_per_import_not_per_row(alice, unit_a):
    EnterpriseFactory(name="浏阳市汽车运输有限公司")

    def count(rows: int) -> int:
        data = workbook([good_row(enterprise="浏阳市汽车运输有限公司") for _ in range(rows)])
        with CaptureQueriesContext(connection) as captured:
            outcome = run(alice, data, dry_run=True)
        assert outcome.ok, issues(outcome)
        # writes (one insert per new row, with its savepoint and audit entry) aside, reads must not grow
        return sum(1 for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))

    assert count(3) == count(9)


@pytest.mark.parametrize("batch_size", [1000, 2])
def test_bulk_path_assigns_codes(alice, settings, batch_size):
    """The fast path of core/imports (``bulk = True``) gives new hazards their codes in ``before_bulk_write``, in
    the file's order, also when the rows are written in several batches (each counting on from the last)."""
    settings.IMPORT_BATCH_SIZE = batch_size

    class BulkHazardResource(HazardResource):
        bulk = True

    later = {"found_on": "2021-01-02", "deadline": "2021-02-01"}
    rows = [good_row(location="一"), good_row(location="二", **later), good_row(location="三"), good_row(location="四")]
    outcome = run_import(
        resource=BulkHazardResource(user=alice), data=workbook(rows), fmt="xlsx", user=alice, dry_run=False
    )
    assert outcome.ok, issues(outcome)
    assert dict(Hazard.objects.values_list("location", "code")) == {
        "一": "YH-2020-0001",
        "二": "YH-2021-0001",
        "三": "YH-2020-0002",
        "四": "YH-2020-0003",
    }
    assert dict(HazardCodeCounter.objects.values_list("year", "last_number")) == {2020: 3, 2021: 1}


# The pages ----------------------------------------------------------------------------------------------------


def test_upload_preview_confirm(login, alice, media):
    client = login(alice)
    assert client.get(reverse("safety:hazard_import")).status_code == 200
    response = client.post(
        reverse("safety:hazard_import"), {"file": SimpleUploadedFile("hazards.xlsx", workbook([good_row()]))}
    )
    assert response.status_code == 200 and response.context["outcome"].new == 1
    assert not Hazard.objects.exists()
    pending = client.session[SESSION_KEY]["safety.hazard"]
    response = client.post(reverse("safety:hazard_import_confirm"), {"token": pending["token"]})
    assert response.status_code == 302 and response.url == reverse("safety:hazard_list")
    assert Hazard.objects.get().code == "YH-2020-0001"


def test_a_broken_file_offers_no_confirmation(login, alice, media):
    client = login(alice)
    response = client.post(
        reverse("safety:hazard_import"),
        {"file": SimpleUploadedFile("hazards.xlsx", workbook([good_row(level="特大")]))},
    )
    assert b'id="import-confirm"' not in response.content
    assert "特大".encode() in response.content
    forced = client.post(reverse("safety:hazard_import_confirm"), {"token": ""})
    assert forced.status_code == 302 and not Hazard.objects.exists()


def test_export_page_exports_only_what_the_user_sees(login, alice, eve, unit_a, unit_c):
    services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    services.hazard_register(user=eve, **register_fields(responsible_unit=unit_c))
    response = login(alice).get(reverse("safety:hazard_export") + "?format=xlsx&year=2020")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["YH-2020-0001"]
    assert login(alice).get(reverse("safety:hazard_export") + "?format=pdf").status_code == 400
