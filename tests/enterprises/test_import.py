"""Import and export of enterprises and vehicles: round trips, broken workbooks (row errors naming row and column,
nothing written), permissions through the import door, and the pages."""

import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.imports.runner import run_import
from core.imports.views import export_response
from enterprises.models import Enterprise, Vehicle
from enterprises.resources import EnterpriseResource, VehicleResource
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory

pytestmark = pytest.mark.django_db
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD_CODE = "91430181MA4TD6NX4G"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def workbook(headers: list, rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def read(data: bytes) -> tuple[list, list[dict]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    return values[0], [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def run(resource_class, user, data: bytes, dry_run=False):
    return run_import(resource=resource_class(user=user), data=data, fmt="xlsx", user=user, dry_run=dry_run)


E_HEADERS = ["Unified social credit code", "Enterprise name", "Type", "Township", "Credit rating", "Supervising unit"]
V_HEADERS = ["Plate", "Enterprise credit code", "Vehicle class", "Seats", "Tonnage (t)", "Status"]


class TestEnterpriseImport:
    def test_a_good_workbook_creates_enterprises(self, alice, unit_a):
        data = workbook(
            E_HEADERS,
            [
                [GOOD_CODE, "浏阳市新开运输有限公司", "Freight transport", "淮川街道", "AA", ""],
                ["91350100M000100Y43", "浏阳市二号公司", "dangerous_goods", "大瑶镇", None, "规划建设科"],
            ],
        )
        outcome = run(EnterpriseResource, alice, data)
        assert outcome.ok, [str(issue) for issue in outcome.issues]
        assert outcome.new == 2
        first = Enterprise.objects.get(credit_code=GOOD_CODE)
        assert (first.supervising_unit, first.township.name, first.credit_rating) == (unit_a, "淮川街道", "AA")
        assert Enterprise.objects.get(credit_code="91350100M000100Y43").credit_rating == ""
        assert LogEntry.objects.get_for_object(first).get().actor == alice

    def test_a_broken_workbook_names_row_and_column_and_writes_nothing(self, alice):
        data = workbook(
            E_HEADERS,
            [
                [GOOD_CODE, "好公司", "Freight transport", "淮川街道", "AA", ""],
                ["91430181MA4TD6NX4H", "坏代码", "Freight transport", "淮川街道", "", ""],
                ["91350100M000100Y43", "坏类型", "飞船", "火星镇", "", ""],
                ["91110000600037341L", "坏评级", "Taxi", "", "AAAA", ""],
            ],
        )
        outcome = run(EnterpriseResource, alice, data)
        assert not outcome.ok
        assert not Enterprise.objects.exists()
        issues = {(issue.row, issue.column) for issue in outcome.issues}
        assert (3, "Unified social credit code") in issues
        assert (4, "Type") in issues and (4, "Township") in issues
        assert (5, "Credit rating") in issues
        assert not any(issue.row == 2 for issue in outcome.issues)
        message = next(str(i) for i in outcome.issues if i.row == 3)
        assert message.startswith("Row 3, Unified social credit code:") and "check character" in message

    def test_a_code_twice_in_a_file(self, alice):
        data = workbook(
            E_HEADERS, [[GOOD_CODE, "甲", "Taxi", "", "", ""], [GOOD_CODE.lower(), "乙", "Taxi", "", "", ""]]
        )
        outcome = run(EnterpriseResource, alice, data)
        assert [(i.row, i.column) for i in outcome.issues] == [(3, "Unified social credit code")]

    def test_a_listing_without_reason_is_a_row_error(self, alice):
        headers = [*E_HEADERS, "Red/black list"]
        outcome = run(
            EnterpriseResource, alice, workbook(headers, [[GOOD_CODE, "甲", "Taxi", "", "", "", "Black list"]])
        )
        assert {(i.row, i.column) for i in outcome.issues} == {(2, "Listing reason"), (2, "Listed from")}

    def test_export_and_import_back_unchanged(self, admin_user, enterprise_a, enterprise_b):
        enterprise_a.name = "=HYPERLINK(1)"  # a formula-like text is neutralised and comes back as written
        enterprise_a.save()
        response = export_response(
            resource=EnterpriseResource(user=admin_user), queryset=Enterprise.objects.all(), fmt="xlsx", filename="e"
        )
        headers, rows = read(response.content)
        assert headers[:2] == ["Unified social credit code", "Enterprise name"]
        assert {row["Enterprise name"] for row in rows} == {"'=HYPERLINK(1)", enterprise_b.name}
        outcome = run(EnterpriseResource, admin_user, response.content)
        assert outcome.ok and outcome.unchanged == 2

    def test_the_export_of_another_units_enterprises_imports_back_for_staff(self, alice, enterprise_b):
        response = export_response(
            resource=EnterpriseResource(user=alice), queryset=Enterprise.objects.all(), fmt="xlsx", filename="e"
        )
        assert run(EnterpriseResource, alice, response.content).ok

    def test_staff_may_not_change_another_units_enterprise(self, alice, enterprise_b):
        data = workbook(["Unified social credit code", "Enterprise name"], [[enterprise_b.credit_code, "改名"]])
        outcome = run(EnterpriseResource, alice, data)
        assert [(i.row, i.column) for i in outcome.issues] == [(2, "")]
        enterprise_b.refresh_from_db()
        assert enterprise_b.name != "改名"

    def test_staff_may_not_register_for_another_unit(self, alice):
        outcome = run(EnterpriseResource, alice, workbook(E_HEADERS, [[GOOD_CODE, "甲", "Taxi", "", "", "安全应急科"]]))
        assert [(i.row, i.column) for i in outcome.issues] == [(2, "Supervising unit")]
        assert not Enterprise.objects.exists()

    def test_staff_may_not_hand_over_their_enterprise(self, alice, enterprise_a, unit_b):
        data = workbook(["Unified social credit code", "Supervising unit"], [[enterprise_a.credit_code, unit_b.name]])
        outcome = run(EnterpriseResource, alice, data)
        assert [(i.row, i.column) for i in outcome.issues] == [(2, "Supervising unit")]

    def test_staff_change_their_units_enterprise(self, alice, enterprise_a):
        data = workbook(["Unified social credit code", "Credit rating"], [[enterprise_a.credit_code, "B"]])
        outcome = run(EnterpriseResource, alice, data)
        assert outcome.ok and outcome.updated == 1
        enterprise_a.refresh_from_db()
        assert enterprise_a.credit_rating == "B"

    def test_an_administrator_must_name_the_unit_of_a_new_enterprise(self, admin_user):
        outcome = run(EnterpriseResource, admin_user, workbook(E_HEADERS, [[GOOD_CODE, "甲", "Taxi", "", "", ""]]))
        assert [(i.row, i.column) for i in outcome.issues] == [(2, "Supervising unit")]

    def test_chinese_headers_are_accepted(self, alice):
        from django.utils import translation

        with translation.override("zh-hans"):
            headers = [
                str(EnterpriseResource().fields[name].column_name)
                for name in ("credit_code", "name", "enterprise_type")
            ]
        outcome = run(EnterpriseResource, alice, workbook(headers, [[GOOD_CODE, "甲", "Taxi"]]))
        assert outcome.ok


class TestVehicleImport:
    def test_a_good_workbook_creates_vehicles(self, alice, enterprise_a):
        data = workbook(
            V_HEADERS,
            [
                ["湘a 12345", enterprise_a.credit_code, "Scheduled passenger bus", 45, None, ""],
                ["湘A12345D", enterprise_a.credit_code, "dangerous_goods", None, "18.5", "Suspended"],
            ],
        )
        outcome = run(VehicleResource, alice, data)
        assert outcome.ok, [str(i) for i in outcome.issues]
        assert set(Vehicle.objects.values_list("plate", "status")) == {
            ("湘A12345", "operating"),
            ("湘A12345D", "suspended"),
        }

    def test_a_broken_workbook_names_row_and_column_and_writes_nothing(self, alice, enterprise_a):
        data = workbook(
            V_HEADERS,
            [
                ["湘A12345", enterprise_a.credit_code, "Scheduled passenger bus", 45, None, ""],
                ["湘AI2345", enterprise_a.credit_code, "Scheduled passenger bus", 45, None, ""],
                ["湘A22222", "91350100M000100Y43", "Scheduled passenger bus", 45, None, ""],
                ["湘A33333", enterprise_a.credit_code, "Tour / charter bus", None, None, ""],
                ["湘A44444", enterprise_a.credit_code, "Spaceship", 4, None, ""],
            ],
        )
        outcome = run(VehicleResource, alice, data)
        assert not Vehicle.objects.exists()
        issues = {(issue.row, issue.column) for issue in outcome.issues}
        assert issues == {(3, "Plate"), (4, "Enterprise credit code"), (5, "Seats"), (6, "Vehicle class")}

    def test_staff_may_not_add_vehicles_to_another_units_enterprise(self, alice, enterprise_b):
        data = workbook(V_HEADERS, [["湘A12345", enterprise_b.credit_code, "Other", 5, None, ""]])
        outcome = run(VehicleResource, alice, data)
        assert [(i.row, i.column) for i in outcome.issues] == [(2, "Enterprise credit code")]
        assert not Vehicle.objects.exists()

    def test_staff_may_not_change_another_units_vehicle(self, alice, vehicle_b):
        data = workbook(["Plate", "Status"], [[vehicle_b.plate, "Scrapped"]])
        outcome = run(VehicleResource, alice, data)
        assert [(i.row, i.column) for i in outcome.issues] == [(2, "")]
        vehicle_b.refresh_from_db()
        assert vehicle_b.status == "operating"

    def test_staff_may_not_move_their_vehicle_to_another_units_enterprise(self, alice, vehicle_a, enterprise_b):
        data = workbook(["Plate", "Enterprise credit code"], [[vehicle_a.plate, enterprise_b.credit_code]])
        outcome = run(VehicleResource, alice, data)
        assert [(i.row, i.column) for i in outcome.issues] == [(2, "Enterprise credit code")]

    def test_export_and_import_back_unchanged(self, admin_user, vehicle_a, vehicle_b):
        response = export_response(
            resource=VehicleResource(user=admin_user), queryset=Vehicle.objects.all(), fmt="xlsx", filename="v"
        )
        headers, rows = read(response.content)
        assert rows[0]["Enterprise credit code"] == vehicle_a.enterprise.credit_code
        assert rows[0]["Enterprise"] == vehicle_a.enterprise.name
        outcome = run(VehicleResource, admin_user, response.content)
        assert outcome.ok and outcome.unchanged == 2

    def test_the_import_looks_up_in_bulk(self, admin_user, enterprise_a):
        """Each row costs the same four queries (the library's savepoint and its release, the insert and its
        audit entry); the lookups (vehicles, enterprises, content type) are made once per import."""

        def cost(first: int, count: int) -> int:
            rows = [
                [f"湘A{n:05d}", enterprise_a.credit_code, "Other", 5, None, ""] for n in range(first, first + count)
            ]
            with CaptureQueriesContext(connection) as captured:
                outcome = run(VehicleResource, admin_user, workbook(V_HEADERS, rows))
            assert outcome.ok
            return len(captured)

        few, many = cost(1, 10), cost(100, 30)
        assert many - few == 4 * 20
        assert Vehicle.objects.count() == 40


class TestPages:
    def test_upload_preview_and_confirm(self, login, alice, enterprise_a):
        client = login(alice)
        data = workbook(V_HEADERS, [["湘A12345", enterprise_a.credit_code, "Other", 5, None, ""]])
        upload = SimpleUploadedFile("vehicles.xlsx", data, content_type=XLSX_TYPE)
        preview = client.post(reverse("enterprises:vehicle_import"), {"file": upload})
        assert preview.status_code == 200 and not Vehicle.objects.exists()
        token = preview.context["token"]
        done = client.post(reverse("enterprises:vehicle_import_confirm"), {"token": token})
        assert done.status_code == 302 and Vehicle.objects.get().plate == "湘A12345"

    def test_leaders_may_not_import(self, login, leo):
        client = login(leo)
        assert client.get(reverse("enterprises:enterprise_import")).status_code == 403
        assert client.get(reverse("enterprises:vehicle_import")).status_code == 403

    def test_the_export_follows_the_list_filters(self, login, leo, enterprise_a, enterprise_b):
        response = login(leo).get(
            reverse("enterprises:enterprise_export") + "?enterprise_type=dangerous_goods&format=xlsx"
        )
        assert response["Content-Type"] == XLSX_TYPE
        _headers, rows = read(response.content)
        assert [row["企业名称"] for row in rows] == [enterprise_b.name]

    def test_the_vehicle_export(self, login, leo, vehicle_a, vehicle_b):
        response = login(leo).get(reverse("enterprises:vehicle_export") + "?format=csv&plate=D")
        assert response.status_code == 200 and "湘AD12345" in response.content.decode("utf-8-sig")
        assert "湘A12345," not in response.content.decode("utf-8-sig")


def test_enterprise_factories_make_valid_rows():
    enterprise = EnterpriseFactory()
    enterprise.full_clean()
    VehicleFactory(enterprise=enterprise).full_clean()
