"""Import files (core.imports.files): every XML part checked whatever its name, bounds on cells and shared texts,
formulas read as their text, and the .xls / .ods formats."""

import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl.drawing.image import Image

from core.imports.files import check_import_data, check_import_upload, estimate_rows, read_sheet, read_table
from tests.core.xls_writer import xls_bytes

FIXTURES = Path(__file__).parent / "fixtures"
ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol;</t></is></c></row></sheetData></worksheet>'
)
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def rewrite(data: bytes, change) -> bytes:
    """The same zip with each member passed through ``change(name, content) -> (name, content)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            name, content = change(info.filename, source.read(info.filename))
            target.writestr(name, content)
    return stream.getvalue()


def with_sheet(xml: bytes) -> bytes:
    """A workbook whose first sheet is ``xml`` (the sheetData's content)."""
    sheet = b'<?xml version="1.0"?><worksheet xmlns="' + MAIN + b'"><sheetData>' + xml + b"</sheetData></worksheet>"
    return rewrite(
        workbook_bytes([["x"]]),
        lambda name, content: (name, sheet if name == "xl/worksheets/sheet1.xml" else content),
    )


def with_shared_strings(count: int) -> bytes:
    """A workbook of one cell whose shared string table (found through the relationships) holds ``count`` texts."""
    sst = b'<sst xmlns="' + MAIN + b'">' + b"".join(b"<si><t>%d</t></si>" % n for n in range(count)) + b"</sst>"
    relationship = (
        b'<Relationship Id="rId9" Target="sharedStrings.xml"'
        b' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    )

    def change(name, content):
        if name == "xl/_rels/workbook.xml.rels":
            content = content.replace(b"</Relationships>", relationship + b"</Relationships>")
        return name, content

    data = rewrite(with_sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), change)
    stream = io.BytesIO(data)
    with zipfile.ZipFile(stream, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", sst)
    return stream.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# 1. Every XML part is checked, whatever its name -------------------------------------------------------------


class TestEveryPartIsChecked:
    def test_an_upper_case_sheet_name_with_an_entity_is_refused_in_chinese(self):
        def rename(name, content):
            if name == "xl/worksheets/sheet1.xml":
                return "xl/worksheets/sheet1.XML", ENTITY
            return name, content

        data = rewrite(workbook_bytes([["a"]]), rename)
        with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
            check_import_upload(upload("bomb.xlsx", data))
        assert codes(caught.value) == ["unsafe_xml"]
        assert caught.value.messages == [
            "bomb.xlsx 含有不允许的 XML 内容（xl/worksheets/sheet1.XML 中有 DTD 或实体声明）。"
        ]

    def test_a_sheet_the_relationships_point_to_under_another_extension_is_checked(self):
        def retarget(name, content):
            if name == "xl/worksheets/sheet1.xml":
                return "xl/worksheets/sheet1.dat", ENTITY
            if name == "xl/_rels/workbook.xml.rels":
                return name, content.replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.dat")
            return name, content

        data = rewrite(workbook_bytes([["a"]]), retarget)
        with pytest.raises(ValidationError, match="XML that is not allowed .*sheet1.dat") as caught:
            check_import_data(data, "xlsx", name="bomb.xlsx")
        assert codes(caught.value) == ["unsafe_xml"]

    def test_the_reader_never_reads_a_part_the_check_did_not_see(self):
        """A sheet part that is not XML by its content is neither checked nor read."""

        def retarget(name, content):
            if name == "xl/worksheets/sheet1.xml":
                return name, b"\x89PNG\r\n\x1a\n" + content
            return name, content

        data = rewrite(workbook_bytes([["a"]]), retarget)
        check_import_data(data, "xlsx", name="x.xlsx")  # a picture is not checked as XML
        with pytest.raises(ValidationError, match="cannot be read as an Excel workbook"):
            read_sheet(data, "xlsx", name="x.xlsx")

    def test_a_real_workbook_with_a_picture_is_accepted(self, tmp_path):
        from PIL import Image as PILImage

        picture = tmp_path / "logo.png"
        PILImage.new("RGB", (4, 4), "red").save(picture)
        workbook = openpyxl.Workbook()
        workbook.active.append(["年度", "举措名称"])
        workbook.active.append([2020, "甲"])
        workbook.active.add_image(Image(str(picture)), "D2")
        stream = io.BytesIO()
        workbook.save(stream)
        data = stream.getvalue()
        assert any(name.endswith(".png") for name in zipfile.ZipFile(io.BytesIO(data)).namelist())
        assert check_import_upload(upload("measures.xlsx", data)) == ("xlsx", data)
        assert read_table(data, "xlsx").rows == [(2, [2020, "甲"])]

    def test_parts_are_found_whatever_the_case_of_their_names(self):
        def rename(name, content):
            return (name.replace("sheet1.xml", "Sheet1.XML"), content)

        data = rewrite(workbook_bytes([["a"], ["b"]]), rename)
        check_import_data(data, "xlsx", name="x.xlsx")
        assert read_table(data, "xlsx").rows == [(2, ["b"])]


# 2. Bounds on cells and shared texts --------------------------------------------------------------------------


class TestBounds:
    def test_more_shared_strings_than_the_limit_are_refused_naming_it(self, settings):
        settings.IMPORT_MAX_SHARED_STRINGS = 50
        data = with_shared_strings(60)
        with pytest.raises(ValidationError, match="more than 50 different texts") as caught:
            check_import_data(data, "xlsx", name="many.xlsx")
        assert codes(caught.value) == ["too_many_cells"]
        settings.IMPORT_MAX_SHARED_STRINGS = 100
        check_import_data(data, "xlsx", name="many.xlsx")

    def test_more_cells_than_the_limit_are_refused_naming_it(self, settings):
        settings.IMPORT_MAX_CELLS = 1000
        data = workbook_bytes([["a", "b", "c", "d"]] + [[1, 2, 3, 4]] * 300)
        with translation.override("zh-hans"), pytest.raises(ValidationError, match="1000") as caught:
            check_import_data(data, "xlsx", name="many.xlsx")
        assert codes(caught.value) == ["too_many_cells"]
        settings.IMPORT_MAX_CELLS = 2000
        check_import_data(data, "xlsx", name="many.xlsx")

    def test_the_shared_strings_never_exceed_the_cells_bound(self, settings):
        settings.IMPORT_MAX_CELLS = 20
        settings.IMPORT_MAX_SHARED_STRINGS = 10_000
        data = with_shared_strings(30)  # 30 shared strings, one cell in the sheet
        with pytest.raises(ValidationError, match="more than 20 different texts"):
            check_import_data(data, "xlsx", name="many.xlsx")

    def test_the_bounds_have_sensible_defaults(self, settings):
        from django.conf import settings as live

        assert live.IMPORT_MAX_CELLS == 2_000_000
        assert live.IMPORT_MAX_SHARED_STRINGS <= live.IMPORT_MAX_CELLS


# 3. Formulas are read as their text --------------------------------------------------------------------------


class TestFormulas:
    def test_a_formula_is_read_as_its_text_and_named(self):
        data = with_sheet(
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c>'
            b'</row><row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>SUM(A2:A3)*2</f><v>8</v></c></row>'
        )
        sheet = read_sheet(data, "xlsx")
        assert sheet.rows[1] == (2, [1, "=SUM(A2:A3)*2"])
        assert sheet.formulas == [(2, 2, "=SUM(A2:A3)*2")]

    def test_a_string_formula_is_not_replaced_by_its_cached_value(self):
        data = with_sheet('<row r="1"><c r="A1" t="str"><f>"甲"&amp;"乙"</f><v>甲乙</v></c></row>'.encode())
        assert read_sheet(data, "xlsx").rows == [(1, ['="甲"&"乙"'])]

    def test_a_shared_formula_takes_its_masters_text_moved_to_its_cell(self):
        data = with_sheet(
            b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>2</v></c></row>'
            b'<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/><v>4</v></c></row>'
            b'<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c></row>'
        )
        sheet = read_sheet(data, "xlsx")
        assert [values[1] for _n, values in sheet.rows] == ["=A1*2", "=A2*2", "=A3*2"]
        assert sheet.formulas == [(1, 2, "=A1*2"), (2, 2, "=A2*2"), (3, 2, "=A3*2")]

    def test_a_shared_formula_without_its_master_says_so(self):
        data = with_sheet(b'<row r="2"><c r="B2"><f t="shared" si="7"/><v>4</v></c></row>')
        sheet = read_sheet(data, "xlsx")
        assert sheet.rows == [(2, [None, 4])]
        assert sheet.formulas == [(2, 2, "")]

    @pytest.mark.django_db
    def test_the_preview_warns_of_each_formula_cell(self, alice):
        from tests.core.test_import_columns import ledger, ledger_row, preview

        data = ledger([ledger_row(1, 隐患地点='=F5&"白沙路"'), ledger_row(2)])
        outcome = preview(alice, data)
        assert [issue.message for issue in outcome.warnings] == [
            'Cell G5 holds a formula; it is imported as its text “=F5&"白沙路"”, not its result.'
        ]
        assert outcome.rows[0].kind == "new"

    @pytest.mark.django_db
    def test_the_preview_says_when_a_formulas_text_is_elsewhere(self, alice):
        from tests.core.test_import_columns import ledger, ledger_row, preview

        def orphan(name, content):
            if name == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b'<c r="G5" t="inlineStr">', b'<c r="G5" t="inlineStr"><f t="shared" si="3"/>'
                )
            return name, content

        outcome = preview(alice, rewrite(ledger([ledger_row(1)]), orphan))
        assert [issue.message for issue in outcome.warnings] == [
            "Cell G5 holds a formula whose text is kept elsewhere in the workbook; its last computed value is imported."
        ]

    def test_an_xls_formula_is_read_as_its_value_and_named(self):
        from tests.core.xls_writer import Formula

        sheet = read_sheet(xls_bytes([["a", "b"], [1, Formula(7)], [2, 3]]), "xls")
        assert sheet.rows == [(1, ["a", "b"]), (2, [1, 7]), (3, [2, 3])]
        assert sheet.formulas == [(2, 2, None)]

    @pytest.mark.django_db
    def test_the_preview_says_an_xls_formula_is_read_as_its_value(self, alice):
        from core.imports.runner import run_import
        from safety.resources import HazardResource
        from tests.core.test_import_columns import LEDGER_HEADERS, ledger_row
        from tests.core.xls_writer import Formula

        row = ledger_row(1, 隐患地点=Formula(12))
        data = xls_bytes([LEDGER_HEADERS, row])
        outcome = run_import(resource=HazardResource(user=alice), data=data, fmt="xls", user=alice, dry_run=True)
        assert [issue.message for issue in outcome.warnings] == [
            "Cell G2 holds a formula; an Excel 97-2003 (.xls) file is read with its last computed value. Save the "
            "file as .xlsx to import the formula's text."
        ]
        assert outcome.rows[0].kind == "new"


# 4. .xls and .ods --------------------------------------------------------------------------------------------


def ods_bytes(
    content_rows: bytes, *, mimetype: bytes = b"application/vnd.oasis.opendocument.spreadsheet", head=b""
) -> bytes:
    """A minimal OpenDocument spreadsheet: mimetype (stored, first), manifest, content.xml with one table."""
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>' + head + b"<office:document-content"
        b' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        b' xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2">'
        b'<office:body><office:spreadsheet><table:table table:name="Sheet1">' + content_rows + b"</table:table>"
        b"</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        b' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        b"</manifest:manifest>"
    )
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return stream.getvalue()


