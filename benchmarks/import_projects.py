"""Benchmark: preview and confirm of a 2,000-row projects workbook and of a 2,000-row monthly progress workbook
(prints figures; not a test).

    .venv/bin/python benchmarks/import_projects.py [--rows 2000]

Runs on a throwaway SQLite database in a temporary folder, or on the database named by DATABASE_URL (PostgreSQL),
where it works on projects of its own (names starting 基准项目) and removes them afterwards.
"""

import argparse
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
from django.utils import translation  # noqa: E402

from core.imports.runner import run_import  # noqa: E402
from organisation.models import Unit, User  # noqa: E402
from projects.models import MonthlyProgress, Project  # noqa: E402
from projects.resources import ProgressResource, ProjectResource  # noqa: E402

PREFIX = "基准项目"
TOWNSHIPS = ["淮川街道", "集里街道", "荷花街道", "关口街道", "永安镇", "洞阳镇"]


def workbook(resource_class, rows: list[dict]) -> bytes:
    fields = resource_class().fields
    names = list(rows[0])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([str(fields[name].column_name) for name in names])
    for row in rows:
        sheet.append([row[name] for name in names])
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
    print(f"{label:<18} {elapsed:7.2f} s  {queries:6d} queries  {outcome.new} new  ok={outcome.ok}")
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    rows = parser.parse_args().rows
    call_command("migrate", verbosity=0)
    translation.activate("en")
    print(f"database: {connection.vendor}; rows: {rows}")
    stamp = time.time_ns()
    admin = User.objects.create(username=f"bench-admin-{stamp}", role=User.Role.ADMIN)
    unit = Unit.objects.create(name=f"基准测试科-{stamp}")
    projects = [
        {
            "name": f"{PREFIX}{n}",
            "category": "trunk_road",
            "stage": "construction",
            "townships": "、".join(TOWNSHIPS[n % 5 : n % 5 + 2]),
            "total_investment": 10000 + n,
            "plan_year": 2020,
            "planned_investment": 2400,
            "funding_city": 5000,
            "funding_special_bond": 5000 + n,
            "responsible_unit": unit.name,
            "planned_start": "2020-03-01",
            "lists": "road_network",
        }
        for n in range(rows)
    ]
    progress = [
        {
            "project": f"{PREFIX}{n}",
            "month": "2020-05",
            "investment": 120.5,
            "physical_progress": 30,
            "narrative": "路基施工",
            "blocker_category": "land",
            "blocker": "征地拆迁滞后",
        }
        for n in range(rows)
    ]
    try:
        for label, resource_class, data in (
            ("projects", ProjectResource, workbook(ProjectResource, projects)),
            ("monthly progress", ProgressResource, workbook(ProgressResource, progress)),
        ):
            print(f"{label} workbook {len(data) / 1024:7.0f} KiB")
            for dry_run in (True, False):
                timed(
                    f"{label} {'preview' if dry_run else 'confirm'}",
                    lambda r=resource_class, d=data, dry=dry_run: run_import(
                        resource=r(user=admin), data=d, fmt="xlsx", user=admin, dry_run=dry
                    ),
                )
    finally:
        MonthlyProgress.objects.filter(project__name__startswith=PREFIX).delete()
        Project.objects.filter(name__startswith=PREFIX).delete()
        unit.delete()
        admin.delete()


if __name__ == "__main__":
    main()
