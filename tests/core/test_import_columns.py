"""Sheets as bureaus keep them: the header row is found below titles and notes, columns are matched by the
register's synonyms, and a column nobody recognises is asked about once (the answer is kept for the unit)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.imports.columns import IGNORE, HeaderIndex, find_header, match_columns
from core.imports.files import Sheet
from core.imports.runner import run_import
from core.imports.views import SESSION_KEY
from core.models import ColumnMapping
from safety.models import Hazard
from safety.resources import HazardResource

pytestmark = pytest.mark.django_db

LEDGER_HEADERS = [
    "序号",
    "排查时间",
    "所属领域",
    "隐患等级",
    "隐患来源",
    "乡镇",
    "隐患地点",
    "隐患名称",
    "责任单位",
    "整改时限",
]


def ledger_row(number: int, **overrides) -> list:
    row = {
        "序号": number,
        "排查时间": "2020-04-01",
        "所属领域": "Road transport",
        "隐患等级": "General",
        "隐患来源": "Found in inspection",
        "乡镇": "淮川街道",
        "隐患地点": "淮川街道白沙路",
        "隐患名称": f"护栏缺失{number}。",
        "责任单位": "规划建设科",
        "整改时限": "2020/5/1",
    }
    row.update(overrides)
    return [row.get(header) for header in LEDGER_HEADERS] + list(overrides.get("_extra", []))


def ledger(rows: list[list], *, headers=LEDGER_HEADERS, title=True) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["浏阳市交通运输领域安全隐患排查台账（2020年）"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        sheet.append([])
        sheet.append(["填报单位：规划建设科"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def preview(user, data: bytes, **kwargs):
    return run_import(resource=HazardResource(user=user), data=data, fmt="xlsx", user=user, dry_run=True, **kwargs)


# Finding the header ---------------------------------------------------------------------------------------------


def test_the_header_is_found_below_a_title_a_blank_row_and_a_note(alice):
    with translation.override("en"):
        outcome = preview(alice, ledger([ledger_row(1), ledger_row(2)]))
    assert outcome.ok, [str(issue) for issue in outcome.issues]
    assert outcome.new == 2
    assert [row.row for row in outcome.rows] == [5, 6]
    assert outcome.header == "Row 4 was taken as the header."
    assert [number for number, _text in outcome.skipped_rows] == [1, 3]
    assert outcome.ignored_columns == ["序号"]  # a row-number column is left out without asking, and named


def test_a_two_level_header_takes_the_lower_names_under_a_group():
    index = HeaderIndex.build({"unit": ["责任单位"], "person": ["责任人"], "description": ["隐患名称"]})
    sheet = Sheet(rows=[(1, ["隐患名称", "五定", None]), (2, [None, "责任单位", "责任人"]), (3, ["a", "b", "c"])])
    found = find_header(sheet, index)
    assert found.rows == (1, 2)
    columns = match_columns(found.texts, index, importable={"unit", "person", "description"}, reference_only=set())
    assert [column.field for column in columns] == ["description", "unit", "person"]


def test_headers_match_in_full_width_with_markers_and_a_unit_in_brackets():
    index = HeaderIndex.build({"funds": ["整改资金"], "deadline": ["整改时限"]})
    assert index.match("＊整改资金（万元）") == "funds"
    assert index.match(" 整改 时限 *") == "deadline"
    assert index.match("备注") is None


def test_a_column_with_neither_header_nor_data_is_left_out_without_asking():
    index = HeaderIndex.build({"a": ["甲"], "b": ["乙"]})
    columns = match_columns(["甲", "", "乙"], index, importable={"a", "b"}, reference_only=set(), filled={1, 3})
    assert [(column.field, column.how) for column in columns] == [("a", "header"), (IGNORE, "empty"), ("b", "header")]


def test_data_right_of_the_last_header_is_asked_about_not_refused(alice):
    rows = [ledger_row(1) + ["另见附件"], ledger_row(2)]
    outcome = preview(alice, ledger(rows))
    assert outcome.needs_mapping and not outcome.file_issues
    unknown = [column for column in outcome.columns if column.how == "unknown"]
    assert [column.letter for column in unknown] == ["K"]
    assert outcome.sample[11] == ["另见附件"]


# The mapping step, through the pages ------------------------------------------------------------------------------


def upload(client, data: bytes, name="台账.xlsx"):
    return client.post(reverse("safety:hazard_import"), {"file": SimpleUploadedFile(name, data)})


def test_an_unknown_column_is_mapped_once_then_offered_again_for_the_unit(login, alice, carol, tmp_media):
    headers = [*LEDGER_HEADERS, "整改负责人", "备注"]
    data = ledger([ledger_row(1, _extra=["王五", "无"]), ledger_row(2, _extra=["赵六", ""])], headers=headers)
    client = login(alice)
    response = upload(client, data)
    assert response.status_code == 200 and "imports/mapping.html" in [t.name for t in response.templates]
    form = response.context["form"]
    assert [field.label for field in form] == ["整改负责人", "备注"]
    assert not Hazard.objects.exists()
    pending = client.session[SESSION_KEY]["safety.hazard"]
    assert not pending["ok"]
    refused = client.post(reverse("safety:hazard_import_confirm"), {"token": pending["token"]})
    assert refused.status_code == 302 and not Hazard.objects.exists()  # nothing to confirm before the mapping

    response = upload(client, data)  # upload again: the confirm above forgot the file
    pending = client.session[SESSION_KEY]["safety.hazard"]
    response = client.post(
        reverse("safety:hazard_import"),
        {"mapping_token": pending["token"], "column_11": "responsible_person", "column_12": IGNORE},
    )
    assert response.status_code == 200 and "imports/preview.html" in [t.name for t in response.templates]
    outcome = response.context["outcome"]
    assert outcome.ok and outcome.new == 2 and outcome.ignored_columns == ["序号", "备注"]
    assert dict(ColumnMapping.objects.values_list("header_key", "field")) == {
        "整改负责人": "responsible_person",
        "备注": IGNORE,
    }
    pending = client.session[SESSION_KEY]["safety.hazard"]
    response = client.post(reverse("safety:hazard_import_confirm"), {"token": pending["token"]})
    assert response.status_code == 302
    assert sorted(Hazard.objects.values_list("responsible_person", flat=True)) == ["王五", "赵六"]

    # next time, a colleague of the same unit goes straight to the preview
    response = upload(login(carol), data)
    assert "imports/preview.html" in [t.name for t in response.templates]
    assert response.context["outcome"].ok


def test_the_mapping_step_refuses_one_field_for_two_columns(login, alice, tmp_media):
    headers = [*LEDGER_HEADERS, "整改负责人", "联系人"]
    client = login(alice)
    upload(client, ledger([ledger_row(1, _extra=["王五", "赵六"])], headers=headers))
    pending = client.session[SESSION_KEY]["safety.hazard"]
    response = client.post(
        reverse("safety:hazard_import"),
        {"mapping_token": pending["token"], "column_11": "responsible_person", "column_12": "responsible_person"},
    )
    assert "imports/mapping.html" in [t.name for t in response.templates]
    assert response.context["form"].errors["column_12"]
    assert not ColumnMapping.objects.exists()


def test_the_mapping_step_offers_only_fields_the_file_does_not_name(login, alice, tmp_media):
    client = login(alice)
    response = upload(client, ledger([ledger_row(1, _extra=["x"])], headers=[*LEDGER_HEADERS, "备注"]))
    offered = {value for value, _label in response.context["form"].fields["column_11"].choices}
    assert "found_on" not in offered and "responsible_person" in offered and IGNORE in offered
    assert "status" not in offered and "code" not in offered  # never written by an import


def test_a_forged_mapping_token_or_field_is_refused(login, alice, tmp_media):
    client = login(alice)
    upload(client, ledger([ledger_row(1, _extra=["x"])], headers=[*LEDGER_HEADERS, "备注"]))
    response = client.post(reverse("safety:hazard_import"), {"mapping_token": "forged", "column_11": IGNORE})
    assert response.status_code == 302 and not ColumnMapping.objects.exists()
    pending = client.session[SESSION_KEY]["safety.hazard"]
    response = client.post(reverse("safety:hazard_import"), {"mapping_token": pending["token"], "column_11": "status"})
    assert response.context["form"].errors["column_11"] and not ColumnMapping.objects.exists()


def test_a_user_who_may_not_import_cannot_post_a_mapping(login, leo, tmp_media):
    response = login(leo).post(reverse("plans:measure_import"), {"mapping_token": "x", "column_11": IGNORE})
    assert response.status_code == 403


# Each register's synonyms --------------------------------------------------------------------------------------


def every_resource():
    from django.urls import get_resolver

    from core.imports.views import _FLOWS

    assert get_resolver().url_patterns  # the flows are declared with the URLs
    return sorted({flow.resource_class for flow in _FLOWS.values()}, key=lambda cls: cls.__name__)


@pytest.mark.parametrize("resource_class", every_resource(), ids=lambda cls: cls.__name__)
def test_every_synonym_names_a_column_of_its_register_and_only_one(resource_class):
    resource = resource_class()
    assert set(resource.header_synonyms) <= set(resource.fields)
    index = resource.header_index()
    for name, synonyms in resource.header_synonyms.items():
        for synonym in synonyms:
            assert index.match(synonym) == name, (synonym, index.match(synonym))
    for name, field in resource.fields.items():
        assert index.match(field.column_name) == name
