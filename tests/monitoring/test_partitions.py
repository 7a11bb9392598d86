"""The alarm table partitioned by month on PostgreSQL (CI's database; migration 0004): an import into a month
without a partition makes it (a preview makes nothing), the rows go there by COPY and merge into alarms already
recorded, a month is dropped or archived by an administrator only (audited) and its daily rollups stay; the
rollups computed in SQL are the ones computed in Python."""

import datetime
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from core.imports.runner import run_import
from monitoring import partitions, services
from monitoring.models import Alarm, DailyRollup, VehicleDayMileage
from monitoring.resources import AlarmResource
from tests.enterprises.factories import VehicleFactory

from .test_import import ALARM_HEADERS, FATIGUE, PHONE, gbk_csv

pytestmark = pytest.mark.django_db

NOVEMBER, DECEMBER = datetime.date(2020, 11, 1), datetime.date(2020, 12, 1)
IN_DECEMBER = [*PHONE[:5], "2020-12-01 00:30:00", *PHONE[6:]]  # 1 December in Beijing, 30 November in UTC


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run(user, data: bytes, **kwargs):
    with translation.override("zh-hans"):
        return run_import(resource=AlarmResource(user=user), data=data, fmt="csv", user=user, **kwargs)


def partition_of(alarm: Alarm) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {Alarm._meta.db_table} WHERE id = %s", [alarm.pk])
        return cursor.fetchone()[0]


def test_the_alarm_table_is_partitioned_by_range_of_its_start_with_a_default_partition():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE partrelid = 'monitoring_alarm'::regclass"
        )
        assert cursor.fetchall() == [("r", "started_at")]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'monitoring_alarm'::regclass AND contype IN ('p', 'u') ORDER BY conname"
        )
        assert cursor.fetchall() == [
            ("monitoring_alarm_once", "UNIQUE (vehicle_id, alarm_type, started_at)"),
            ("monitoring_alarm_pkey", "PRIMARY KEY (id, started_at)"),
        ]
    assert partitions.partitioned()
    assert partitions.partitions()["monitoring_alarm_default"] == "DEFAULT"


def test_an_import_into_a_new_month_makes_its_partition_and_a_preview_makes_nothing(bob, vehicle_a, driver_a):
    data = gbk_csv(ALARM_HEADERS, [FATIGUE, IN_DECEMBER])

    preview = run(bob, data, dry_run=True)
    assert preview.ok and not Alarm.objects.exists()
    assert not {"monitoring_alarm_y2020m11", "monitoring_alarm_y2020m12"} & set(partitions.partitions())

    outcome = run(bob, data, dry_run=False)

    assert outcome.ok and outcome.new == 2, [str(issue) for issue in outcome.issues]
    bounds = partitions.partitions()
    assert bounds["monitoring_alarm_y2020m12"] == (
        "FOR VALUES FROM ('2020-11-30 16:00:00+00') TO ('2020-12-31 16:00:00+00')"  # Beijing's December
    )
    assert partition_of(Alarm.objects.get(alarm_type="fatigue")) == "monitoring_alarm_y2020m11"
    assert partition_of(Alarm.objects.get(alarm_type="phone")) == "monitoring_alarm_y2020m12"
    assert sorted(DailyRollup.objects.values_list("day", "alarms")) == [
        (datetime.date(2020, 11, 3), 1),
        (datetime.date(2020, 12, 1), 1),
    ]


def test_alarms_of_a_month_without_a_partition_move_into_it_when_it_is_made(vehicle_a):
    started = timezone.make_aware(datetime.datetime(2031, 4, 2, 8, 0))
    alarm = Alarm.objects.create(vehicle=vehicle_a, alarm_type="phone", started_at=started)
    assert partition_of(alarm) == "monitoring_alarm_default"

    assert partitions.partitions_ensure([datetime.date(2031, 4, 1)]) == ["monitoring_alarm_y2031m04"]
    assert partitions.partitions_ensure([datetime.date(2031, 4, 1)]) == []  # idempotent

    assert partition_of(alarm) == "monitoring_alarm_y2031m04" and Alarm.objects.count() == 1


def test_a_repeat_in_the_file_and_an_alarm_recorded_since_the_preview_are_merged(bob, vehicle_a, driver_a):
    data = gbk_csv(ALARM_HEADERS, [FATIGUE, PHONE, FATIGUE])
    preview = run(bob, data, dry_run=True, keep_check=True)
    assert preview.ok and (preview.new, preview.unchanged) == (2, 1) and preview.checked is not None
    recorded = Alarm.objects.create(
        vehicle=vehicle_a,
        alarm_type="phone",
        started_at=timezone.make_aware(datetime.datetime(2020, 11, 3, 9, 0)),
        handling_method="另一次导入",
    )

    confirm = run(bob, data, dry_run=False, checked=preview.checked)

    assert confirm.ok, [str(issue) for issue in confirm.issues]
    assert Alarm.objects.count() == 2
    assert Alarm.objects.get(alarm_type="phone") == recorded  # merged into the one recorded meanwhile
    assert any("1 行与文件中前面的行完全重复" in str(warning) for warning in confirm.warnings)
    assert set(DailyRollup.objects.values_list("driver__name", "alarms")) == {("张伟", 1), (None, 1)}
    entries = LogEntry.objects.get_for_model(Alarm).filter(action=LogEntry.Action.CREATE, actor=bob)
    assert list(entries.values_list("object_pk", flat=True)) == [str(Alarm.objects.get(alarm_type="fatigue").pk)]


