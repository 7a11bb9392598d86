"""The weekly briefing: its figures, the .xlsx read back with openpyxl, the PDF's text and embedded font, the
downloads, and a clear message when no Chinese font is installed."""

import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard import briefing
from plans import services as plan_services
from plans.choices import MeasureStatus
from safety.choices import HazardLevel
from tests.dashboard.conftest import make_closed_hazard
from tests.factories import LeaderFactory
from tests.safety.factories import HazardFactory

WEEK = datetime.date(2020, 9, 7)  # Monday 7 – Sunday 13 September 2020


@pytest.fixture
def week(world, bob, unit_b):
    """In the week: m3 completed (through its service, so the audit log has it), a major hazard found and h2
    closed (10 Sep, in the world). Outside it: m6 completed on 14 September would not count."""
    with time_machine.travel(datetime.datetime(2020, 9, 9, 3, tzinfo=datetime.UTC), tick=False):
        plan_services.measure_update(user=bob, measure=world.measures.m3, status=MeasureStatus.COMPLETED)
    with time_machine.travel(datetime.datetime(2020, 9, 14, 3, tzinfo=datetime.UTC), tick=False):
        plan_services.measure_update(user=bob, measure=world.measures.m5, status=MeasureStatus.IN_PROGRESS)
        plan_services.measure_update(user=bob, measure=world.measures.m5, status=MeasureStatus.COMPLETED)
    HazardFactory(
        level=HazardLevel.MAJOR,
        found_on=datetime.date(2020, 9, 8),
        deadline=datetime.date(2020, 10, 31),
        responsible_unit=unit_b,
    )
    make_closed_hazard(
        datetime.datetime(2020, 9, 14, 9, tzinfo=datetime.UTC), responsible_unit=unit_b
    )  # closed after the week
    return world


def test_the_weeks_figures(week, unit_a, unit_b, leo):
    data = briefing.week_briefing(WEEK)
    assert (data.week_start, data.week_end, data.as_of) == (
        WEEK,
        datetime.date(2020, 9, 13),
        datetime.date(2020, 9, 13),
    )
    assert [row.title for row in data.completed_measures] == [week.measures.m3.title]
    # Overdue on 13 September: m2 (unit A), m6 (unit B) and the 2019 measure (unit A), with their units' leader.
    overdue = {row.title: row for row in data.overdue_measures}
    assert set(overdue) == {week.measures.m2.title, week.measures.m6.title, week.measures.old.title}
    assert (overdue[week.measures.m6.title].unit, overdue[week.measures.m6.title].unit_leader) == (
        unit_b.name,
        str(leo),
    )
    assert overdue[week.measures.m2.title].responsible_leader == str(leo)
    by_unit = {row.unit: row for row in data.overdue_hazards_by_unit}
    assert (by_unit[unit_a.name].overdue, by_unit[unit_a.name].overdue_major) == (1, 0)  # h1
    assert (by_unit[unit_b.name].overdue, by_unit[unit_b.name].overdue_major) == (1, 1)  # h4
    assert by_unit[unit_b.name].leader == str(leo)
    fields = {row.label: row for row in data.hazards_by_field}
    road = fields[str(dict(__import__("safety.choices").choices.HazardField.choices)["road_transport"])]
    assert (road.new, road.new_major, road.closed) == (1, 1, 1)  # the new major hazard; h2 closed on 10 Sep
    assert sum(row.closed for row in data.hazards_by_field) == 1
    assert [row.name for row in data.behind_schedule] == [week.projects.p2.name, week.projects.p3.name]
    assert data.investment.planned == 2000 and data.investment.completed == 150


