"""Benchmark: the leadership dashboard at 1 county and at N counties, in the same run (prints figures; not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liuyang_dashboard_bench \
    ONE_COUNTY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/liuyang_dashboard_bench1 \
        .venv/bin/python benchmarks/dashboard.py [--counties 20] [--requests 30] [--briefing]

Two PostgreSQL databases: ``DATABASE_URL`` is filled with ``generate_scale_data --counties N`` and
``ONE_COUNTY_DATABASE_URL`` with one county, when they hold less (both migrated first, ``VACUUM ANALYZE`` after
generating: the generator leaves no statistics, autovacuum gives them to a live database). Each database is measured
in its own process, through Django's test client as a leader:

- cold: the cache generation is renewed before each request (as after any audited write or on a new day), so every
  request counts all the figures (``dashboard.selectors.dashboard_figures``) and renders them;
- warm: the figures come from the cache (what leaders see between writes);
- the queries of a cold and a warm request, and the page's weight (the HTML of ``/dashboard/``; the long lists it
  loads on demand are measured apart: the key tasks' and the units' first pages);
- each section's queries, counted (median of 5).

The figures at N counties are printed beside the 1-county ones with their ratio: a flat page stays near 1×.
``--briefing`` also times the weekly briefing's .xlsx and PDF (at N counties).
Drop the databases when done (``dropdb -h 127.0.0.1 -U postgres liuyang_dashboard_bench``, …).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from scale_data import ensure_data, percentile, setup_django


def request_times(client, url: str, count: int, *, cold: bool) -> list[float]:
    from dashboard.cache import new_generation

    times = []
    for _ in range(count):
        if cold:
            new_generation()
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        assert (b'data-cached="1"' in response.content) is not cold
    return times


def queries_and_weight(client, url: str) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), len(response.content) / 1024


def section_times(year: int) -> dict:
    from core import clock
    from dashboard import selectors

    today = clock.today()
    sections = {
        "key tasks": lambda: selectors.key_task_figures(year, today),
        "units": lambda: selectors.unit_figures(year, today),
        "projects": lambda: selectors.project_figures(year, today),
        "safety": lambda: selectors.safety_figures(year, today),
        "years": lambda: selectors.dashboard_years(today),
    }
    figures = {}
    for name, run in sections.items():
        times = []
        for _ in range(5):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        figures[f"section {name}"] = statistics.median(times) * 1000
    return figures


def briefing_times() -> str:
    import datetime

    from core import clock
    from dashboard import briefing

    today = clock.today()
    week = today - datetime.timedelta(days=today.weekday() + 7)
    started = time.perf_counter()
    data = briefing.week_briefing(week)
    read = time.perf_counter() - started
    started = time.perf_counter()
    xlsx = briefing.briefing_xlsx(data)
    written_xlsx = time.perf_counter() - started
    started = time.perf_counter()
    pdf = briefing.briefing_pdf(data)
    written_pdf = time.perf_counter() - started
    return (
        f"week of {week}: read {read * 1000:.0f} ms; .xlsx {len(xlsx) / 1024:.0f} KiB in {written_xlsx * 1000:.0f} ms;"
        f" PDF {len(pdf) / 1024:.0f} KiB in {written_pdf * 1000:.0f} ms"
        f" ({len(data.overdue_measures)} overdue measures, {len(data.behind_schedule)} projects behind schedule)"
    )


def measure(counties: int, requests: int, with_briefing: bool) -> dict:
    """Run in a child process, on its own DATABASE_URL: the dashboard's figures, as JSON on stdout."""
    setup_django()
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from core import periods
    from dashboard.cache import new_generation
    from organisation.models import User
    from safety.models import Hazard

    ensure_data(counties)
    leader = User.objects.filter(role=User.Role.LEADER, is_active=True).order_by("pk").first()
    client = Client()
    client.force_login(leader)
    year = periods.default_year()
    url = f"/dashboard/?year={year}"
    client.get(url)  # warm up the process (imports, templates, the first plan of each query)
    cold = request_times(client, url, requests, cold=True)
    warm = request_times(client, url, requests, cold=False)
    new_generation()
    cold_queries, weight = queries_and_weight(client, url)
    warm_queries, _ = queries_and_weight(client, url)
    figures = {
        "hazards": Hazard.objects.count(),
        "cold p50": percentile(cold, 0.5) * 1000,
        "cold p99": percentile(cold, 0.99) * 1000,
        "warm p50": percentile(warm, 0.5) * 1000,
        "warm p99": percentile(warm, 0.99) * 1000,
        "cold queries": cold_queries,
        "warm queries": warm_queries,
        "page KB": weight,
    }
    for name in ("key_tasks", "units"):
        try:
            part = reverse(f"dashboard:{name}")
        except NoReverseMatch:  # before the lists were loaded on demand
            continue
        figures[f"{name} page KB"] = queries_and_weight(client, f"{part}?year={year}")[1]
    figures.update(section_times(year))
    if with_briefing:
        figures["briefing"] = briefing_times()
    return figures


def run_child(url: str, counties: int, requests: int, with_briefing: bool) -> dict:
    environment = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, __file__, "--child", "--counties", str(counties), "--requests", str(requests)]
    if with_briefing:
        command.append("--briefing")
    output = subprocess.run(command, env=environment, check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--briefing", action="store_true", help="also time the weekly briefing")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.counties, args.requests, args.briefing)))
        return
    many_url, one_url = os.environ.get("DATABASE_URL", ""), os.environ.get("ONE_COUNTY_DATABASE_URL", "")
    if not (many_url.startswith("postgres") and one_url.startswith("postgres")) or many_url == one_url:
        sys.exit("Set DATABASE_URL and ONE_COUNTY_DATABASE_URL to two different PostgreSQL databases.")
    print(f"measuring 1 county and {args.counties} counties, {args.requests} requests each …", flush=True)
    one = run_child(one_url, 1, args.requests, False)
    many = run_child(many_url, args.counties, args.requests, args.briefing)
    print(f"hazards: {one['hazards']:,} (1 county) / {many['hazards']:,} ({args.counties} counties)")
    header = f"{'/dashboard/':22} {'1 county':>10} {f'{args.counties} counties':>12} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for figure in many:
        if figure in ("hazards", "briefing") or figure not in one:
            continue
        unit = "KB" if figure.endswith("KB") else "" if figure.endswith("queries") else "ms"
        small, large = one[figure], many[figure]
        ratio = f"{large / small:6.2f}×" if small else "      —"
        print(f"{figure:22} {small:8.1f}{unit:>2} {large:10.1f}{unit:>2} {ratio}")
    if "briefing" in many:
        print(f"weekly briefing ({args.counties} counties): {many['briefing']}")


if __name__ == "__main__":
    main()