def text_cell(text: str) -> bytes:
    return b'<table:table-cell office:value-type="string"><text:p>' + text.encode() + b"</text:p></table:table-cell>"


ODS_ROWS = (
    b"<table:table-row>" + text_cell("年度") + text_cell("日期") + text_cell("金额") + b"</table:table-row>"
    b"<table:table-row>"
    b'<table:table-cell office:value-type="float" office:value="2020"><text:p>2020</text:p></table:table-cell>'
    b'<table:table-cell office:value-type="date" office:date-value="2020-03-15"><text:p>2020-03-15</text:p>'
    b"</table:table-cell>"
    b'<table:table-cell office:value-type="float" office:value="12.5"><text:p>12.5</text:p></table:table-cell>'
    b"</table:table-row>"
    b'<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/>'
    b"</table:table-row>"
    b"<table:table-row>" + text_cell("甲") + b"</table:table-row>"
)


class TestOds:
    def test_an_ods_is_read_into_the_same_table(self):
        data = ods_bytes(ODS_ROWS)
        assert check_import_upload(upload("measures.ods", data)) == ("ods", data)
        table = read_table(data, "ods")
        assert table.headers == ["年度", "日期", "金额"]
        assert table.rows == [(2, [2020, datetime.date(2020, 3, 15), 12.5]), (5, ["甲", None, None])]
        assert type(table.rows[0][1][0]) is int
        assert estimate_rows(data, "ods") == 4

    def test_an_ods_with_an_entity_in_its_content_is_refused(self):
        data = ods_bytes(ODS_ROWS, head=b'<!DOCTYPE x [<!ENTITY lol "lol">]>')
        with pytest.raises(ValidationError, match="XML that is not allowed .*content.xml") as caught:
            check_import_upload(upload("bomb.ods", data))
        assert codes(caught.value) == ["unsafe_xml"]

    def test_another_zip_named_ods_is_refused(self):
        with pytest.raises(ValidationError, match="is not an OpenDocument spreadsheet") as caught:
            check_import_upload(
                upload("x.ods", ods_bytes(ODS_ROWS, mimetype=b"application/vnd.oasis.opendocument.text"))
            )
        assert codes(caught.value) == ["not_ods"]
        with pytest.raises(ValidationError, match="is not an OpenDocument spreadsheet"):
            check_import_upload(upload("x.ods", workbook_bytes([["a"]])))

    def test_cells_repeated_beyond_the_bound_are_refused_before_reading(self, settings):
        settings.IMPORT_MAX_CELLS = 1000
        rows = (
            b'<table:table-row table:number-rows-repeated="100000">'
            b'<table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1"/>'
            b"</table:table-row>"
        )
        with pytest.raises(ValidationError, match="more than 1000 cells") as caught:
            check_import_data(ods_bytes(rows), "ods", name="bomb.ods")
        assert codes(caught.value) == ["too_many_cells"]

    def test_a_formula_cell_is_read_as_its_text(self):
        rows = (
            b"<table:table-row>" + text_cell("a") + b"</table:table-row><table:table-row>"
            b'<table:table-cell table:formula="of:=SUM([.A1:.A3])" office:value-type="float" office:value="6">'
            b"<text:p>6</text:p></table:table-cell></table:table-row>"
        )
        sheet = read_sheet(ods_bytes(rows), "ods")
        assert sheet.rows == [(1, ["a"]), (2, ["=SUM([.A1:.A3])"])]
        assert sheet.formulas == [(2, 1, "=SUM([.A1:.A3])")]

    def test_a_repeated_formula_cell_is_read_in_each_of_its_cells(self):
        rows = (
            b"<table:table-row>" + text_cell("a") + text_cell("b") + b"</table:table-row>"
            b'<table:table-row table:number-rows-repeated="2">'
            b'<table:table-cell table:number-columns-repeated="2" table:formula="of:=[.A1]" office:value-type="float"'
            b' office:value="1"/></table:table-row>'
        )
        sheet = read_sheet(ods_bytes(rows), "ods")
        assert sheet.rows == [(1, ["a", "b"]), (2, ["=[.A1]", "=[.A1]"]), (3, ["=[.A1]", "=[.A1]"])]
        assert len(sheet.formulas) == 4

    def test_a_formula_repeated_a_million_times_is_refused_quickly(self):
        rows = (
            b'<table:table-row table:number-rows-repeated="1000000">'
            b'<table:table-cell table:number-columns-repeated="200" table:formula="of:=1" office:value-type="float"'
            b' office:value="1"/></table:table-row>'
        )
        data = ods_bytes(rows)
        with pytest.raises(ValidationError, match="more than 2000000 cells"):
            check_import_data(data, "ods", name="bomb.ods")
        with pytest.raises(ValidationError, match="more than 2000000 cells"):
            read_sheet(data, "ods", name="bomb.ods")


