"""Benchmark: a month of the monitoring platform's alarm export (GBK CSV with a title line, as the county receives
it), 1,000,000 rows about 20,000 vehicles, imported through the real path on PostgreSQL (DATABASE_URL): the
preview checks every row and keeps its check, the confirmation writes it (COPY into a staging table, merged into
the month's partition, rollups in SQL). Baseline in the same run: the old per-row path (django-import-export's
``import_data``, a savepoint and an audit entry per row) on a smaller sample, extrapolated. Then the monthly
ranking page, from the daily rollups. Prints figures; not a test.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/import_alarms.py [--rows 1000000] [--baseline 20000]

The preview, the confirmation and the baseline each run in a child process of their own, whose peak memory
(ru_maxrss) is reported. The alarms are in months of their own (2998-03, the baseline 2998-05), whose partitions
are dropped afterwards through ``monitoring.partitions.month_drop``; the vehicles, rollups and audit entries go.
"""

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "基准告警企业"
VEHICLES = 20_000
ENTERPRISES = 200
MONTH = datetime.date(2998, 3, 1)
BASELINE_MONTH = datetime.date(2998, 5, 1)
TITLE = "浏阳市两客一危智能监控平台报警明细（基准）"
HEADERS = ["车牌号码", "车牌颜色", "所属企业", "驾驶员", "报警类型", "报警开始时间", "报警结束时间", "速度",
           "处理状态", "处理时间", "处理方式"]  # fmt: skip
TYPES = ["生理疲劳", "使用手持电话", "抽烟", "未系安全带", "分神驾驶", "超速", "超时驾驶"]


def setup_django(*, migrate: bool = False):
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the COPY path is PostgreSQL's).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as a worker runs: no query log kept in memory
    settings.IMPORT_MAX_BYTES = settings.IMPORT_MAX_UNPACKED_BYTES = 1 << 30  # a month's export, not a form upload
    settings.IMPORT_MAX_ROWS = 2_000_000
    settings.IMPORT_MAX_CELLS = 30_000_000
    settings.ALLOWED_HOSTS = ["*"]
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def plate(n: int) -> str:
    return f"湘Y{'BCEGHJ'[n // 10000]}{n % 10000:04d}"


