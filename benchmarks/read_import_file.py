"""Benchmark: reading an import workbook, the portal's expat reader (``core.imports.files``: the checks, then
``read_sheet``) against calamine (``python_calamine``, which reads .xls and .ods imports), for a 10,000-row and a
100,000-row .xlsx written by openpyxl's write-only mode (prints figures; not a test).

    .venv/bin/python benchmarks/read_import_file.py [--rows 10000 100000]

Each reader and size runs in a child process of its own; its peak memory (ru_maxrss) is reported next to the
memory the process had before reading (Python, Django and the file's bytes), and the time of the read alone.
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
COLUMNS = 12


def workbook(rows: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([f"列{n + 1}" for n in range(COLUMNS)])
    for n in range(rows):
        sheet.append(
            [
                2020,
                n % 10 + 1,
                n + 1,
                f"举措{n + 1}：推进农村公路提质改造第{n % 97 + 1}段",
                f"第{n + 1}项举措的全文，说明责任、目标和完成时限。",
                ["规划建设科", "公路事务中心", "运输管理科"][n % 3],
                "张三",
                datetime.date(2020, 1 + n % 6, 1),
                datetime.date(2020, 7 + n % 6, 28),
                f"完成{n % 50 + 1}公里",
                ["未启动", "推进中", "已完成", "已滞后"][n % 4],
                n % 101 + 0.5,
            ]
        )
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(reader: str, path: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.IMPORT_MAX_BYTES = 100 * 1024 * 1024  # the 100,000-row file is larger than an upload may be
    settings.IMPORT_MAX_ROWS = 200_000
    import python_calamine  # noqa: F401  (both children load the same modules before the baseline)

    from core.imports.files import check_import_data, read_sheet

    data = Path(path).read_bytes()
    before = peak_mb()
    started = time.perf_counter()
    if reader == "expat":
        check_import_data(data, "xlsx", name="bench.xlsx")
        checked = time.perf_counter() - started
        rows = len(read_sheet(data, "xlsx", name="bench.xlsx").rows)
        detail = f"(check {checked:.2f} s)"
    else:
        from python_calamine import CalamineWorkbook

        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            rows = len(book.get_sheet_by_index(0).to_python(skip_empty_area=False))
        detail = ""
    seconds = time.perf_counter() - started
    print(
        f"  {reader:9} {rows:>7} rows  {seconds:6.2f} s {detail:16} peak RSS {peak_mb():7.1f} MB (before reading {before:.1f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(*arguments.child)
        return
    with tempfile.TemporaryDirectory(prefix="bench-read-") as folder:
        for rows in arguments.rows:
            data = workbook(rows)
            path = Path(folder) / f"{rows}.xlsx"
            path.write_bytes(data)
            print(f"{rows:,} rows x {COLUMNS} columns: {len(data) / 1024 / 1024:.1f} MB .xlsx")
            for reader in ("expat", "calamine"):
                subprocess.run([sys.executable, __file__, "--child", reader, str(path)], check=True)


if __name__ == "__main__":
    main()