def test_the_briefing_takes_a_bounded_number_of_queries(week, more_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        briefing.week_briefing(WEEK)


def test_the_workbook_has_a_sheet_per_section_with_the_rows(week, unit_b, leo):
    workbook = load_workbook(io.BytesIO(briefing.briefing_xlsx(briefing.week_briefing(WEEK))))
    completed, overdue, hazards_by_unit, hazards, investment, behind, _monitoring = workbook.worksheets
    assert completed.title == gettext("Measures completed")[:31]
    # Row 1: the title; row 2: the headers (in the site's language); then the rows.
    assert [cell.value for cell in completed[2]][:2] == [gettext("No."), gettext("Measure")]
    assert completed.max_row == 3 and completed["B3"].value == week.measures.m3.title
    assert overdue.max_row == 2 + 3
    rows = {row[1]: row for row in overdue.iter_rows(min_row=3, values_only=True)}
    assert rows[week.measures.m6.title][3:5] == (unit_b.name, str(leo))
    assert {row[0]: row[2] for row in hazards_by_unit.iter_rows(min_row=3, values_only=True)} == {
        unit_b.name: 1,
        week.hazards.h1.responsible_unit.name: 1,
    }
    assert sum(row[1] for row in hazards.iter_rows(min_row=3, values_only=True)) == 1
    total = list(investment.iter_rows(min_row=3, values_only=True))[-1]
    assert (total[3], total[4]) == (2000, 150)  # numbers stay numbers
    assert [row[1] for row in behind.iter_rows(min_row=3, values_only=True)] == [
        week.projects.p2.name,
        week.projects.p3.name,
    ]


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


def embedded_fonts(pdf: bytes) -> set[str]:
    """Names of the fonts whose program is embedded in the PDF."""
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")] + [
                descendant.get_object().get("/FontDescriptor") for descendant in font.get("/DescendantFonts", [])
            ]
            for descriptor in filter(None, descriptors):
                descriptor = descriptor.get_object()
                if {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()):
                    found.add(str(font["/BaseFont"]))
    return found


def test_the_pdf_shows_the_rows_in_chinese_with_the_font_embedded(week, unit_b, leo):
    pdf = briefing.briefing_pdf(briefing.week_briefing(WEEK))
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for expected in (week.measures.m3.title, week.measures.m6.title, unit_b.name, str(leo), week.projects.p2.name):
        assert expected in text
    assert embedded_fonts(pdf)  # a CJK font, subset and embedded


def test_weekly_briefing_files_gives_both_files(week):
    files = briefing.weekly_briefing_files(WEEK)
    assert [(name, mimetype) for name, _, mimetype in files] == [
        ("weekly-briefing-2020-09-07.xlsx", briefing.XLSX_MIMETYPE),
        ("weekly-briefing-2020-09-07.pdf", "application/pdf"),
    ]
    assert files[0][1][:2] == b"PK" and files[1][1][:4] == b"%PDF"


