"""Benchmark: the project list and the measure list at 1 county and at N counties, in the same run (prints figures;
not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liuyang_lists_bench \
    ONE_COUNTY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/liuyang_lists_bench1 \
        .venv/bin/python benchmarks/list_pages.py [--counties 20] [--requests 30]

Two PostgreSQL databases: ``DATABASE_URL`` is filled with ``generate_scale_data --counties N`` and
``ONE_COUNTY_DATABASE_URL`` with one county, when they hold less (both migrated first, ``VACUUM ANALYZE`` after
generating: the generator leaves no statistics). Each database is measured in its own process, through Django's
test client as a leader (who lands on every unit's rows, the widest page):

- ``/projects/?year=Y``: p50 and p99 of the whole request, the time of its SQL, its queries; warm (the totals
  line from the cache, as between writes) and cold (counted again before each request, as after any write), the
  cold page once with the portal's connection settings (``jit=off``, settings.py) and once with ``SET jit = on``
  (PostgreSQL's default), to show what the setting is worth;
- ``/plans/measures/?year=Y``: the same figures and the ``<option>``s of the page's filter form.

The figures at N counties are printed beside the 1-county ones with their ratio: a flat page stays near 1×.
Drop the databases when done (``dropdb -h 127.0.0.1 -U postgres liuyang_lists_bench``, …).
"""

import argparse
import json
import os
import subprocess
import sys
import time

from scale_data import ensure_data, percentile, setup_django


def page_figures(client, url: str, requests: int, *, cold: bool = False) -> dict:
    """p50/p99 of ``requests`` GETs of ``url``, and the SQL time, query count and ``<option>``s of one of them.
    ``cold``: the counted figures' cache generation is renewed before each request (as after any audited write),
    so the project list counts its totals every time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard.cache import new_generation

    def get():
        if cold:
            new_generation()
        return client.get(url)

    get()  # warm up (templates, the first plan of each query)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = get()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    sql = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            response = get()
        sql.append(sum(float(query["time"]) for query in captured.captured_queries))
    return {
        "p50": percentile(times, 0.5) * 1000,
        "p99": percentile(times, 0.99) * 1000,
        "sql": percentile(sql, 0.5) * 1000,
        "queries": len(captured.captured_queries),
        "options": response.content.count(b"<option"),
        "kb": len(response.content) / 1024,
    }


def measure(counties: int, requests: int) -> dict:
    """Run in a child process, on its own DATABASE_URL: the figures of both pages, as JSON on stdout."""
    setup_django()
    from django.db import connection
    from django.test import Client

    from core import periods
    from organisation.models import User
    from projects.models import Project

    ensure_data(counties)
    leader = User.objects.filter(role=User.Role.LEADER, is_active=True).order_by("pk").first()
    client = Client()
    client.force_login(leader)
    year = periods.default_year()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        portal_jit = cursor.fetchone()[0]
    figures = {
        "projects": Project.objects.count(),
        "portal_jit": portal_jit,
        "project list": page_figures(client, f"/projects/?year={year}", requests),
        "project list, cold": page_figures(client, f"/projects/?year={year}", requests, cold=True),
        "measure list": page_figures(client, f"/plans/measures/?year={year}", requests),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    figures["project list, cold, jit=on"] = page_figures(client, f"/projects/?year={year}", requests, cold=True)
    return figures


def run_child(url: str, counties: int, requests: int) -> dict:
    environment = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, __file__, "--child", "--counties", str(counties), "--requests", str(requests)]
    output = subprocess.run(command, env=environment, check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.counties, args.requests)))
        return
    many_url, one_url = os.environ.get("DATABASE_URL", ""), os.environ.get("ONE_COUNTY_DATABASE_URL", "")
    if not (many_url.startswith("postgres") and one_url.startswith("postgres")) or many_url == one_url:
        sys.exit("Set DATABASE_URL and ONE_COUNTY_DATABASE_URL to two different PostgreSQL databases.")
    print(f"measuring 1 county and {args.counties} counties, {args.requests} requests a page …", flush=True)
    one = run_child(one_url, 1, args.requests)
    many = run_child(many_url, args.counties, args.requests)
    print(f"projects: {one['projects']:,} (1 county) / {many['projects']:,} ({args.counties} counties);", end=" ")
    print(f"the portal's connections: jit={many['portal_jit']}")
    header = f"{'page':28} {'figure':8} {'1 county':>10} {f'{args.counties} counties':>12} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for page in ("project list", "project list, cold", "project list, cold, jit=on", "measure list"):
        for figure, unit in (
            ("p50", "ms"),
            ("p99", "ms"),
            ("sql", "ms"),
            ("queries", ""),
            ("options", ""),
            ("kb", "KB"),
        ):
            small, large = one[page][figure], many[page][figure]
            ratio = f"{large / small:6.2f}×" if small else "      —"
            print(f"{page:28} {figure:8} {small:8.1f}{unit:>2} {large:10.1f}{unit:>2} {ratio}")


if __name__ == "__main__":
    main()
