"""Import and export of measures: round trips, broken files, permissions, the audit actor, the pages, and
lookups made in bulk."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.imports.files import store_import_file
from core.imports.runner import run_import
from core.imports.views import SESSION_KEY, export_response
from plans.choices import MeasureStatus
from plans.models import KeyTask, Measure, WorkPlan
from plans.resources import MeasureResource
from tests.factories import KeyTaskFactory, MeasureFactory, UnitFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db
FIELDS = MeasureResource.Meta.fields
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def english():
    """Headers, labels and messages in English whatever the catalogue holds (the pages still run in the
    request's language; a file may use the headers of any language)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def header(name: str) -> str:
    return MeasureResource().fields[name].column_name


def export_bytes(user, queryset=None, fmt="xlsx") -> bytes:
    queryset = Measure.objects.all() if queryset is None else queryset
    response = export_response(resource=MeasureResource(user=user), queryset=queryset, fmt=fmt, filename="measures")
    return response.content


def read_rows(data: bytes, fmt="xlsx") -> tuple[list, list[dict]]:
    """An exported file as (headers, rows as dicts by header)."""
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        values = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    headers = values[0]
    return headers, [dict(zip(headers, row, strict=True)) for row in values[1:]]


def write_rows(headers: list, rows: list[dict], fmt="xlsx", encoding="utf-8") -> bytes:
    if fmt == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    return stream.getvalue().encode(encoding)


def edited_export(user, changes: dict[int, dict], fmt="xlsx", queryset=None) -> bytes:
    """The export with some cells changed: {measure pk: {field name: value}}."""
    headers, rows = read_rows(export_bytes(user, queryset, fmt), fmt)
    by_code = {(m.key_task.plan.year, m.key_task.number, m.number): m.pk for m in Measure.objects.all()}
    for row in rows:
        key = tuple(int(row[header(name)]) for name in ("year", "key_task_number", "number"))
        for name, value in changes.get(by_code[key], {}).items():
            row[header(name)] = value
    return write_rows(headers, rows, fmt)


def run(user, data: bytes, fmt="xlsx", dry_run=True):
    return run_import(resource=MeasureResource(user=user), data=data, fmt=fmt, user=user, dry_run=dry_run)


def snapshot():
    """Everything an import may change, to show that nothing was written."""
    return [
        (
            m.pk,
            m.number,
            m.title,
            m.text,
            m.lead_unit_id,
            m.responsible_leader_id,
            m.start_date,
            m.due_date,
            m.target,
            m.status,
            m.progress,
            m.updated_at,
            tuple(m.cooperating_units.values_list("pk", flat=True)),
        )
        for m in Measure.objects.order_by("pk")
    ]


def issues(outcome) -> list[tuple]:
    return [(issue.row, issue.column, issue.message) for issue in outcome.issues]


@pytest.fixture
def measures(measure_a, measure_b, unit_b):
    """Two measures of the 2020 plan, one with a cooperating unit and a formula-like target."""
    measure_a.cooperating_units.set([unit_b])
    measure_a.target = '=HYPERLINK("http://evil")'
    measure_a.save()
    return [measure_a, measure_b]


# Round trips -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_unchanged(fmt, measures, admin_user):
    before = snapshot()
    data = export_bytes(admin_user, fmt=fmt)

    preview = run(admin_user, data, fmt)
    assert preview.ok, issues(preview)
    assert (preview.new, preview.updated, preview.unchanged) == (0, 0, 2)

    outcome = run(admin_user, data, fmt, dry_run=False)
    assert outcome.ok and outcome.unchanged == 2
    assert snapshot() == before


def test_export_columns_in_order(measures, admin_user):
    headers, rows = read_rows(export_bytes(admin_user))
    assert headers == [header(name) for name in FIELDS]
    assert headers == [
        "Year",
        "Key task no.",
        "Key task",
        "Measure no.",
        "Measure",
        "Full text",
        "Lead unit",
        "Cooperating units",
        "Responsible leader",
        "Start date",
        "Due date",
        "Target / deliverable",
        "Status",
        "Progress %",
    ]
    first = rows[0]
    assert first["Year"] == 2020
    assert first["Lead unit"] == "规划建设科"
    assert first["Cooperating units"] == "安全应急科"
    assert first["Responsible leader"] == "李局长"
    assert first["Start date"] == datetime.datetime(2020, 4, 1)  # a real date cell
    assert first["Status"] == "In progress"
    assert first["Progress %"] == 10


def test_headers_follow_the_active_language():
    """Headers are resolved when the resource is made, in the language active then (the request's)."""
    with translation.override("zh-hans"):
        resource = MeasureResource()
        chinese = translation.pgettext("import column", "Measure")
    assert resource.fields["title"].column_name == chinese
    assert MeasureResource().fields["title"].column_name == "Measure"


def test_a_file_with_headers_in_another_language_is_read(measures, admin_user):
    headers, rows = read_rows(export_bytes(admin_user))
    with translation.override("zh-hans"):
        outcome = run(admin_user, write_rows(headers, rows))
    assert outcome.ok and outcome.unchanged == 2


# Neutralisation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_formula_like_text_is_neutralised_on_export_and_restored_on_import(fmt, prefix, measure_a, admin_user):
    title = f"{prefix}cmd|' /C calc'!A0"
    Measure.objects.filter(pk=measure_a.pk).update(title=title)
    data = export_bytes(admin_user, fmt=fmt)

    _headers, rows = read_rows(data, fmt)
    assert rows[0]["Measure"] == "'" + title  # a carriage return too: openpyxl with lxml writes it as &#13;
    if fmt == "xlsx":
        cell = openpyxl.load_workbook(io.BytesIO(data)).active["E2"]
        assert cell.data_type == "s"  # text, not a formula

    outcome = run(admin_user, data, fmt, dry_run=False)
    assert outcome.ok and outcome.unchanged == 1
    assert Measure.objects.get(pk=measure_a.pk).title == title


def test_a_quote_written_in_a_cell_survives_the_round_trip(measure_a, admin_user):
    Measure.objects.filter(pk=measure_a.pk).update(title="'=已是引号开头", target="'普通")
    data = export_bytes(admin_user)
    _headers, rows = read_rows(data)
    assert rows[0]["Measure"] == "''=已是引号开头"
    assert run(admin_user, data).unchanged == 1


# Changes -------------------------------------------------------------------------------------------------


def test_an_administrator_changes_every_column(measures, admin_user, unit_a, unit_b, leo):
    measure_a, _measure_b = measures
    other = UnitFactory(name="综合科")
    data = edited_export(
        admin_user,
        {
            measure_a.pk: {
                "title": "新的名称",
                "lead_unit": "安全应急科",
                "cooperating_units": "规划建设科，综合科",
                "start_date": "2020/5/1",
                "due_date": "2020年11月30日",
                "status": "Lagging",
                "progress": "35%",
            }
        },
    )
    preview = run(admin_user, data)
    assert preview.ok, issues(preview)
    assert (preview.updated, preview.unchanged) == (1, 1)
    assert preview.rows[0].changed == [
        "Measure",
        "Lead unit",
        "Cooperating units",
        "Start date",
        "Due date",
        "Status",
        "Progress %",
    ]
    assert Measure.objects.get(pk=measure_a.pk).title == "做好规划编制"  # the dry run wrote nothing

    run(admin_user, data, dry_run=False)
    measure_a.refresh_from_db()
    assert measure_a.title == "新的名称"
    assert measure_a.lead_unit == unit_b
    assert set(measure_a.cooperating_units.all()) == {unit_a, other}
    assert (measure_a.start_date, measure_a.due_date) == (datetime.date(2020, 5, 1), datetime.date(2020, 11, 30))
    assert (measure_a.status, measure_a.progress) == (MeasureStatus.LAGGING, 35)


@pytest.mark.parametrize("status", ["Completed", "completed", " COMPLETED "])
def test_status_by_label_or_code(status, measure_a, admin_user):
    run(admin_user, edited_export(admin_user, {measure_a.pk: {"status": status}}), dry_run=False)
    assert Measure.objects.get(pk=measure_a.pk).status == MeasureStatus.COMPLETED


def test_an_administrator_adds_a_measure_to_an_existing_key_task(measure_a, admin_user, unit_a, leo):
    headers, rows = read_rows(export_bytes(admin_user))
    new = dict(rows[0])
    new.update({"Measure no.": 9, "Measure": "新增举措", "Full text": "新增举措的内容。", "Target / deliverable": ""})
    outcome = run(admin_user, write_rows(headers, [*rows, new]), dry_run=False)
    assert outcome.ok, issues(outcome)
    assert (outcome.new, outcome.unchanged) == (1, 1)
    added = Measure.objects.get(key_task=measure_a.key_task, number=9)
    assert (added.title, added.lead_unit, added.responsible_leader) == ("新增举措", unit_a, leo)


def test_the_import_is_recorded_in_the_audit_history_under_the_importing_user(measures, admin_user, alice):
    measure_a, _measure_b = measures
    run(alice, edited_export(alice, {measure_a.pk: {"status": "Lagging"}}), dry_run=False)
    entry = LogEntry.objects.get_for_object(measure_a).latest("timestamp")
    assert entry.actor == alice
    assert entry.action == LogEntry.Action.UPDATE
    assert "status" in entry.changes_dict

    headers, rows = read_rows(export_bytes(admin_user))
    rows.append({**rows[0], "Measure no.": 42})
    run(admin_user, write_rows(headers, rows), dry_run=False)
    created = Measure.objects.get(number=42)
    entry = LogEntry.objects.get_for_object(created).get(action=LogEntry.Action.CREATE)
    assert (entry.actor, entry.action) == (admin_user, LogEntry.Action.CREATE)


def test_gb18030_csv_from_chinese_excel_imports(measures, admin_user, unit_b):
    measure_a, _measure_b = measures
    headers, rows = read_rows(export_bytes(admin_user, fmt="csv"), "csv")
    rows[0]["Lead unit"] = "安全应急科"
    rows[0]["Measure"] = "适用GB18030编码的名称"
    data = write_rows(headers, rows, "csv", encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really not UTF-8
    outcome = run(admin_user, data, "csv", dry_run=False)
    assert outcome.ok, issues(outcome)
    measure_a.refresh_from_db()
    assert (measure_a.title, measure_a.lead_unit) == ("适用GB18030编码的名称", unit_b)


# Broken files ----------------------------------------------------------------------------------------------


def test_a_broken_file_reports_each_problem_by_row_and_column_and_writes_nothing(admin_user, unit_a, leo):
    task = KeyTaskFactory(number=1)
    good, bad_date, bad_unit, bad_status, bad_progress = (
        MeasureFactory(key_task=task, number=n, lead_unit=unit_a) for n in range(1, 6)
    )
    data = edited_export(
        admin_user,
        {
            good.pk: {"status": "Completed", "progress": 100},  # a good change among the bad rows
            bad_date.pk: {"due_date": "2020-13-45"},
            bad_unit.pk: {"lead_unit": "不存在的科室"},
            bad_status.pk: {"status": "差不多了"},
            bad_progress.pk: {"progress": 120, "start_date": "明年"},
        },
    )
    before = snapshot()

    for dry_run in (True, False):
        outcome = run(admin_user, data, dry_run=dry_run)
        assert not outcome.ok
        assert outcome.invalid == 4
        assert issues(outcome) == [
            (3, "Due date", "“2020-13-45” is not a date; write dates as 2020-03-15."),
            (4, "Lead unit", "Unknown unit “不存在的科室”."),
            (
                5,
                "Status",
                "Unknown value “差不多了”; use one of: Not started、In progress、Completed、Lagging、Cancelled.",
            ),
            (6, "Start date", "“明年” is not a date; write dates as 2020-03-15."),
            (6, "Progress %", "120 is not between 0 and 100."),
        ]
        assert str(outcome.issues[1]) == "Row 4, Lead unit: Unknown unit “不存在的科室”."
        assert snapshot() == before  # the good row was not written either


def test_a_file_without_a_required_column_is_refused_whole(measures, admin_user):
    headers, rows = read_rows(export_bytes(admin_user))
    headers.remove("Year")
    outcome = run(admin_user, write_rows(headers, rows), dry_run=False)
    assert not outcome.ok and outcome.rows == []
    assert issues(outcome) == [(None, "", "The file lacks these required columns: Year.")]


def test_an_unknown_column_is_asked_about_then_left_out_and_named(measures, admin_user):
    headers, rows = read_rows(export_bytes(admin_user))
    data = write_rows([*headers, "备注"], rows)
    outcome = run(admin_user, data)
    assert outcome.needs_mapping and not outcome.ok and outcome.rows == []
    assert [column.header for column in outcome.columns if column.how == "unknown"] == ["备注"]
    outcome = run_import(
        resource=MeasureResource(user=admin_user),
        data=data,
        fmt="xlsx",
        user=admin_user,
        dry_run=True,
        mapping={"备注": ""},
    )
    assert outcome.ok and outcome.ignored_columns == ["备注"]


def test_a_row_about_an_unknown_plan_or_key_task(measure_a, admin_user):
    headers, rows = read_rows(export_bytes(admin_user))
    rows = [{**rows[0], "Year": 2031}, {**rows[0], "Key task no.": 77}, {**rows[0], "Measure no.": ""}]
    outcome = run(admin_user, write_rows(headers, rows))
    assert issues(outcome) == [
        (2, "Year", "There is no work plan for 2031."),
        (3, "Key task no.", "The 2020 plan has no key task 77."),
        (4, "Measure no.", "This column must not be empty."),
    ]


def test_a_measure_twice_in_one_file(measure_a, admin_user):
    headers, rows = read_rows(export_bytes(admin_user))
    outcome = run(admin_user, write_rows(headers, [rows[0], rows[0]]))
    code = measure_a.code
    assert issues(outcome) == [(3, "", f"Measure {code} appears more than once in the file (also in row 2).")]


def test_start_after_due_is_a_row_error(measure_a, admin_user):
    data = edited_export(admin_user, {measure_a.pk: {"start_date": "2020-12-01", "due_date": "2020-06-30"}})
    assert issues(run(admin_user, data)) == [(2, "Due date", "The start date must not be after the due date.")]


def test_a_new_measure_without_a_title_is_a_row_error(measure_a, admin_user):
    headers, rows = read_rows(export_bytes(admin_user))
    rows.append({**rows[0], "Measure no.": 8, "Measure": "", "Full text": ""})
    outcome = run(admin_user, write_rows(headers, rows))
    assert (3, "Measure", "This column must not be empty.") in issues(outcome)
    assert (3, "Full text", "This column must not be empty.") in issues(outcome)


# Permissions ------------------------------------------------------------------------------------------------


class TestPermissions:
    def test_staff_change_their_own_units_measure(self, measures, alice):
        measure_a, _measure_b = measures
        data = edited_export(alice, {measure_a.pk: {"status": "Lagging", "due_date": "2020-10-31", "target": "完成"}})
        outcome = run(alice, data, dry_run=False)
        assert outcome.ok, issues(outcome)
        measure_a.refresh_from_db()
        assert (measure_a.status, measure_a.due_date, measure_a.target) == (
            MeasureStatus.LAGGING,
            datetime.date(2020, 10, 31),
            "完成",
        )

    def test_staff_of_unit_a_may_not_change_unit_bs_measure(self, measures, alice):
        measure_a, measure_b = measures
        data = edited_export(alice, {measure_a.pk: {"status": "Lagging"}, measure_b.pk: {"status": "Completed"}})
        before = snapshot()
        for dry_run in (True, False):
            outcome = run(alice, data, dry_run=dry_run)
            assert issues(outcome) == [(3, "", f"You may not change measure {measure_b.code}.")]
            assert str(outcome.issues[0]) == f"Row 3: You may not change measure {measure_b.code}."
            assert snapshot() == before  # not even alice's own change

    def test_unchanged_rows_of_other_units_are_harmless(self, measures, alice):
        outcome = run(alice, export_bytes(alice))
        assert outcome.ok and outcome.unchanged == 2

    def test_staff_may_not_hand_a_measure_to_another_unit(self, measures, alice):
        measure_a, _measure_b = measures
        outcome = run(alice, edited_export(alice, {measure_a.pk: {"lead_unit": "安全应急科"}}), dry_run=False)
        assert issues(outcome) == [(2, "Lead unit", "You may not hand this measure over to another unit.")]
        assert Measure.objects.get(pk=measure_a.pk).lead_unit == measure_a.lead_unit

    def test_staff_change_only_what_the_measure_page_lets_them(self, measures, alice):
        measure_a, _measure_b = measures
        outcome = run(alice, edited_export(alice, {measure_a.pk: {"title": "改名", "progress": 90}}))
        assert issues(outcome) == [
            (2, "Measure", "Only administrators may change this."),
            (2, "Progress %", "Only administrators may change this."),
        ]

    def test_staff_may_not_add_measures(self, measure_a, alice):
        headers, rows = read_rows(export_bytes(alice))
        rows.append({**rows[0], "Measure no.": 9})
        outcome = run(alice, write_rows(headers, rows))
        assert issues(outcome) == [(3, "", "Only administrators may add measures.")]


# Pages ------------------------------------------------------------------------------------------------------


@pytest.fixture
def english_pages(client):
    """Pages in English (the portal defaults to Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    yield
    translation.activate("en")  # a request leaves its language active in the thread


@pytest.mark.usefixtures("english_pages")
class TestPages:
    def test_anonymous_users_are_sent_to_log_in(self, client):
        for name in ("plans:measure_import", "plans:measure_export"):
            response = client.get(reverse(name))
            assert response.status_code == 302
            assert response.url.startswith(reverse(settings.LOGIN_URL))
        response = client.post(reverse("plans:measure_import_confirm"))
        assert response.status_code == 302 and response.url.startswith(reverse(settings.LOGIN_URL))

    def test_leaders_may_not_import(self, login, leo, measure_a):
        client = login(leo)
        assert client.get(reverse("plans:measure_import")).status_code == 403
        assert client.post(reverse("plans:measure_import_confirm")).status_code == 403

    def test_the_upload_page_lists_the_columns_and_links_the_template(self, login, alice):
        response = login(alice).get(reverse("plans:measure_import"))
        assert response.status_code == 200
        assert [c["header"] for c in response.context["columns"]][:4] == [
            "Year",
            "Key task no.",
            "Key task",
            "Measure no.",
        ]
        template_url = reverse("plans:measure_export") + f"?unit={alice.unit_id}&format=xlsx"
        assert template_url.replace("&", "&amp;") in response.content.decode()

    def test_upload_preview_confirm(self, login, alice, measures, media):
        measure_a, _measure_b = measures
        client = login(alice)
        data = edited_export(alice, {measure_a.pk: {"status": "Lagging"}})
        response = client.post(reverse("plans:measure_import"), {"file": _file("measures.xlsx", data)})
        assert response.status_code == 200
        assert response.templates[0].name == "imports/preview.html"
        outcome = response.context["outcome"]
        assert (outcome.updated, outcome.unchanged) == (1, 1)
        assert b'id="import-confirm"' in response.content
        pending = client.session[SESSION_KEY]["plans.measure"]
        assert (media / pending["file"]).exists()
        assert Measure.objects.get(pk=measure_a.pk).status == MeasureStatus.IN_PROGRESS  # preview only

        response = client.post(reverse("plans:measure_import_confirm"), {"token": pending["token"]})
        assert response.status_code == 302 and response.url == reverse("plans:measure_list")
        assert Measure.objects.get(pk=measure_a.pk).status == MeasureStatus.LAGGING
        assert not (media / pending["file"]).exists()
        assert "plans.measure" not in client.session[SESSION_KEY]
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages == ["Import finished: 0 new, 1 updated, 1 unchanged."]

        again = client.post(reverse("plans:measure_import_confirm"), {"token": pending["token"]})
        assert again.status_code == 302 and again.url == reverse("plans:measure_import")

    def test_a_file_with_problems_offers_no_confirmation_and_cannot_be_forced(self, login, alice, measures, media):
        measure_a, measure_b = measures
        client = login(alice)
        data = edited_export(alice, {measure_a.pk: {"status": "Lagging"}, measure_b.pk: {"status": "Completed"}})
        response = client.post(reverse("plans:measure_import"), {"file": _file("measures.xlsx", data)})
        assert response.status_code == 200
        assert b'id="import-confirm"' not in response.content
        assert f"You may not change measure {measure_b.code}".encode() in response.content
        before = snapshot()

        forced = client.post(reverse("plans:measure_import_confirm"), {"token": ""})
        assert forced.status_code == 302 and forced.url == reverse("plans:measure_import")
        assert snapshot() == before
        assert not list(media.glob("imports/*"))  # a file with problems is not kept

    def test_a_tampered_session_still_writes_nothing(self, login, alice, measures):
        """Even if a bad file reached the confirmation, the real import is all or nothing."""
        measure_a, measure_b = measures
        client = login(alice)
        data = edited_export(alice, {measure_a.pk: {"status": "Lagging"}, measure_b.pk: {"status": "Completed"}})
        session = client.session
        session[SESSION_KEY] = {
            "plans.measure": {"file": store_import_file(data, "xlsx"), "format": "xlsx", "ok": True, "token": "t"}
        }
        session.save()
        before = snapshot()
        response = client.post(reverse("plans:measure_import_confirm"), {"token": "t"})
        assert response.status_code == 200
        assert b'id="import-confirm"' not in response.content
        assert snapshot() == before

    def test_a_fake_workbook_is_refused_on_the_upload_page(self, login, alice):
        response = login(alice).post(
            reverse("plans:measure_import"), {"file": _file("measures.xlsx", b"not a workbook")}
        )
        assert response.status_code == 200
        assert response.templates[0].name == "imports/upload.html"
        assert "is not an Excel workbook" in response.context["form"].errors["file"][0]

    def test_confirm_is_post_only(self, login, alice):
        assert login(alice).get(reverse("plans:measure_import_confirm")).status_code == 405


@pytest.mark.usefixtures("english_pages")
class TestExportView:
    def test_export_xlsx_with_the_list_filters(self, login, leo, measures, unit_b):
        measure_a, measure_b = measures
        response = login(leo).get(reverse("plans:measure_export"), {"year": 2020, "unit": unit_b.pk})
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_TYPE
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename=\"measures_2020.xlsx\"; filename*=UTF-8''")
        assert disposition.endswith("_2020.xlsx")
        _headers, rows = read_rows(response.content)
        # unit B leads measure B and cooperates on measure A, as in the measure list
        assert sorted(row["Measure"] for row in rows) == sorted([measure_a.title, measure_b.title])

        response = login(leo).get(reverse("plans:measure_export"), {"status": "lagging"})
        assert read_rows(response.content)[1] == []

    def test_export_csv_is_utf8_with_bom(self, login, alice, measures):
        response = login(alice).get(reverse("plans:measure_export"), {"format": "csv", "plan": 2020})
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.startswith(b"\xef\xbb\xbf")
        assert 'filename="measures_2020.csv"' in response["Content-Disposition"]
        assert len(read_rows(response.content, "csv")[1]) == 2

    def test_an_unknown_format_is_refused(self, login, alice):
        assert login(alice).get(reverse("plans:measure_export"), {"format": "pdf"}).status_code == 400


def _file(name: str, data: bytes):
    return SimpleUploadedFile(name, data)


# Performance ------------------------------------------------------------------------------------------------


def _make_measures(count: int):
    plan = WorkPlanFactory(year=2021)
    units = [UnitFactory(name=f"科室{n}") for n in range(3)]
    tasks = [KeyTask.objects.create(plan=plan, number=n, title=f"任务{n}") for n in range(1, 4)]
    for n in range(count):
        measure = MeasureFactory(key_task=tasks[n % 3], number=n + 1, lead_unit=units[n % 3])
        measure.cooperating_units.set([units[(n + 1) % 3]])


def _selects(queries, table: str | None = None) -> int:
    """SELECTs (from ``table``: its main table, not a join)."""
    selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    if table is None:
        return len(selects)
    return sum(1 for sql in selects if re.search(r'\bFROM "?([a-z_]+)"?', sql).group(1) == table)


LOOKUP_TABLES = ("organisation_unit", "organisation_user", "plans_keytask", "plans_workplan")


@pytest.mark.parametrize("change", [False, True], ids=["unchanged rows", "changed rows"])
def test_lookups_are_made_in_bulk_whatever_the_number_of_rows(change, admin_user):
    counts = {}
    for size in (10, 100):
        WorkPlan.objects.all().delete()
        _make_measures(size)
        headers, rows = read_rows(export_bytes(admin_user))
        if change:
            for row in rows:
                row["Status"] = "Lagging"
        data = write_rows(headers, rows)
        with CaptureQueriesContext(connection) as context:
            outcome = run(admin_user, data)
        assert outcome.ok and outcome.count("update" if change else "unchanged") == size
        counts[size] = {table: _selects(context.captured_queries, table) for table in LOOKUP_TABLES}
        counts[size]["all"] = _selects(context.captured_queries)
    # Units (lead and cooperating: one map), leaders, key tasks, plans: loaded once whatever the size.
    assert {t: counts[10][t] for t in LOOKUP_TABLES} == {t: counts[100][t] for t in LOOKUP_TABLES}
    if change:
        # Per saved row, the audit history reads the row's previous state (one SELECT on plans_measure).
        assert counts[100]["all"] - counts[10]["all"] == 90
    else:
        # Nothing to write, nothing read per row: plans, key tasks, measures + cooperating units, what the user
        # may change (not for administrators), units, leaders.
        assert counts[10]["all"] == counts[100]["all"]
