"""Benchmark: the daily reminder scan (reminders.scan.run_scan) over 1,000,000 open items, 1% of them due on the
scan's day (prints figures; not a test).

    .venv/bin/python benchmarks/reminders_scan.py [--items 1000000] [--units 20] [--members 5]

It creates the PostgreSQL database ``liuyang_reminders_bench`` (server from BENCH_PG, default
postgres://postgres@127.0.0.1:5432), migrates it, and generates open hazards (the largest source) with one
``INSERT … SELECT … FROM generate_series`` — a million rows in seconds: every 100th hazard's deadline is the scan's
day, the others' fall 30 to 364 days later (open, outside the reminder window). Each responsible unit has
``--members`` members with e-mail addresses (one of them its head) and an overseeing leader. The scan runs on
Wednesday 2026-03-04 (a working day), first over a tenth of the items, then over all of them, to show that its
query count does not depend on the number of items; then once more under tracemalloc for its peak Python memory.
The e-mail tasks the scan queues are counted, not run (their sending is not the scan). The database is dropped at
the end.
"""

import argparse
import datetime
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "liuyang_reminders_bench"
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SCAN_DAY = datetime.date(2026, 3, 4)


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def people(units: int, members: int):
    from organisation.models import Township, Unit, User

    leader = User.objects.create(username="bench-leader", role=User.Role.LEADER, email="leader@bench.example")
    unit_ids = []
    for number in range(units):
        unit = Unit.objects.create(name=f"基准科室{number:02d}", overseeing_leader=leader)
        unit_ids.append(unit.pk)
        User.objects.bulk_create(
            User(
                username=f"bench-{number:02d}-{index}",
                unit=unit,
                role=User.Role.UNIT_HEAD if index == 0 else User.Role.STAFF,
                email=f"u{number:02d}{index}@bench.example",
            )
            for index in range(members)
        )
    return unit_ids, Township.objects.first().pk, leader.pk


def generate_hazards(first: int, last: int, unit_ids: list[int], township_id: int, user_id: int) -> float:
    """Hazards numbered first … last (inclusive), with one INSERT … SELECT; returns the seconds taken."""
    from django.db import connection

    started = time.perf_counter()
    units = "ARRAY[" + ",".join(str(pk) for pk in unit_ids) + "]::bigint[]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO safety_hazard (code, field, level, source, location, township_id, description, found_on,
                found_by_id, responsible_unit_id, responsible_person, measures, funds, deadline, contingency_plan,
                status, rectification_note, verification_note, is_demo, created_at, updated_at)
            SELECT 'YH-BENCH-' || g, 'road_transport', 'general', 'inspection', '基准路段' || g, %(township)s, '',
                %(found)s, %(user)s, ({units})[1 + g %% {len(unit_ids)}], '', '', 0,
                CASE WHEN g %% 100 = 0 THEN %(day)s::date ELSE %(day)s::date + 30 + (g %% 335) END, '',
                'pending', '', '', false, now(), now()
            FROM generate_series(%(first)s, %(last)s) AS g
            """,
            {"township": township_id, "found": SCAN_DAY - datetime.timedelta(days=10), "user": user_id,
             "day": SCAN_DAY, "first": first, "last": last},
        )  # fmt: skip
        cursor.execute("ANALYZE safety_hazard")
    return time.perf_counter() - started


def timed_scan(traced: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reminders import queueing, scan
    from reminders.models import Notification, WebhookDelivery

    Notification.objects.all().delete()
    WebhookDelivery.objects.all().delete()
    queued = []
    queueing.queue_now = lambda task_name, *args: queued.append(task_name) or True  # count, do not send
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        result = scan.run_scan(today=SCAN_DAY)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else None
    if traced:
        tracemalloc.stop()
    return {"seconds": seconds, "queries": len(captured.captured_queries), "result": result, "queued": len(queued),
            "peak": peak}  # fmt: skip


def report(label: str, items: int, figures: dict) -> None:
    result = figures["result"]
    print(
        f"{label}: {items:>9,} open items → {result.reminders:,} reminders due, {result.created:,} notifications, "
        f"{figures['queued']} e-mail tasks queued; {figures['seconds']:.2f} s, {figures['queries']} queries"
        + (f", peak Python memory {figures['peak'] / 2**20:.1f} MiB" if figures["peak"] else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--members", type=int, default=5)
    args = parser.parse_args()

    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    try:
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        unit_ids, township_id, user_id = people(args.units, args.members)
        tenth = args.items // 10
        seconds = generate_hazards(1, tenth, unit_ids, township_id, user_id)
        print(f"generated {tenth:,} hazards in {seconds:.1f} s")
        report("scan", tenth, timed_scan())
        seconds = generate_hazards(tenth + 1, args.items, unit_ids, township_id, user_id)
        print(f"generated {args.items - tenth:,} more hazards in {seconds:.1f} s")
        report("scan", args.items, timed_scan())
        report("scan (tracemalloc)", args.items, timed_scan(traced=True))
        print(f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
        print(f"dropped {DB_NAME}")


if __name__ == "__main__":
    main()
