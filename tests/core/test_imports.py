"""The shared import/export helpers (core.imports): upload checks, reading, widgets, neutralisation."""

import datetime
import io
import os
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import translation

from core.imports.files import (
    check_import_data,
    check_import_upload,
    delete_import_file,
    load_import_file,
    purge_stale_import_files,
    read_table,
    store_import_file,
)
from core.imports.resources import FORMULA_PREFIXES, neutralise, unneutralise
from core.imports.runner import error_message
from core.imports.views import attachment_disposition
from core.imports.widgets import (
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    NameForeignKeyWidget,
    NameManyToManyWidget,
)
from organisation.models import Unit
from plans.choices import MeasureStatus
from plans.resources import MeasureResource


def workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same zip with one member's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return stream.getvalue()


def add_member(data: bytes, name: str, content: bytes) -> bytes:
    stream = io.BytesIO(data)
    with zipfile.ZipFile(stream, "a", zipfile.ZIP_DEFLATED) as target:
        target.writestr(name, content)
    return stream.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# Upload checks ---------------------------------------------------------------------------------------------


class TestUploadChecks:
    def test_a_real_workbook_passes(self):
        data = workbook_bytes([["a", "b"], [1, 2]])
        assert check_import_upload(upload("measures.xlsx", data)) == ("xlsx", data)

    def test_a_file_over_the_size_limit_is_refused_before_it_is_read(self, settings):
        settings.IMPORT_MAX_BYTES = 100
        with pytest.raises(ValidationError, match="the limit is 100"):
            check_import_upload(upload("big.csv", b"a,b\n" + b"1,2\n" * 100))

    def test_other_extensions_are_refused(self):
        with pytest.raises(ValidationError, match=r"only .xlsx, .xls, .ods and .csv files"):
            check_import_upload(upload("measures.doc", b"\xd0\xcf\x11\xe0"))

    def test_a_text_file_named_xlsx_is_refused(self):
        with pytest.raises(ValidationError, match="is not an Excel workbook") as caught:
            check_import_upload(upload("measures.xlsx", b"year,title\n2020,fake\n"))
        assert codes(caught.value) == ["not_xlsx"]

    def test_a_zip_that_is_not_a_workbook_is_refused(self):
        stream = io.BytesIO()
        with zipfile.ZipFile(stream, "w") as archive:
            archive.writestr("readme.txt", "hello")
        with pytest.raises(ValidationError, match="is not an Excel workbook"):
            check_import_data(stream.getvalue(), "xlsx", name="x.xlsx")

    def test_a_broken_zip_is_refused(self):
        with pytest.raises(ValidationError, match="is damaged"):
            check_import_data(b"PK\x03\x04" + b"\x00" * 50, "xlsx", name="x.xlsx")

    def test_members_that_unpack_beyond_the_limit_are_refused(self, settings):
        settings.IMPORT_MAX_UNPACKED_BYTES = 200_000
        data = add_member(workbook_bytes([["a"]]), "xl/media/image1.png", b"\x89PNG" + bytes(range(256)) * 1000)
        with pytest.raises(ValidationError, match="unpacks to more than") as caught:
            check_import_data(data, "xlsx", name="bomb.xlsx")
        assert codes(caught.value) == ["zip_bomb"]

    def test_a_member_compressed_a_thousand_times_is_refused(self):
        data = add_member(workbook_bytes([["a"]]), "xl/media/zeros.bin", b"\x00" * 3_000_000)
        with pytest.raises(ValidationError, match="compressed suspiciously well") as caught:
            check_import_data(data, "xlsx", name="bomb.xlsx")
        assert codes(caught.value) == ["zip_bomb"]

    def test_a_sheet_with_an_entity_bomb_is_refused(self):
        bomb = (
            b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
        )
        data = replace_member(workbook_bytes([["a"]]), "xl/worksheets/sheet1.xml", bomb)
        with pytest.raises(ValidationError, match=r"XML that is not allowed .*xl/worksheets/sheet1.xml") as caught:
            check_import_upload(upload("bomb.xlsx", data))
        assert codes(caught.value) == ["unsafe_xml"]

    def test_an_external_entity_in_the_shared_strings_is_refused(self):
        xxe = (
            b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>'
        )
        data = add_member(workbook_bytes([["a"]]), "xl/sharedStrings.xml", xxe)
        with pytest.raises(ValidationError, match="XML that is not allowed"):
            check_import_data(data, "xlsx", name="xxe.xlsx")

    def test_a_damaged_xml_part_is_refused(self):
        data = replace_member(workbook_bytes([["a"]]), "xl/workbook.xml", b"<workbook><unclosed></workbook>")
        with pytest.raises(ValidationError, match="xl/workbook.xml cannot be read"):
            check_import_data(data, "xlsx", name="broken.xlsx")

    @pytest.mark.parametrize(
        "data",
        [
            "年度,举措名称\n2020,道路建设\n".encode(),
            "\ufeff年度,举措名称\n2020,道路建设\n".encode(),
            "年度,举措名称\n2020,道路建设\n".encode("gb18030"),
        ],
        ids=["utf-8", "utf-8 with BOM", "gb18030"],
    )
    def test_csv_in_the_encodings_excel_writes_passes(self, data):
        check_import_upload(upload("measures.csv", data))
        assert read_table(data, "csv").headers == ["年度", "举措名称"]

    def test_csv_with_nul_bytes_is_refused(self):
        with pytest.raises(ValidationError, match="NUL bytes"):
            check_import_upload(upload("measures.csv", "年度\n".encode("utf-16")))

    def test_a_workbook_renamed_to_csv_is_refused(self):
        with pytest.raises(ValidationError, match="NUL bytes|neither UTF-8"):
            check_import_upload(upload("measures.csv", workbook_bytes([["a"]])))

    def test_csv_in_no_known_encoding_is_refused(self):
        with pytest.raises(ValidationError, match="neither UTF-8 nor GB18030"):
            check_import_data(b"a,b\n\xff\xfe\xff,1\n", "csv", name="x.csv")


