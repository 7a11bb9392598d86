"""Benchmark: preview and confirm of a measures workbook, N rows (prints figures; not a test).

    .venv/bin/python benchmarks/import_measures.py [--rows 2000]

Runs on a throwaway SQLite database in a temporary folder, or on the database named by DATABASE_URL (PostgreSQL),
where it works in a plan year of its own and removes it afterwards. Each row changes the measure's target and due
date, so the confirm writes every row (and its audit entry).
"""

import argparse
import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    os.environ["PORTAL_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-import-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from core.imports.runner import run_import  # noqa: E402
from core.imports.views import export_response  # noqa: E402
from organisation.models import Unit, User  # noqa: E402
from plans.models import KeyTask, Measure, WorkPlan  # noqa: E402
from plans.resources import MeasureResource  # noqa: E402

YEAR = 2999


def build(rows: int) -> User:
    admin = User.objects.create(username=f"bench-admin-{time.time_ns()}", role=User.Role.ADMIN)
    unit = Unit.objects.create(name=f"基准测试科-{time.time_ns()}")
    plan = WorkPlan.objects.create(year=YEAR, title="基准测试计划")
    task = KeyTask.objects.create(plan=plan, number=1, title="基准测试任务")
    Measure.objects.bulk_create(
        Measure(key_task=task, number=n, title=f"举措{n}", text=f"举措{n}。", lead_unit=unit)
        for n in range(1, rows + 1)
    )
    return admin


def workbook(admin: User) -> bytes:
    measures = Measure.objects.filter(key_task__plan__year=YEAR)
    response = export_response(resource=MeasureResource(user=admin), queryset=measures, fmt="xlsx", filename="m")
    book = openpyxl.load_workbook(filename=io.BytesIO(response.content))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    target = headers.index(str(MeasureResource.fields["target"].column_name))
    due = headers.index(str(MeasureResource.fields["due_date"].column_name))
    for row in sheet.iter_rows(min_row=2):
        row[target].value = f"{row[target].value or ''}（基准）"
        row[due].value = datetime.date(YEAR, 12, 31)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(label: str, function):
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        outcome = function()
        elapsed = time.perf_counter() - started
    print(f"{label:<10} {elapsed:7.2f} s  {queries:6d} queries  {outcome.updated} updated  ok={outcome.ok}")
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    rows = parser.parse_args().rows
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; rows: {rows}")
    admin = build(rows)
    try:
        data = workbook(admin)
        print(f"workbook  {len(data) / 1024:7.0f} KiB")
        timed(
            "preview",
            lambda: run_import(resource=MeasureResource(user=admin), data=data, fmt="xlsx", user=admin, dry_run=True),
        )
        timed(
            "confirm",
            lambda: run_import(resource=MeasureResource(user=admin), data=data, fmt="xlsx", user=admin, dry_run=False),
        )
    finally:
        Measure.objects.filter(key_task__plan__year=YEAR).delete()
        WorkPlan.objects.filter(year=YEAR).delete()


if __name__ == "__main__":
    main()