class TestXls:
    def test_an_xls_is_read_into_the_same_table(self):
        data = (FIXTURES / "measures.xls").read_bytes()
        assert check_import_upload(upload("measures.xls", data)) == ("xls", data)
        table = read_table(data, "xls")
        assert table.headers == ["年度", "举措名称", "日期", "金额"]
        assert table.rows == [
            (2, [2020, "道路建设", datetime.date(2020, 3, 15), 12.5]),
            (4, [2021, "桥梁", None, 3]),
        ]
        assert [type(value) for value in table.rows[1][1]] == [int, str, type(None), int]
        assert estimate_rows(data, "xls") == 3

    def test_a_file_named_xls_that_is_not_one_is_refused(self):
        with pytest.raises(ValidationError, match=r"is not an Excel 97-2003 workbook \(.xls\)") as caught:
            check_import_upload(upload("x.xls", workbook_bytes([["a"]])))
        assert codes(caught.value) == ["not_xls"]

    @pytest.mark.parametrize("cut", [600, 1200, 5000])
    def test_a_damaged_xls_is_refused(self, cut):
        data = (FIXTURES / "measures.xls").read_bytes()
        broken = data[:cut] + b"\xff" * (len(data) - cut)
        with pytest.raises(ValidationError, match="cannot be read as a spreadsheet"):
            check_import_data(broken, "xls", name="x.xls")
            read_table(broken, "xls", name="x.xls")

    def test_a_small_workbook_kept_in_the_mini_stream_is_read(self):
        data = xls_bytes([["a", "b"], [1, "x"]], mini=True)
        check_import_data(data, "xls", name="x.xls")
        assert read_table(data, "xls").rows == [(2, [1, "x"])]

    def test_a_tiny_file_claiming_a_huge_sheet_is_refused_before_calamine_reads_it(self, settings):
        rows = [[None]] * 65536
        rows[0], rows[-1] = ["a"], [None] * 255 + ["far"]
        data = xls_bytes(rows)
        assert len(data) < 10_000
        with pytest.raises(ValidationError, match="more than 2000000 cells") as caught:
            check_import_data(data, "xls", name="far.xls")
        assert codes(caught.value) == ["too_many_cells"]
        settings.IMPORT_MAX_CELLS = 16
        with pytest.raises(ValidationError, match="more than 16 cells"):
            check_import_data(
                xls_bytes([["a", "b", "c"], [1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1], [2, 2, 2]]), "xls"
            )

    def test_other_extensions_are_refused_naming_what_is_accepted(self):
        with pytest.raises(ValidationError, match=re.escape("only .xlsx, .xls, .ods and .csv files")):
            check_import_upload(upload("x.numbers", b"PK\x03\x04"))


