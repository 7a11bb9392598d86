"""Benchmark: a large import on the fast path (``bulk = True``): preview and confirm of a workbook of new
measures, 10,000 and 100,000 rows (prints figures; not a test).

    .venv/bin/python benchmarks/import_large.py [--rows 10000 100000] [--normal]

Each size runs in a child process of its own, whose peak memory (ru_maxrss) is reported with the timings.
Runs on a throwaway SQLite database in a temporary folder, or on the database named by DATABASE_URL
(PostgreSQL), where it works in a plan year of its own and removes it afterwards. ``--normal`` times the normal
path (django-import-export's ``import_data``, a savepoint and an audit read per row) on the same file.
"""

import argparse
import datetime
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2998
TASKS = 10  # measure numbers are small integers: spread the rows over key tasks


def setup_django():
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        os.environ["PORTAL_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-import-large-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # as in production (and as a worker runs): no query log kept in memory

    call_command("migrate", verbosity=0)


def workbook(rows: int, headers: list[str], units: list[str], leader: str) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    statuses = ["未启动", "推进中", "已完成", "已滞后"]
    per_task = -(-rows // TASKS)
    for n in range(rows):
        task, number = divmod(n, per_task)
        sheet.append(
            [
                YEAR,
                task + 1,
                number + 1,
                f"举措{n + 1}：推进农村公路提质改造第{n % 97 + 1}段",
                f"第{n + 1}项举措的全文，说明责任、目标和完成时限。",
                units[n % len(units)],
                leader,
                datetime.date(YEAR, 1 + n % 6, 1),
                datetime.date(YEAR, 7 + n % 6, 28),
                f"完成{n % 50 + 1}公里",
                statuses[n % len(statuses)],
                n % 101,
            ]
        )
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def child(rows: int, normal: bool) -> None:
    setup_django()
    from auditlog.models import LogEntry
    from django.db import connection
    from django.utils import translation

    from core.imports.files import check_import_data, estimate_rows, read_table
    from core.imports.runner import run_import
    from organisation.models import Unit, User
    from plans.models import KeyTask, Measure, WorkPlan
    from plans.resources import MeasureResource

    class BulkMeasureResource(MeasureResource):
        bulk = not normal

    translation.activate("zh-hans")
    stamp = time.time_ns()
    admin = User.objects.create(username=f"bench-admin-{stamp}", role=User.Role.ADMIN)
    leader = User.objects.create(username=f"bench-leader-{stamp}", full_name=f"基准领导{stamp}", role=User.Role.LEADER)
    units = [Unit.objects.create(name=f"基准测试科{n}-{stamp}") for n in range(5)]
    plan = WorkPlan.objects.create(year=YEAR, title="基准测试计划")
    for number in range(1, TASKS + 1):
        KeyTask.objects.create(plan=plan, number=number, title=f"基准任务{number}")
    names = ["year", "key_task_number", "number", "title", "text", "lead_unit", "responsible_leader"]
    names += ["start_date", "due_date", "target", "status", "progress"]
    headers = [str(BulkMeasureResource.fields[name].column_name) for name in names]
    try:
        started = time.perf_counter()
        data = workbook(rows, headers, [unit.name for unit in units], leader.full_name)
        print(f"  workbook   {time.perf_counter() - started:6.2f} s to write, {len(data) / 1024 / 1024:.1f} MiB")
        started = time.perf_counter()
        estimate = estimate_rows(data, "xlsx")
        print(f"  count      {time.perf_counter() - started:6.2f} s  (cheap row count: {estimate})")
        started = time.perf_counter()
        check_import_data(data, "xlsx", name="bench.xlsx")
        print(f"  checks     {time.perf_counter() - started:6.2f} s  (zip, defused XML)")
        started = time.perf_counter()
        table = read_table(data, "xlsx", name="bench.xlsx")
        print(f"  parse      {time.perf_counter() - started:6.2f} s  ({len(table.rows)} rows, streamed with expat)")
        del table
        logs_before = LogEntry.objects.count()
        for label, dry_run in (("preview", True), ("confirm", False)):
            queries = 0

            def count(execute, sql, params, many, context):
                nonlocal queries
                queries += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                started = time.perf_counter()
                outcome = run_import(
                    resource=BulkMeasureResource(user=admin), data=data, fmt="xlsx", user=admin, dry_run=dry_run
                )
                elapsed = time.perf_counter() - started
            print(
                f"  {label:<10} {elapsed:6.2f} s  {queries:6d} queries  {outcome.new} new  {outcome.invalid} refused"
                f"  ok={outcome.ok}  (checks + parsing included)"
            )
            if not outcome.ok:
                print("   ", [str(issue) for issue in outcome.issues[:5]])
        measures = Measure.objects.filter(key_task__plan__year=YEAR).count()
        print(f"  written    {measures} measures, {LogEntry.objects.count() - logs_before} audit entries")
    finally:
        Measure.objects.filter(key_task__plan__year=YEAR).delete()
        WorkPlan.objects.filter(year=YEAR).delete()
        for unit in units:
            unit.delete()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory {peak:6.0f} MiB (ru_maxrss of this process, Django included)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--normal", action="store_true", help="time the normal path instead of the fast path")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.normal)
        return
    database = os.environ.get("DATABASE_URL", "").split("@")[-1] or "SQLite (temporary)"
    print(f"database: {database}; path: {'normal' if args.normal else 'fast (bulk = True)'}")
    for rows in args.rows:
        print(f"{rows} rows")
        command = [sys.executable, __file__, "--child", str(rows)] + (["--normal"] if args.normal else [])
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