def alarm_csv(path: Path, rows: int, month: datetime.date) -> None:
    """``rows`` alarms spread over the vehicles and the month, every fourth handled within three minutes."""
    base = datetime.datetime.combine(month, datetime.time(0, 5))
    per_vehicle = -(-rows // VEHICLES)
    step = datetime.timedelta(minutes=(30 * 24 * 60) // per_vehicle)
    with path.open("w", encoding="gbk", newline="") as out:
        out.write(f"{TITLE}\r\n{','.join(HEADERS)}\r\n")
        for n in range(rows):
            vehicle, k = n % VEHICLES, n // VEHICLES
            start = base + k * step + datetime.timedelta(seconds=vehicle % 3600)
            handled = n % 4 == 0
            end = start + datetime.timedelta(seconds=10)
            handled_at = f"{start + datetime.timedelta(minutes=3):%Y-%m-%d %H:%M:%S}" if handled else ""
            status, method = ("已处理", "语音提醒") if handled else ("未处理", "")
            out.write(
                f"{plate(vehicle)},黄色,{PREFIX}{vehicle % ENTERPRISES},,{TYPES[n % len(TYPES)]},"
                f"{start:%Y-%m-%d %H:%M:%S},{end:%Y-%m-%d %H:%M:%S},{n % 90}.0,{status},{handled_at},{method}\r\n"
            )


def world():
    """The bench's enterprises (one unit supervises them) and vehicles, and an administrator."""
    from enterprises.choices import EnterpriseType, VehicleClass
    from enterprises.demo import credit_code
    from enterprises.models import Enterprise, Vehicle
    from organisation.models import Unit, User

    letters = "ABCDEFGHJKLMNPQRTUWXY"
    unit = Unit.objects.create(name=f"{PREFIX}监管科")
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"{PREFIX}{n}",
            credit_code=credit_code("BQ" + "".join(letters[(n // 21**i) % 21] for i in range(6))),
            enterprise_type=EnterpriseType.PASSENGER,
            supervising_unit=unit,
        )
        for n in range(ENTERPRISES)
    )
    Vehicle.objects.bulk_create(
        (
            Vehicle(
                plate=plate(n),
                enterprise=enterprises[n % ENTERPRISES],
                vehicle_class=VehicleClass.SCHEDULED_BUS,
                seats=45,
            )
            for n in range(VEHICLES)
        ),
        batch_size=5000,
    )
    return User.objects.create(username=f"{PREFIX}-admin", role=User.Role.ADMIN)


def cleanup() -> None:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from enterprises.models import Enterprise, Vehicle
    from monitoring.models import Alarm, DailyRollup, SupervisionNotice
    from monitoring.partitions import month_drop, partition_name, partitions
    from organisation.models import Unit, User

    admin = User.objects.filter(username=f"{PREFIX}-admin").first()
    for month in (MONTH, BASELINE_MONTH):
        if admin is not None and partition_name(month) in partitions():
            month_drop(user=admin, month=month)
    vehicles = Vehicle.objects.filter(enterprise__name__startswith=PREFIX)
    Alarm.objects.filter(vehicle__in=vehicles).delete()  # any that went elsewhere (the default partition)
    DailyRollup.objects.filter(vehicle__in=vehicles).delete()
    SupervisionNotice.objects.filter(enterprise__name__startswith=PREFIX).delete()
    if admin is not None:
        alarm_type = ContentType.objects.get_for_model(Alarm)
        LogEntry.objects.filter(content_type=alarm_type, actor=admin).delete()
    vehicles.delete()
    Enterprise.objects.filter(name__startswith=PREFIX).delete()
    Unit.objects.filter(name=f"{PREFIX}监管科").delete()
    if admin is not None:
        LogEntry.objects.filter(actor=admin).delete()
        admin.delete()


def peak() -> str:
    return f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:5.0f} MiB"


def child(phase: str, folder: Path) -> None:
    setup_django()
    from django.db import connection
    from django.utils import translation

    from core.imports.runner import run_import
    from monitoring.models import Alarm
    from monitoring.resources import AlarmResource
    from organisation.models import User

    class PerRowAlarmResource(AlarmResource):
        bulk = False  # the path every alarm import took before (and still takes on SQLite)

    translation.activate("zh-hans")
    admin = User.objects.get(username=f"{PREFIX}-admin")
    name = "baseline.csv" if phase == "baseline" else "alarms.csv"
    data = (folder / name).read_bytes()
    rows = data.count(b"\r\n") - 2
    kept = folder / "alarms.checked"
    started = time.perf_counter()
    if phase == "preview":
        outcome = run_import(
            resource=AlarmResource(user=admin), data=data, fmt="csv", user=admin, dry_run=True, keep_check=True
        )
        with outcome.checked as check, kept.open("wb") as out:
            check.seek(0)
            while block := check.read(1 << 20):
                out.write(block)
    elif phase == "confirm":
        outcome = run_import(
            resource=AlarmResource(user=admin), data=data, fmt="csv", user=admin, dry_run=False, checked=kept.open("rb")
        )
    else:
        outcome = run_import(resource=PerRowAlarmResource(user=admin), data=data, fmt="csv", user=admin, dry_run=False)
    elapsed = time.perf_counter() - started
    problems = [str(issue) for issue in outcome.issues[:3]]
    print(
        f"  {phase:<9} {elapsed:7.1f} s  {rows / elapsed:8.0f} rows/s  {peak()}  new={outcome.new} ok={outcome.ok}"
        + (f"  {problems}" if problems else "")
    )
    if phase != "preview":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM monitoring_alarm WHERE started_at >= %s", [datetime.datetime(2998, 1, 1)]
            )
            print(f"            alarms of the bench months now {cursor.fetchone()[0]} ({Alarm._meta.db_table})")


def ranking(month: datetime.date, times: int = 5) -> None:
    from django.test import Client

    from organisation.models import User

    client = Client()
    client.force_login(User.objects.get(username=f"{PREFIX}-admin"))
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get("/monitoring/", {"month": f"{month:%Y-%m}"})
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    durations.sort()
    print(f"  ranking   median {durations[len(durations) // 2] * 1000:6.0f} ms, worst {durations[-1] * 1000:.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=20_000, help="rows for the old per-row path")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.folder))
        return
    setup_django(migrate=True)
    from django.db import connection

    from monitoring.models import DailyRollup

    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}; load average {os.getloadavg()} (2 CPUs)")
    cleanup()
    world()
    folder = Path(tempfile.mkdtemp(prefix="bench-alarms-"))
    try:
        started = time.perf_counter()
        alarm_csv(folder / "alarms.csv", args.rows, MONTH)
        alarm_csv(folder / "baseline.csv", args.baseline, BASELINE_MONTH)
        size = (folder / "alarms.csv").stat().st_size / 1024 / 1024
        print(
            f"{args.rows} alarms, {VEHICLES} vehicles: CSV {size:.0f} MiB written in {time.perf_counter() - started:.1f} s"
        )
        for phase in ("preview", "confirm"):
            subprocess.run([sys.executable, __file__, "--child", phase, "--folder", str(folder)], check=True)
        print(f"  load average after the import {os.getloadavg()}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE monitoring_dailyrollup")
        rollups = DailyRollup.objects.filter(day__gte=MONTH, day__lt=BASELINE_MONTH).count()
        print(f"  rollups   {rollups} vehicle-days of {MONTH:%Y-%m}")
        ranking(MONTH)
        print(f"baseline: the old per-row path, {args.baseline} rows")
        before = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child", "baseline", "--folder", str(folder)], check=True)
        per_row = (time.perf_counter() - before) / args.baseline
        print(f"  extrapolated to {args.rows} rows: ~{per_row * args.rows / 60:.0f} min (process start included)")
        print(f"  load average {os.getloadavg()}")
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        started = time.perf_counter()
        cleanup()
        print(f"cleaned up in {time.perf_counter() - started:.1f} s (the bench months' partitions dropped)")


if __name__ == "__main__":
    main()
