"""Benchmark: importing the hazard register (safety.resources.HazardResource) on the fast path: preview and confirm
of a workbook of new hazards, 10,000 and 100,000 rows (prints figures; not a test).

    .venv/bin/python benchmarks/import_hazards.py [--rows 10000 100000] [--profile DIR]

With ``--profile DIR`` each step runs under cProfile (slower: compare its times only with each other) and prints
its Python function calls, a figure that does not depend on the machine's load; the profiles are kept in DIR
(``python -m pstats DIR/preview-10000.prof``).

The workbook uses the 32 townships (organisation.Township) and the demo units (organisation.demo). Each size
runs in a child process, whose peak memory (ru_maxrss) is reported with the timings. Runs on a throwaway SQLite
database, or on the database named by DATABASE_URL (PostgreSQL), from which it removes its hazards afterwards.
The workbook is written by a process of its own, so the peak memory reported is the import's.
"""

import argparse
import cProfile
import datetime
import io
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_large import setup_django  # noqa: E402

COLUMNS = ["field", "level", "source", "township", "location", "description", "found_on", "responsible_unit"]
COLUMNS += ["responsible_person", "measures", "funds", "deadline", "contingency_plan"]
MARK = "基准测试隐患"
NOTES = {
    "preview": "file read, every row checked, trial write rolled back",
    "confirm": "the preview's checked rows written",
    "re-checked": "baseline: file read and checked again, then written",
}


def workbook(rows: int, headers, choices, townships, units) -> bytes:
    import openpyxl

    from core import clock

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    fields, levels, sources = choices
    today = clock.today()
    for n in range(rows):
        found = today - datetime.timedelta(days=1 + n % 300)
        sheet.append(
            [
                fields[n % len(fields)],
                levels[0 if n % 20 else 1],
                sources[n % len(sources)],
                townships[n % len(townships)],
                f"{MARK} G319国道K{n % 900}+{n % 1000:03d}处",
                f"{MARK}{n + 1}：护栏缺损、标志标线不清，夜间照明不足。",
                found,
                units[n % len(units)],
                f"责任人{n % 50}",
                "设置警示标志，限期修复护栏。",
                round((n % 500) / 10, 2),
                found + datetime.timedelta(days=30),
                "安排专人巡查，发现险情立即封闭交通。",
            ]
        )
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _setup():
    setup_django()
    from django.utils import translation

    import organisation.demo
    from organisation.models import User

    translation.activate("zh-hans")
    organisation.demo.load()
    return User.objects.get(username="admin")


def make(rows: int, path: str) -> None:
    """Write the workbook in a process of its own, so that its memory is not counted in the import's peak."""
    _setup()
    from organisation.models import Township, Unit
    from safety.choices import HazardField, HazardLevel, HazardSource
    from safety.resources import HazardResource

    headers = [str(HazardResource.fields[name].column_name) for name in COLUMNS]
    choices = ([str(label) for label in kind.labels] for kind in (HazardField, HazardLevel, HazardSource))
    townships = list(Township.objects.values_list("name", flat=True))
    units = list(Unit.objects.filter(is_demo=True).values_list("name", flat=True))
    started = time.perf_counter()
    data = workbook(rows, headers, tuple(choices), townships, units)
    Path(path).write_bytes(data)
    print(f"  workbook   {time.perf_counter() - started:6.2f} s to write, {len(data) / 1024 / 1024:.1f} MiB")


def child(rows: int, path: str, profile: str | None = None) -> None:
    admin = _setup()
    from auditlog.models import LogEntry
    from django.db import connection

    from core.imports import checked
    from core.imports.runner import run_import
    from safety.models import Hazard
    from safety.resources import HazardResource

    try:
        data = Path(path).read_bytes()
        logs_before = LogEntry.objects.count()
        kept = None
        # The confirmation as the import page makes it (writing the rows the preview checked and kept), and, as
        # the baseline, a confirmation that reads and checks the whole file again (what it did before).
        steps = (("preview", True, False), ("confirm", False, True), ("re-checked", False, False))
        for label, dry_run, use_kept in steps:
            if label == "re-checked":
                remove(Hazard)
            queries = 0

            def count(execute, sql, params, many, context):
                nonlocal queries
                queries += 1
                return execute(sql, params, many, context)

            profiler = cProfile.Profile() if profile else None
            with connection.execute_wrapper(count):
                started = time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                outcome = run_import(
                    resource=HazardResource(user=admin),
                    data=data,
                    fmt="xlsx",
                    user=admin,
                    dry_run=dry_run,
                    keep_check=dry_run,
                    checked=kept if use_kept else None,
                )
                if profiler is not None:
                    profiler.disable()
                elapsed = time.perf_counter() - started
            calls = ""
            if profiler is not None:
                stats = pstats.Stats(profiler)
                Path(profile).mkdir(parents=True, exist_ok=True)
                stats.dump_stats(str(Path(profile) / f"{label}-{rows}.prof"))
                calls = f"  {stats.total_calls / 1e6:5.2f} M calls"
            if dry_run:
                kept = outcome.checked
                size = checked.size(kept) if kept is not None else 0
                print(f"  kept check {size / 1024 / 1024:6.1f} MiB (a temporary file)")
            print(
                f"  {label:<10} {elapsed:6.2f} s{calls}  {queries:6d} queries  {outcome.new} new  {outcome.invalid} refused"
                f"  ok={outcome.ok}  peak so far {peak_mib():4.0f} MiB  ({NOTES[label]})"
            )
            if not outcome.ok:
                print("   ", [str(issue) for issue in outcome.issues[:5]])
        hazards = Hazard.objects.filter(location__startswith=MARK)
        print(f"  written    {hazards.count()} hazards, {LogEntry.objects.count() - logs_before} audit entries")
    finally:
        remove(Hazard)
    print(f"  peak memory {peak_mib():6.0f} MiB (ru_maxrss of this process, Django included)")


def peak_mib() -> float:
    """The process's peak resident memory so far (ru_maxrss), in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def remove(Hazard) -> None:
    """Delete the benchmark's hazards a few thousand at a time (a delete loads its rows for the audit history:
    all 100,000 at once would make the benchmark's own peak, not the import's)."""
    hazards = Hazard.objects.filter(location__startswith=MARK)
    while pks := list(hazards.values_list("pk", flat=True)[:5000]):
        Hazard.objects.filter(pk__in=pks).delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--profile", metavar="DIR", help="run each step under cProfile, keep the profiles in DIR")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--make", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make(args.make, args.path)
        return
    if args.child:
        child(args.child, args.path, args.profile)
        return
    database = os.environ.get("DATABASE_URL", "").split("@")[-1] or "SQLite (temporary)"
    print(f"database: {database}; hazard register, fast path; load average {os.getloadavg()[0]:.2f}")
    for rows in args.rows:
        print(f"{rows} rows")
        with tempfile.TemporaryDirectory() as directory:
            path = str(Path(directory) / "hazards.xlsx")
            subprocess.run([sys.executable, __file__, "--make", str(rows), "--path", path], check=True)
            profile = ["--profile", str(Path(args.profile).resolve())] if args.profile else []
            subprocess.run([sys.executable, __file__, "--child", str(rows), "--path", path, *profile], check=True)


if __name__ == "__main__":
    main()