# Reading -------------------------------------------------------------------------------------------------


class TestReadTable:
    def test_rows_keep_their_spreadsheet_numbers_and_blank_rows_are_left_out(self):
        data = workbook_bytes([["年度", "举措名称"], [2020, "甲"], [None, None], [2020, "乙"]])
        table = read_table(data, "xlsx")
        assert table.headers == ["年度", "举措名称"]
        assert table.rows == [(2, [2020, "甲"]), (4, [2020, "乙"])]

    def test_short_csv_rows_are_padded(self):
        table = read_table(b"a,b,c\n1\n", "csv")
        assert table.rows == [(2, ["1", None, None])]

    def test_values_beyond_the_last_header_are_refused(self):
        with pytest.raises(ValidationError, match="Row 2 has values to the right"):
            read_table(b"a,b\n1,2,3\n", "csv")

    def test_too_many_rows_are_refused(self, settings):
        settings.IMPORT_MAX_ROWS = 3
        with pytest.raises(ValidationError, match="more than 3 rows"):
            read_table(workbook_bytes([["a"], [1], [2], [3], [4]]), "xlsx")
        assert len(read_table(b"a\n1\n2\n3\n", "csv").rows) == 3

    def test_a_sheet_claiming_a_million_rows_and_columns_costs_nothing(self, settings):
        settings.IMPORT_MAX_ROWS = 10
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["a", "b"])
        sheet["XFD1"] = "far right"  # column 16384
        stream = io.BytesIO()
        workbook.save(stream)
        table = read_table(stream.getvalue(), "xlsx")
        assert table.headers == ["a", "b"]  # read up to MAX_COLUMNS only

        sheet["A1048576"] = "far down"
        stream = io.BytesIO()
        workbook.save(stream)
        with pytest.raises(ValidationError, match="more than 10 rows"):
            read_table(stream.getvalue(), "xlsx")  # stops after scanning a bounded number of empty rows

    def test_an_empty_file_is_refused(self):
        with pytest.raises(ValidationError, match="no header row"):
            read_table(b"\n\n", "csv", name="x.csv")