class TestTheImportPage:
    """The door people use: the upload form offers the four formats; an .ods and an .xls ledger are previewed and
    imported like an .xlsx one."""

    def test_the_form_offers_every_format(self):
        from core.imports.forms import ImportUploadForm

        form = ImportUploadForm()
        assert form.fields["file"].widget.attrs["accept"] == ".xlsx,.xls,.ods,.csv"
        assert ".xls" in form.fields["file"].help_text and ".ods" in form.fields["file"].help_text

    @pytest.mark.django_db
    @pytest.mark.parametrize("fmt", ["ods", "xls"])
    def test_a_ledger_in_another_format_is_previewed_and_imported(self, login, alice, tmp_media, fmt):
        from django.urls import reverse

        from core.imports.views import SESSION_KEY
        from safety.models import Hazard
        from tests.core.test_import_columns import LEDGER_HEADERS, ledger_row
        from tests.core.xls_writer import xls_bytes

        rows = [LEDGER_HEADERS, ledger_row(1), ledger_row(2)]
        if fmt == "ods":
            data = ods_bytes(
                b"".join(
                    b"<table:table-row>" + b"".join(ods_cell(v) for v in row) + b"</table:table-row>" for row in rows
                )
            )
        else:
            data = xls_bytes(rows)
        client = login(alice)
        response = client.post(reverse("safety:hazard_import"), {"file": SimpleUploadedFile(f"台账.{fmt}", data)})
        assert "imports/preview.html" in [t.name for t in response.templates]
        outcome = response.context["outcome"]
        assert outcome.ok and outcome.new == 2, outcome.issues
        pending = client.session[SESSION_KEY]["safety.hazard"]
        assert client.post(reverse("safety:hazard_import_confirm"), {"token": pending["token"]}).status_code == 302
        assert sorted(Hazard.objects.values_list("description", flat=True)) == ["护栏缺失1。", "护栏缺失2。"]


