"""The export that is each register's import template: every header in Chinese, a 填写说明 sheet (each column:
required or not, what it may hold, an example; and an example row), drop-downs on the choice columns; the
example row imports as it stands."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from core.imports.runner import run_import
from safety import services
from safety.models import Hazard
from safety.resources import HazardResource
from tests.safety.factories import register_fields

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
EXPORTS = [
    ("safety:hazard_export", ()),
    ("projects:project_export", ()),
    ("projects:progress_export", ()),
    ("enterprises:enterprise_export", ()),
    ("enterprises:vehicle_export", ()),
    ("plans:measure_export", ()),
    ("emergency:roster_export", (2020, 5)),
]


def download(client, name, args=()) -> openpyxl.Workbook:
    response = client.get(reverse(name, args=args) + "?format=xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, (name, response.status_code)
    return openpyxl.load_workbook(io.BytesIO(response.content))


def instructions(book) -> list[tuple]:
    return list(book["填写说明"].iter_rows(values_only=True))


@pytest.mark.parametrize(("name", "args"), EXPORTS)
def test_every_template_is_in_chinese_with_instructions_for_each_column(login, admin_user, name, args):
    book = download(login(admin_user), name, args)
    data = book.worksheets[0]
    assert book.sheetnames.index("填写说明") == 1  # the import reads the first sheet: the rows
    headers = [cell.value for cell in data[1]]
    assert headers and all(CJK.search(header) for header in headers), headers
    rows = instructions(book)
    listed = {row[0] for row in rows[4:] if row and row[0]}
    assert set(headers) <= listed, set(headers) - listed
    assert not any("Field" in str(value) or "null" in str(value) for row in rows for value in row if value)


def test_the_hazard_template_explains_choices_and_offers_them_in_drop_downs(login, admin_user):
    book = download(login(admin_user), "safety:hazard_export")
    rows = {row[0]: row for row in instructions(book) if row and row[0]}
    assert rows["隐患等级"][1] == "是"  # required
    assert "一般" in rows["隐患等级"][2] and "重大" in rows["隐患等级"][2]
    assert rows["排查日期"][3] == "2020-04-01" and rows["隐患描述"][1] == "是"
    with translation.override("zh-hans"):
        status = HazardResource().fields["status"].column_name
    assert "仅供参考" in rows[status][2] and not rows[status][3]  # the status is for reference, never imported
    data = book.worksheets[0]
    headers = [cell.value for cell in data[1]]
    level_column = openpyxl.utils.get_column_letter(headers.index("隐患等级") + 1)
    (validation,) = [v for v in data.data_validations.dataValidation if str(v.sqref).startswith(level_column)]
    sheet_name, cells = validation.formula1.split("!")
    values = [cell.value for row in book[sheet_name.strip("'")][cells.replace("$", "")] for cell in row]
    assert values == ["一般", "重大"]
    assert book[sheet_name.strip("'")].sheet_state == "hidden"


def test_the_example_row_of_the_hazard_template_imports_as_it_stands(login, admin_user, alice, unit_a):
    book = download(login(alice), "safety:hazard_export")
    rows = instructions(book)
    headers, example = rows[-2], rows[-1]
    sheet = openpyxl.Workbook()
    sheet.active.append(list(headers))
    sheet.active.append(["" if value is None else value for value in example])
    stream = io.BytesIO()
    sheet.save(stream)
    outcome = run_import(
        resource=HazardResource(user=alice), data=stream.getvalue(), fmt="xlsx", user=alice, dry_run=False
    )
    assert outcome.ok, [str(issue) for issue in outcome.issues]
    assert Hazard.objects.get().description == "弯道外侧护栏缺失，存在车辆坠落风险。"


def test_the_project_template_does_not_head_a_column_as_a_hazard_description(login, admin_user):
    headers = [cell.value for cell in download(login(admin_user), "projects:project_export").worksheets[0][1]]
    assert "隐患描述" not in headers and "建设内容" in headers


def test_an_exported_workbook_still_imports_back_unchanged(login, alice, unit_a):
    """The instructions and the lists are extra sheets: the import reads the rows of the first."""
    services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    response = login(alice).get(reverse("safety:hazard_export") + "?format=xlsx")
    outcome = run_import(
        resource=HazardResource(user=alice), data=response.content, fmt="xlsx", user=alice, dry_run=True
    )
    assert outcome.ok and outcome.new == 0 and outcome.unchanged == 1, [str(issue) for issue in outcome.issues]