class TestStoredFiles:
    def test_a_stored_file_is_kept_under_a_random_name_and_deleted(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        name = store_import_file(b"a,b\n", "csv")
        assert name.startswith("imports/") and name.endswith(".csv") and len(name) > 30
        assert load_import_file(name) == b"a,b\n"
        delete_import_file(name)
        assert load_import_file(name) is None

    def test_files_nobody_confirmed_are_purged(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        old, new = store_import_file(b"old", "csv"), store_import_file(b"new", "csv")
        day_ago = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
        os.utime(tmp_path / old, (day_ago, day_ago))
        assert purge_stale_import_files() == 1
        assert load_import_file(old) is None and load_import_file(new) == b"new"

    @pytest.mark.parametrize("name", ["../settings.py", "/etc/passwd", "imports/../../x.csv", "other/x.csv"])
    def test_only_names_inside_the_imports_folder_are_read(self, settings, tmp_path, name):
        settings.MEDIA_ROOT = tmp_path
        assert load_import_file(name) is None


# Widgets -------------------------------------------------------------------------------------------------


class TestDateWidget:
    @pytest.mark.parametrize(
        "value",
        [
            datetime.date(2020, 3, 15),
            datetime.datetime(2020, 3, 15, 0, 0),
            "2020-03-15",
            "2020-3-15",
            "2020/3/15",
            "2020/03/15",
            "2020.3.15",
            "2020年3月15日",
            "2020年03月15日",
            " 2020-03-15 ",
            "2020-03-15 00:00:00",
        ],
    )
    def test_accepted_forms(self, value):
        assert DateWidget().clean(value) == datetime.date(2020, 3, 15)

    @pytest.mark.parametrize("value", [None, "", "   "])
    def test_an_empty_cell_is_none(self, value):
        assert DateWidget().clean(value) is None

    @pytest.mark.parametrize("value", ["2020-02-30", "15/3/2020", "三月", "2020-03", "2020-3/15"])
    def test_a_bad_date_names_the_value(self, value):
        with pytest.raises(ValueError, match=f"“{value}” is not a date"):
            DateWidget().clean(value)

    def test_export_is_a_date_cell_for_excel_and_iso_text_for_csv(self):
        day = datetime.date(2020, 3, 15)
        assert DateWidget().render(day, force_native_type=True) == day
        assert DateWidget().render(day) == "2020-03-15"
        assert DateWidget().render(None) == ""


class TestIntegerWidget:
    @pytest.mark.parametrize("value, expected", [(50, 50), (50.0, 50), ("50", 50), (" 50% ", 50), ("0", 0)])
    def test_accepted(self, value, expected):
        assert IntegerWidget(min_value=0, max_value=100).clean(value) == expected

    @pytest.mark.parametrize("value", ["abc", "12.5", 12.5, "1e400", True])
    def test_not_a_whole_number(self, value):
        with pytest.raises(ValueError, match="is not a whole number"):
            IntegerWidget().clean(value)

    def test_out_of_bounds(self):
        with pytest.raises(ValueError, match="101 is not between 0 and 100"):
            IntegerWidget(min_value=0, max_value=100).clean(101)

    def test_required(self):
        assert IntegerWidget().clean("") is None
        with pytest.raises(ValueError, match="must not be empty"):
            IntegerWidget(required=True).clean(None)


class TestChoiceWidget:
    @pytest.mark.parametrize("value", ["In progress", "in progress", "in_progress"])
    def test_by_label_or_code(self, value):
        assert ChoiceWidget(MeasureStatus).clean(value) == MeasureStatus.IN_PROGRESS

    def test_unknown_value_lists_the_choices(self):
        with pytest.raises(ValueError, match="Unknown value “done”; use one of: Not started、In progress"):
            ChoiceWidget(MeasureStatus).clean("done")

    def test_exports_the_label(self):
        assert ChoiceWidget(MeasureStatus).render(MeasureStatus.LAGGING) == "Lagging"


@pytest.mark.django_db
class TestNameWidgets:
    @pytest.fixture
    def units(self):
        return [
            Unit.objects.create(name="规划建设科", short_name="规建科"),
            Unit.objects.create(name="安全应急科", short_name="安全科"),
            Unit.objects.create(name="综合科"),
        ]

    def test_names_are_looked_up_in_one_query(self, units, django_assert_num_queries):
        widget = NameForeignKeyWidget(Unit.objects.all(), keys=("name", "short_name"))
        with django_assert_num_queries(1):  # SELECT organisation_unit, once
            assert widget.clean("规划建设科") == units[0]
            assert widget.clean(" 安全科 ") == units[1]
            assert widget.clean("综合科") == units[2]
            assert widget.clean("") is None

    def test_an_unknown_name_is_named(self, units):
        widget = NameForeignKeyWidget(Unit.objects.all())
        with pytest.raises(ValueError, match="Unknown unit “财务科”"):
            widget.clean("财务科")

    def test_an_ambiguous_name_is_refused(self, units):
        Unit.objects.create(name="规建科")  # another unit's short name
        widget = NameForeignKeyWidget(Unit.objects.all(), keys=("name", "short_name"))
        with pytest.raises(ValueError, match="names more than one unit"):
            widget.clean("规建科")

    def test_many_names_with_every_separator(self, units, django_assert_num_queries):
        widget = NameManyToManyWidget(Unit.objects.all(), keys=("name", "short_name"))
        with django_assert_num_queries(1):
            assert widget.clean("规划建设科、安全科,综合科") == units
            assert widget.clean("规划建设科，安全应急科;综合科；规划建设科") == units
            assert widget.clean("") == []

    def test_every_unknown_name_is_reported(self, units):
        widget = NameManyToManyWidget(Unit.objects.all())
        with pytest.raises(ValueError, match="Unknown unit “甲科”. Unknown unit “乙科”."):
            widget.clean("甲科、规划建设科、乙科")

    def test_each_resource_copy_loads_its_own_map(self, units, django_assert_num_queries):
        import copy

        widget = NameForeignKeyWidget(Unit.objects.all())
        widget.clean("综合科")
        Unit.objects.create(name="新科室")
        fresh = copy.deepcopy(widget)
        assert fresh.clean("新科室").name == "新科室"


# Neutralisation ----------------------------------------------------------------------------------------


class TestNeutralise:
    @pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
    def test_formula_prefixes_get_a_quote(self, prefix):
        assert neutralise(f"{prefix}1+1") == f"'{prefix}1+1"

    @pytest.mark.parametrize("value", ["道路", "1+1", "", "'abc", "''abc", " =1"])
    def test_other_text_is_left_alone(self, value):
        assert neutralise(value) == value
        assert unneutralise(value) == value

    @pytest.mark.parametrize("value, expected", [("'=x", "''=x"), ("''-x", "'" * 3 + "-x")])
    def test_text_that_looks_neutralised_gets_one_more_quote(self, value, expected):
        assert neutralise(value) == expected

    def test_import_strips_exactly_one_quote(self):
        assert unneutralise("'=SUM(A1:A9)") == "=SUM(A1:A9)"
        assert unneutralise("''@x") == "'@x"

    @pytest.mark.parametrize(
        "value",
        [
            *(f"{prefix}cmd|' /C calc'!A0" for prefix in FORMULA_PREFIXES),
            "'=x",
            "''=x",
            "'" * 3 + "+x",
            "'abc",
            "=",
            "x",
        ],
    )
    def test_round_trip_gives_back_the_original(self, value):
        assert unneutralise(neutralise(value)) == value

    def test_non_text_is_left_alone(self):
        assert neutralise(-5) == -5
        assert unneutralise(None) is None


def test_attachment_disposition_has_an_ascii_fallback_and_the_utf8_name():
    header = attachment_disposition("举措_2020.xlsx", "measures_2020.xlsx")
    assert header == ("attachment; filename=\"measures_2020.xlsx\"; filename*=UTF-8''%E4%B8%BE%E6%8E%AA_2020.xlsx")


def test_a_database_rule_broken_by_a_row_is_named_by_its_constraint():
    error = IntegrityError("CHECK constraint failed: plans_measure_start_before_due")
    assert error_message(MeasureResource(), error) == "The start date must not be after the due date."
    assert error_message(MeasureResource(), IntegrityError("other")) == (
        "This row breaks a rule of the database and cannot be saved."
    )