@pytest.fixture
def two_months(bob, vehicle_a, driver_a):
    assert run(bob, gbk_csv(ALARM_HEADERS, [FATIGUE, IN_DECEMBER]), dry_run=False).ok
    return DailyRollup.objects.count()


def test_dropping_a_month_removes_its_alarms_only_and_keeps_its_rollups(admin_user, two_months):
    assert partitions.month_drop(user=admin_user, month=NOVEMBER) == 1

    assert list(Alarm.objects.values_list("alarm_type", flat=True)) == ["phone"]
    assert "monitoring_alarm_y2020m11" not in partitions.partitions()
    assert DailyRollup.objects.count() == two_months == 2
    assert DailyRollup.objects.get(day=datetime.date(2020, 11, 3)).by_type == {"fatigue": 1}
    entry = LogEntry.objects.get_for_model(Alarm).get(action=LogEntry.Action.DELETE)
    assert (entry.actor, entry.object_pk, entry.changes["alarms"]) == (admin_user, "2020-11", ["1", "0"])


def test_archiving_a_month_keeps_its_alarms_in_a_table_of_their_own(admin_user, two_months):
    out = io.StringIO()
    call_command("alarm_month_drop", "2020-12", "--by", admin_user.username, "--archive", stdout=out)

    assert out.getvalue() == "2020-12: 1 alarms kept as table monitoring_alarm_archive_y2020m12.\n"
    assert Alarm.objects.get().alarm_type == "fatigue"
    with connection.cursor() as cursor:
        cursor.execute("SELECT alarm_type FROM monitoring_alarm_archive_y2020m12")
        assert cursor.fetchall() == [("phone",)]
        cursor.execute("DROP TABLE monitoring_alarm_archive_y2020m12")
    assert DailyRollup.objects.filter(day=datetime.date(2020, 12, 1)).exists()


def test_only_an_administrator_drops_a_month(bob, two_months):
    with pytest.raises(PermissionDenied):
        partitions.month_drop(user=bob, month=NOVEMBER)

    assert Alarm.objects.count() == 2 and "monitoring_alarm_y2020m11" in partitions.partitions()
    assert not LogEntry.objects.get_for_model(Alarm).filter(action=LogEntry.Action.DELETE).exists()


def test_the_rollups_computed_in_sql_are_those_computed_in_python(driver_a, vehicle_a):
    lorry = VehicleFactory(plate="湘AD54321", vehicle_class="dangerous_goods", seats=None, tonnage="18.00")
    at = lambda *moment: timezone.make_aware(datetime.datetime(*moment))  # noqa: E731
    Alarm.objects.bulk_create(
        [
            Alarm(vehicle=vehicle_a, driver=driver_a, alarm_type="fatigue", started_at=at(2020, 11, 3, 8),
                  handling_status="handled", handled_at=at(2020, 11, 3, 8, 5)),
            Alarm(vehicle=vehicle_a, driver=driver_a, alarm_type="phone", started_at=at(2020, 11, 3, 3),
                  handling_status="handled", handled_at=at(2020, 11, 3, 9)),
            Alarm(vehicle=vehicle_a, alarm_type="phone", started_at=at(2020, 11, 4, 0, 30)),
            Alarm(vehicle=lorry, alarm_type="night_running", started_at=at(2020, 11, 4, 3)),
        ]
    )  # fmt: skip
    VehicleDayMileage.objects.create(vehicle=vehicle_a, driver=driver_a, day=datetime.date(2020, 11, 3), km=100)
    VehicleDayMileage.objects.create(vehicle=lorry, day=datetime.date(2020, 11, 5), km=Decimal("12.5"))
    fields = ("vehicle_id", "driver_id", "enterprise_id", "day", "km", "alarms", "handled", "handled_in_time",
              "by_type", "night_running")  # fmt: skip
    first, last = datetime.date(2020, 11, 1), datetime.date(2020, 11, 30)

    written = services._rollup_rebuild_python({vehicle_a.pk, lorry.pk}, first, last)
    in_python = sorted(DailyRollup.objects.values_list(*fields), key=repr)
    assert services._rollup_rebuild_sql({vehicle_a.pk, lorry.pk}, first, last) == written == 4

    assert sorted(DailyRollup.objects.values_list(*fields), key=repr) == in_python
    assert {(row[3].day, row[-1]) for row in in_python} == {(3, True), (4, False), (5, False)}