def test_one_click_downloads_each_format(week, login, leo):
    client = login(leo)
    xlsx = client.get(reverse("dashboard:briefing", args=["xlsx"]), {"week": "2020-09-09"})  # any day of the week
    assert xlsx["Content-Type"] == briefing.XLSX_MIMETYPE
    assert 'filename="weekly-briefing-2020-09-07.xlsx"' in xlsx["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx.content)).worksheets[0]["B3"].value == week.measures.m3.title
    pdf = client.get(reverse("dashboard:briefing", args=["pdf"]), {"week": "2020-09-07"})
    assert pdf["Content-Type"] == "application/pdf" and week.measures.m3.title in text_of(pdf.content)


def test_the_default_week_is_the_last_full_one(week, login, leo):
    response = login(leo).get(reverse("dashboard:briefing", args=["xlsx"]))  # today: Tuesday 15 September
    assert 'filename="weekly-briefing-2020-09-07.xlsx"' in response["Content-Disposition"]
    page = login(leo).get(reverse("dashboard:dashboard")).content.decode()
    assert 'id="briefing-week" class="form-control form-control-sm" value="2020-09-07"' in page


def test_an_unknown_format_is_not_found(login, leo):
    assert login(leo).get(reverse("dashboard:briefing", args=["docx"])).status_code == 404


def test_without_a_chinese_font_the_pdf_is_refused_with_a_message(week, login, leo, settings):
    settings.BRIEFING_FONT_PATH = "/nonexistent/font.ttc"
    client = login(leo)
    response = client.get(reverse("dashboard:briefing", args=["pdf"]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("dashboard:dashboard")
    [message] = list(response.context["messages"])
    assert message.level_tag == "error" and "/nonexistent/font.ttc" in str(message)
    # The workbook needs no font.
    assert client.get(reverse("dashboard:briefing", args=["xlsx"])).status_code == 200
    with pytest.raises(briefing.BriefingFontMissing):
        briefing.weekly_briefing_files(WEEK)


def test_the_font_is_searched_for_when_not_set(settings, monkeypatch, tmp_path):
    settings.BRIEFING_FONT_PATH = ""
    monkeypatch.setattr(briefing, "FONT_CANDIDATES", ())
    monkeypatch.setattr(briefing, "_fontconfig_match", lambda: None)
    with pytest.raises(briefing.BriefingFontMissing, match="BRIEFING_FONT_PATH"):
        briefing.briefing_font()
    font = tmp_path / "wqy-microhei.ttf"
    font.write_bytes(b"not read")
    monkeypatch.setattr(briefing, "FONT_CANDIDATES", ("/nonexistent.ttc", str(font)))
    assert briefing.briefing_font() == (str(font), 0)


def test_a_noto_collection_uses_its_simplified_chinese_face():
    path, index = briefing.briefing_font()
    if path.endswith("NotoSansCJK-Regular.ttc"):
        assert index == 2  # JP, KR, SC, …
    else:
        assert index >= 0


def test_a_long_section_is_cut_in_the_pdf_but_not_in_the_workbook(week, monkeypatch):
    monkeypatch.setattr(briefing, "PDF_ROW_LIMIT", 1)
    data = briefing.week_briefing(WEEK)
    text = text_of(briefing.briefing_pdf(data))
    overdue = [row.title for row in data.overdue_measures]
    assert overdue[0] in text and overdue[1] not in text and overdue[2] not in text
    assert load_workbook(io.BytesIO(briefing.briefing_xlsx(data))).worksheets[1].max_row == 2 + 3


def test_a_formula_like_name_is_written_as_text(week):
    """A project named like a formula (CSV/formula injection) is a text cell, quoted, in the mailed workbook."""
    project = week.projects.p2
    project.name = "=cmd|' /C calc'!A0"
    project.save(update_fields=["name"])
    workbook = load_workbook(io.BytesIO(briefing.briefing_xlsx(briefing.week_briefing(WEEK))))
    behind = workbook.worksheets[5]
    cell = next(row[1] for row in behind.iter_rows(min_row=3) if "cmd|" in str(row[1].value))
    assert cell.data_type == "s"
    assert cell.value == "'=cmd|' /C calc'!A0"


def _tables(data):
    with translation.override("en"):
        return {table.title: table for table in briefing.briefing_tables(data)}


def test_each_section_says_what_it_counts(week):
    tables = _tables(briefing.week_briefing(WEEK))
    assert tables["Measures completed"].summary == "1 measure"
    assert tables["Overdue measures"].summary == "3 measures"
    # Two units with one overdue hazard each: the count is of hazards, not of the table's rows
    assert tables["Overdue hazards by unit"].summary == "2 overdue hazards in 2 units"
    assert tables["New and closed hazards"].summary == "1 new hazards, 1 closed"
    assert tables["Projects behind schedule"].summary == "2 projects"


def test_a_leader_who_both_oversees_and_is_responsible_is_named_once(week):
    overdue = _tables(briefing.week_briefing(WEEK))["Overdue measures"]
    column = overdue.headers.index("Overseeing / responsible leader")
    assert "Responsible leader" not in overdue.headers and "Overseeing leader" not in overdue.headers
    row = next(row for row in overdue.rows if row[1] == week.measures.m2.title)
    assert row[column] == "李局长"


def test_different_leaders_are_both_named_in_the_one_column(week):
    week.measures.m2.responsible_leader = LeaderFactory(full_name="王副局长")
    week.measures.m2.save()
    overdue = _tables(briefing.week_briefing(WEEK))["Overdue measures"]
    row = next(row for row in overdue.rows if row[1] == week.measures.m2.title)
    assert row[overdue.headers.index("Overseeing / responsible leader")] == "李局长 / 王副局长"


def test_money_has_two_decimals_and_thousands_separators_in_both_files(week):
    data = briefing.week_briefing(WEEK)
    investment = load_workbook(io.BytesIO(briefing.briefing_xlsx(data))).worksheets[4]
    total = list(investment.iter_rows(min_row=3))[-1]
    assert total[3].value == 2000 and total[3].number_format == "#,##0.00"
    assert investment["B1"].value  # the section's summary beside the title
    assert "2,000.00" in text_of(briefing.briefing_pdf(data))
