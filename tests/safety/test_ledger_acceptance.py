"""The acceptance case of a ledger kept the way a bureau keeps it: a title merged over the columns, a note row, the
Chinese headers the clerk uses (one the portal does not know), three date styles, 一般隐患 wording, a formula,
statuses, and a few bad rows. As it is, after at most one mapping step, the preview accepts the good rows,
refuses the bad ones naming the row, the Chinese column and the reason, and nothing is written until confirmed."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.imports.views import SESSION_KEY
from organisation.models import UnitAlias
from safety.choices import HazardLevel, HazardStatus
from safety.models import Hazard, HazardLedger

pytestmark = pytest.mark.django_db

HEADERS = [
    "序号",
    "排查日期",
    "所属领域",
    "隐患等级",
    "隐患来源",
    "所在乡镇",
    "隐患部位",
    "存在问题",
    "责任单位",
    "整改措施",
    "整改资金（万元）",
    "整改时限",
    "填报人",
    "整改情况",
    "备注说明",  # not a portal column: the mapping step asks about it
]


def ledger_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["浏阳市交通运输领域安全隐患排查整治台账（2020年）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(["填报单位：安全应急科", None, None, None, None, None, None, None, None, None, None, "单位：万元"])
    sheet.append([])
    sheet.append(HEADERS)
    good = [
        # a real date cell, 一般隐患, a township without its suffix, a unit by another name, already rectified
        [1, datetime.date(2020, 3, 2), "道路运输", "一般隐患", "执法检查", "淮川", "白沙路口", "护栏缺失", "规划科",
         "补设护栏", 1.5, datetime.date(2020, 4, 30), "王五", "已整改", "已复查"],
        # text date with slashes, 重大隐患, still being rectified, the measures written by a formula
        [2, "2020/3/5", "公路", "重大隐患", "企业自查", "集里街道", "浏阳大桥", "桥墩冲刷", "规建科",
         '=CONCATENATE("抛石","防护")', 5, "2020/6/30", "李四", "整改中", ""],
        # 2020年3月9日 style, not started
        [3, "2020年3月9日", "水上交通", "一般", "群众举报", "淮川街道", "浏阳河码头", "救生设施不足", "安全科",
         "配齐救生衣", 0, "2020年5月31日", "赵六", "未整改", ""],
    ]  # fmt: skip
    bad = [
        # an unknown level, a date that is no date
        [4, "2020-13-45", "道路运输", "较大隐患", "执法检查", "淮川", "金沙路", "标线不清", "规划科",
         "", 0, "2020-05-01", "王五", "未整改", ""],
        # an unknown township and no description
        [5, "2020-03-12", "道路运输", "一般隐患", "执法检查", "火星镇", "某处", None, "规划科",
         "", 0, "2020-05-01", "王五", "未整改", ""],
    ]  # fmt: skip
    for values in good + bad:
        sheet.append(values)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_a_ledger_as_a_bureau_keeps_it_imports_after_one_mapping_step(login, bob, unit_a, unit_b, tmp_media):
    UnitAlias.objects.create(unit=unit_a, name="规划科")
    client = login(bob)
    url = reverse("safety:ledger_import")
    data = ledger_workbook()
    response = client.post(url, {"file": SimpleUploadedFile("2020年隐患台账.xlsx", data)})

    # One mapping step, for the one column the portal does not know; it is left out.
    assert response.templates[0].name == "imports/mapping.html"
    pending = client.session[SESSION_KEY]["safety.hazard_ledger"]
    (unknown,) = pending["columns"]
    assert unknown["label"] == "备注说明"
    response = client.post(url, {"mapping_token": pending["token"], unknown["name"]: ""})
    outcome = response.context["outcome"]

    assert outcome.header and "4" in str(outcome.header)  # the header row found below the title and the note
    problems = {(issue.row, issue.column): issue.message for issue in outcome.issues}
    assert not outcome.ok
    assert {row for row, _column in problems} == {8, 9}  # the bad rows, by their row in the sheet
    assert problems[(8, "隐患等级")].count("较大隐患") == 1
    assert "2020-13-45" in problems[(8, "排查日期")]
    assert "火星镇" in problems[(9, "乡镇（街道）")]
    assert (9, "隐患描述") in problems
    assert any("CONCATENATE" in str(warning) and "J6" in str(warning) for warning in outcome.warnings)
    assert not Hazard.objects.exists() and not HazardLedger.objects.exists()  # nothing written

    # The clerk deletes the bad rows and uploads again: the saved mapping is offered, no step this time.
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.active.delete_rows(8, 2)
    stream = io.BytesIO()
    book.save(stream)
    response = client.post(url, {"file": SimpleUploadedFile("2020年隐患台账.xlsx", stream.getvalue())})
    outcome = response.context["outcome"]
    assert outcome.ok and outcome.new == 3, [str(issue) for issue in outcome.issues]
    assert not Hazard.objects.exists()
    pending = client.session[SESSION_KEY]["safety.hazard_ledger"]
    assert client.post(reverse("safety:ledger_import_confirm"), {"token": pending["token"]}).status_code == 302

    hazards = {hazard.location: hazard for hazard in Hazard.objects.select_related("township")}
    assert {location: hazard.status for location, hazard in hazards.items()} == {
        "白沙路口": HazardStatus.CLOSED,
        "浏阳大桥": HazardStatus.RECTIFYING,
        "浏阳河码头": HazardStatus.PENDING,
    }
    assert [hazards[name].found_on for name in ("白沙路口", "浏阳大桥", "浏阳河码头")] == [
        datetime.date(2020, 3, 2),
        datetime.date(2020, 3, 5),
        datetime.date(2020, 3, 9),
    ]
    bridge = hazards["浏阳大桥"]
    assert bridge.level == HazardLevel.MAJOR and bridge.responsible_unit == unit_a
    assert bridge.measures == '=CONCATENATE("抛石","防护")'  # the formula's text, as literal text
    assert hazards["白沙路口"].township.name == "淮川街道" and hazards["白沙路口"].responsible_unit == unit_a
    assert hazards["浏阳河码头"].responsible_unit == unit_b
    assert {hazard.reported_by_name for hazard in hazards.values()} == {"王五", "李四", "赵六"}
    assert HazardLedger.objects.get().original_name == "2020年隐患台账.xlsx"