def ods_cell(value) -> bytes:
    if isinstance(value, int):
        return b'<table:table-cell office:value-type="float" office:value="%d"/>' % value
    return text_cell(str(value))


# The calamine path for .xlsx ---------------------------------------------------------------------------------


LEDGER_ROWS = [
    ["隐患编号", "发现日期", "整改资金", "描述", None, "是否重大"],
    ["YH-1", datetime.date(2020, 5, 6), 12.5, "护栏缺失", None, "否"],
    [None, None, None, None, None, None],
    ["YH-2", datetime.datetime(2020, 6, 1, 8, 30), 3, "  标志不清  ", "", "是"],
]


def _both_readers(data: bytes, monkeypatch):
    """The table as calamine reads it and as the expat reader does (calamine refused)."""
    from core.imports import files

    calamine = files.read_table(data, files.XLSX, name="台账.xlsx")
    monkeypatch.setattr(files, "_calamine_reads", lambda archive, path: False)
    expat = files.read_table(data, files.XLSX, name="台账.xlsx")
    return calamine, expat


def test_calamine_reads_a_formula_free_sheet_into_the_same_rows_as_the_expat_reader(monkeypatch):
    from core.imports import files

    data = workbook_bytes(LEDGER_ROWS)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert files._calamine_reads(archive, "xl/worksheets/sheet1.xml")  # this sheet takes the fast path
    calamine, expat = _both_readers(data, monkeypatch)
    assert calamine.headers == expat.headers
    assert [number for number, _ in calamine.rows] == [number for number, _ in expat.rows] == [2, 4]
    for (_, fast), (_, slow) in zip(calamine.rows, expat.rows, strict=True):
        assert [files_value(v) for v in fast] == [files_value(v) for v in slow]


