"""Benchmark: the leadership dashboard at province scale (prints figures; not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liuyang_dashboard_bench \
        .venv/bin/python benchmarks/dashboard.py [--counties 100] [--requests 30] [--briefing]

Needs PostgreSQL (DATABASE_URL). Generates the scale data (``manage.py generate_scale_data --counties N``) when the
database holds less than that, then requests /dashboard/ as a logged-in leader through Django's test client:

- cold: the cache generation is renewed before each request (as after any audited write), so every request counts
  all the figures (``dashboard.selectors.dashboard_figures``);
- warm: the figures come from the cache (what leaders see between writes).

It prints p50/p99 of each, the queries of a cold and a warm request, and the time of each section's queries.
After generating the data it runs ``VACUUM ANALYZE`` (the generator does not; autovacuum does on a live database):
without statistics the planner misjudges the joins, and without the visibility map every scan checks each row.
The year's hazards are counted whole by a sequential scan of the table (≈ 120 ms at 500,000 hazards); an index
``safety_hazard (found_on) INCLUDE (field, level, status, deadline)`` answers the same query from the index alone
(≈ 100 ms less on the page, measured with raw SQL: the safety app owns that decision).
``--briefing`` also times the weekly briefing's .xlsx and PDF.
Drop the database when done: ``dropdb -h 127.0.0.1 -U postgres liuyang_dashboard_bench``.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from core import clock, periods

ROOT = Path(__file__).resolve().parent.parent


def setup_django():
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. liuyang_dashboard_bench).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def milliseconds(values: list[float]) -> str:
    return f"p50 {percentile(values, 0.5) * 1000:7.1f} ms   p99 {percentile(values, 0.99) * 1000:7.1f} ms"


def ensure_data(counties: int) -> None:
    from django.core.management import call_command

    from safety.models import Hazard

    have = Hazard.objects.count()
    if have >= counties * 4000:
        print(f"scale data present: {have:,} hazards")
        return
    print(f"generating scale data for {counties} counties (this takes a few minutes) …", flush=True)
    started = time.perf_counter()
    call_command("generate_scale_data", counties=counties, verbosity=0)
    print(f"  generated in {time.perf_counter() - started:.0f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        # Statistics and the visibility map, as autovacuum gives a live database after a bulk load: without them
        # the planner misjudges the joins and every scan checks each row's visibility.
        cursor.execute("VACUUM ANALYZE")


def sizes() -> None:
    from inspections.models import Draw, Inspection
    from plans.models import Measure
    from projects.models import MonthlyProgress, Project
    from safety.models import Hazard

    for model in (Hazard, Project, MonthlyProgress, Measure, Inspection, Draw):
        print(f"  {model._meta.label:28} {model.objects.count():>10,}")


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


def queries_of(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def section_times(year: int) -> None:

    from dashboard import selectors

    today = clock.today()
    sections = {
        "key tasks (1 query)": lambda: selectors.key_task_figures(year, today),
        "units (4 queries)": lambda: selectors.unit_figures(year, today),
        "projects (5 queries)": lambda: selectors.project_figures(year, today),
        "safety (3 queries)": lambda: selectors.safety_figures(year, today),
        "years (2 queries)": lambda: selectors.dashboard_years(today),
    }
    for name, run in sections.items():
        times = []
        for _ in range(5):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        print(f"  {name:24} median {statistics.median(times) * 1000:7.1f} ms")


def briefing_times() -> None:
    import datetime

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
    print(
        f"  week of {week}: read {read * 1000:.0f} ms; .xlsx {len(xlsx) / 1024:.0f} KiB in {written_xlsx * 1000:.0f} ms;"
        f" PDF {len(pdf) / 1024:.0f} KiB in {written_pdf * 1000:.0f} ms"
        f" ({len(data.overdue_measures)} overdue measures, {len(data.behind_schedule)} projects behind schedule)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--briefing", action="store_true", help="also time the weekly briefing")
    args = parser.parse_args()

    setup_django()
    from django.test import Client

    from organisation.models import User

    ensure_data(args.counties)
    sizes()
    leader = User.objects.filter(role=User.Role.LEADER, is_active=True).first()
    if leader is None:
        leader = User.objects.create(username="bench-leader", role=User.Role.LEADER)
    client = Client()
    client.force_login(leader)
    year = periods.default_year()
    url = f"/dashboard/?year={year}"
    client.get(url)  # warm up the process (imports, templates)

    print(f"\n/dashboard/ for {year} as leader {leader.username}, {args.requests} requests each")
    cold = request_times(client, url, args.requests, cold=True)
    print(f"  cold (figures counted each time): {milliseconds(cold)}")
    warm = request_times(client, url, args.requests, cold=False)
    print(f"  warm (figures from the cache):    {milliseconds(warm)}")
    from dashboard.cache import new_generation

    new_generation()
    print(f"  queries: cold {queries_of(client, url)}, warm {queries_of(client, url)}")
    print("\nsections, counted (cold):")
    section_times(year)
    if args.briefing:
        print("\nweekly briefing:")
        briefing_times()


if __name__ == "__main__":
    main()
