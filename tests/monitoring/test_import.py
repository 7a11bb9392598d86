"""Importing the monitoring platform's exports as the county receives them (a GBK CSV with a title line above
the header, or a workbook): unknown plates and malformed times are row problems naming the column, an exact
duplicate alarm is counted once (and the preview says how many were merged), a row about a recorded alarm
updates its handling; the rollups follow; only administrators and the safety-supervising unit import."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.imports.runner import run_import
from monitoring.models import Alarm, DailyRollup, VehicleDayMileage
from monitoring.resources import AlarmResource, MileageResource

pytestmark = pytest.mark.django_db

TITLE = "浏阳市两客一危智能监控平台报警明细（2020年11月）"
ALARM_HEADERS = [
    "车牌号码",
    "车牌颜色",
    "所属企业",
    "驾驶员",
    "报警类型",
    "报警开始时间",
    "报警结束时间",
    "速度",
    "处理状态",
    "处理时间",
    "处理方式",
]
FATIGUE = ["湘A12345", "黄色", "浏阳市汽车运输有限公司", "张伟", "生理疲劳", "2020-11-03 08:15:20",
           "2020-11-03 08:15:30", "62", "已处理", "2020-11-03 08:20:00", "语音提醒"]  # fmt: skip
PHONE = ["湘A12345", "黄色", "浏阳市汽车运输有限公司", "张伟", "使用手持电话", "2020/11/3 9:00",
         "", "40.5", "未处理", "", ""]  # fmt: skip


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def gbk_csv(headers, rows, title=TITLE) -> bytes:
    lines = [title, ",".join(headers), *(",".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def workbook(headers, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def run(resource_class, user, data: bytes, *, fmt="csv", dry_run=False):
    with translation.override("zh-hans"):
        return run_import(resource=resource_class(user=user), data=data, fmt=fmt, user=user, dry_run=dry_run)


class TestAlarmImport:
    def test_a_gbk_csv_with_a_title_line_records_the_alarms_and_their_rollup(self, bob, vehicle_a, driver_a):
        outcome = run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [FATIGUE, PHONE]))

        assert outcome.ok, [str(issue) for issue in outcome.issues]
        assert outcome.new == 2
        fatigue = Alarm.objects.get(alarm_type="fatigue")
        assert fatigue.driver == driver_a and fatigue.handling_status == "handled"
        assert fatigue.started_at == datetime.datetime(2020, 11, 3, 0, 15, 20, tzinfo=datetime.UTC)  # UTC stored
        assert str(fatigue.speed) == "62.0" and fatigue.handling_method == "语音提醒"
        rollup = DailyRollup.objects.get()
        assert (rollup.alarms, rollup.handled, rollup.handled_in_time) == (2, 1, 1)
        assert rollup.by_type == {"fatigue": 1, "phone": 1} and rollup.driver == driver_a

    def test_a_workbook_is_read_the_same(self, bob, vehicle_a, driver_a):
        outcome = run(AlarmResource, bob, workbook(ALARM_HEADERS, [FATIGUE]), fmt="xlsx")

        assert outcome.ok, [str(issue) for issue in outcome.issues]
        assert Alarm.objects.count() == 1

    def test_an_exact_duplicate_is_counted_once_and_the_preview_says_so(self, bob, vehicle_a, driver_a):
        data = gbk_csv(ALARM_HEADERS, [FATIGUE, PHONE, FATIGUE, FATIGUE])

        preview = run(AlarmResource, bob, data, dry_run=True)

        assert preview.ok and (preview.new, preview.unchanged) == (2, 2)
        assert any("2" in str(warning) and "已合并计为一条" in str(warning) for warning in preview.warnings)
        assert not Alarm.objects.exists()  # a preview writes nothing
        run(AlarmResource, bob, data)
        assert Alarm.objects.count() == 2
        assert DailyRollup.objects.get().alarms == 2

    def test_the_same_alarm_with_other_values_in_one_file_is_a_row_problem(self, bob, vehicle_a, driver_a):
        other = [*FATIGUE[:8], "未处理", "", ""]

        outcome = run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [FATIGUE, other]))

        assert not outcome.ok and not Alarm.objects.exists()
        assert [issue.row for issue in outcome.issues] == [4]

    def test_importing_the_file_again_changes_nothing_and_a_later_export_updates_the_handling(
        self, bob, vehicle_a, driver_a
    ):
        run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [FATIGUE, PHONE]))
        again = run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [FATIGUE, PHONE]))
        assert again.ok and again.unchanged == 2

        handled = [*PHONE[:8], "已处理", "2020-11-03 10:00:00", "电话提醒"]
        later = run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [handled]))

        assert later.ok and later.updated == 1
        assert Alarm.objects.count() == 2
        rollup = DailyRollup.objects.get()
        assert (rollup.alarms, rollup.handled, rollup.handled_in_time) == (2, 2, 1)  # an hour late: not in time

    def test_an_unknown_plate_is_a_row_problem_naming_the_column_in_chinese(self, bob, vehicle_a):
        outcome = run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [["湘A99999", *FATIGUE[1:]]]))

        assert not outcome.ok and not Alarm.objects.exists()
        (issue,) = outcome.issues
        assert issue.row == 3 and issue.column == column("plate") == "车牌号" and "湘A99999" in issue.message

    @pytest.mark.parametrize("bad", ["2020-11-31 08:00:00", "昨天", "2020-11-03 25:00"])
    def test_a_malformed_time_is_a_row_problem_naming_the_column_in_chinese(self, bob, vehicle_a, bad):
        row = [*FATIGUE[:5], bad, *FATIGUE[6:]]

        outcome = run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [row]))

        assert not outcome.ok and not Alarm.objects.exists()
        assert {issue.column for issue in outcome.issues} == {column("started_at")}
        assert bad in outcome.issues[0].message

    def test_an_alarm_handled_before_it_starts_is_refused_under_the_handled_column(self, bob, vehicle_a):
        row = [*FATIGUE[:9], "2020-11-03 08:00:00", "语音提醒"]

        outcome = run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [row]))

        assert not outcome.ok and [issue.column for issue in outcome.issues] == [column("handled_at")]

    def test_an_unknown_driver_is_left_empty_and_named_in_the_preview(self, bob, vehicle_a):
        outcome = run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [FATIGUE]), dry_run=True)

        assert outcome.ok
        assert any("张伟" in str(warning) for warning in outcome.warnings)

    @pytest.mark.parametrize("persona", ["alice", "carol", "leo"])
    def test_only_administrators_and_the_safety_unit_import(self, request, persona, vehicle_a):
        user = request.getfixturevalue(persona)

        outcome = run(AlarmResource, user, gbk_csv(ALARM_HEADERS, [FATIGUE]))

        assert not outcome.ok and not Alarm.objects.exists()

    def test_the_import_page_refuses_a_user_without_the_right(self, login, alice, vehicle_a):
        client = login(alice)
        upload = SimpleUploadedFile("alarms.csv", gbk_csv(ALARM_HEADERS, [FATIGUE]), "text/csv")

        assert client.get(reverse("monitoring:alarm_import")).status_code == 403
        assert client.post(reverse("monitoring:alarm_import"), {"file": upload}).status_code == 403
        assert not Alarm.objects.exists()

    def test_the_import_page_previews_for_the_safety_unit(self, login, bob, vehicle_a, driver_a):
        upload = SimpleUploadedFile("alarms.csv", gbk_csv(ALARM_HEADERS, [FATIGUE, FATIGUE]), "text/csv")

        response = login(bob).post(reverse("monitoring:alarm_import"), {"file": upload})

        assert response.status_code == 200
        assert "已合并计为一条" in response.content.decode()  # "counted once"


MILEAGE_HEADERS = ["车牌号码", "驾驶员", "日期", "行驶里程(公里)"]


class TestMileageImport:
    def test_mileage_is_recorded_and_a_later_row_corrects_it(self, bob, vehicle_a, driver_a):
        outcome = run(MileageResource, bob, gbk_csv(MILEAGE_HEADERS, [["湘A12345", "张伟", "2020-11-03", "250.5"]]))
        assert outcome.ok, [str(issue) for issue in outcome.issues]

        corrected = run(MileageResource, bob, gbk_csv(MILEAGE_HEADERS, [["湘A12345", "张伟", "2020/11/3", "260"]]))

        assert corrected.ok and corrected.updated == 1
        mileage = VehicleDayMileage.objects.get()
        assert mileage.driver == driver_a and str(mileage.km) == "260.0"
        assert str(DailyRollup.objects.get().km) == "260.0"

    def test_an_unknown_plate_and_a_bad_date_are_row_problems(self, bob, vehicle_a):
        rows = [["湘A99999", "", "2020-11-03", "10"], ["湘A12345", "", "2020-11-32", "10"]]

        outcome = run(MileageResource, bob, gbk_csv(MILEAGE_HEADERS, rows))

        assert not outcome.ok and not VehicleDayMileage.objects.exists()
        assert [(issue.row, issue.column) for issue in outcome.issues] == [
            (3, column("plate")),
            (4, column("day", MileageResource)),
        ]


def column(name: str, resource_class=AlarmResource) -> str:
    """A column's name as a Chinese user's row problems name it."""
    with translation.override("zh-hans"):
        return resource_class().fields[name].column_name