def files_value(value):
    """A cell's value as the import's fields clean it: a midnight datetime is its date (calamine gives a date
    where the expat reader gives midnight of it, as for .xls and .ods), a whole float its int."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time.min:
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def test_a_sheet_with_a_formula_or_an_unplaced_cell_is_left_to_the_expat_reader():
    from core.imports import files

    with_formula = workbook_bytes([["数量", "合计"], [2, "=A2*3"]])
    archive = zipfile.ZipFile(io.BytesIO(with_formula))
    assert not files._calamine_reads(archive, "xl/worksheets/sheet1.xml")
    assert files.read_table(with_formula, files.XLSX, name="x.xlsx").formulas == [(2, 2, "=A2*3")]
    unplaced = with_sheet(b'<row r="1"><c t="inlineStr"><is><t>a</t></is></c></row>')
    archive = zipfile.ZipFile(io.BytesIO(unplaced))
    assert not files._calamine_reads(archive, "xl/worksheets/sheet1.xml")


def test_a_sheet_whose_rectangle_exceeds_the_cells_bound_is_left_to_the_expat_reader(settings):
    from core.imports import files

    far = with_sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
                     b'<row r="900000"><c r="XFD900000" t="inlineStr"><is><t>b</t></is></c></row>')  # fmt: skip
    archive = zipfile.ZipFile(io.BytesIO(far))
    assert not files._calamine_reads(archive, "xl/worksheets/sheet1.xml")
