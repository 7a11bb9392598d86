"""Benchmark: a 50-item page of the hazards API through the real stack, beside a raw baseline, in the same run.

- real stack: Django's WSGI handler in-process (every middleware, token authentication, throttling, the
  serialisers, orjson rendering, the ETag), called with a WSGI environ as a server would, with a client token;
- baseline: a bare WSGI application running one SQL query for the same rows (the same joins for the township and
  the people's names) and serialising them with orjson.

Both are timed on the first page, on a deep page (about row 90,000, reached by the keyset cursor: never OFFSET) and
on a deep page after a bulk write has stamped 90,000 rows with one change time (as a data migration or COPY does:
the keyset then leans on the id within that time, which only the index on (updated_at, id) serves).
Figures: p50 and p99 latency and requests per second. Target: the real stack's p50 within 2× of the baseline's.

Uses PostgreSQL database ``liuyang_api_bench`` (created, migrated and filled with ``generate_scale_data --counties
20`` — 100,000 hazards — when missing), and DROPs it at the end unless ``--keep``::

    .venv/bin/python benchmarks/api_hazards.py [--requests 500] [--keep]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import orjson
import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "liuyang_api_bench"
PAGE = 50

BASELINE_SQL = """
SELECT h.id, h.code, h.field, h.level, h.source, h.location, h.township_id, t.name, h.enterprise_id, h.project_id,
       h.vehicle_id, h.description, h.found_on, h.found_by_id, f.full_name, h.responsible_unit_id,
       h.responsible_person, h.measures, h.funds::text, h.deadline, h.contingency_plan, h.status,
       h.rectification_note, h.rectification_reported_by_id, r.full_name, h.rectification_reported_at,
       h.signed_off_by_id, s.full_name, h.signed_off_at, h.verification_note, h.closed_by_id, c.full_name,
       h.closed_at, h.created_at, h.updated_at
FROM safety_hazard h
JOIN organisation_township t ON t.id = h.township_id
JOIN organisation_user f ON f.id = h.found_by_id
LEFT JOIN organisation_user r ON r.id = h.rectification_reported_by_id
LEFT JOIN organisation_user s ON s.id = h.signed_off_by_id
LEFT JOIN organisation_user c ON c.id = h.closed_by_id
WHERE (%(after)s::timestamptz IS NULL OR (h.updated_at, h.id) > (%(after)s::timestamptz, %(after_id)s::bigint))
ORDER BY h.updated_at, h.id
LIMIT %(limit)s
"""
COLUMNS = (
    "id code field level source location township_id township enterprise project vehicle description found_on "
    "found_by_id found_by responsible_unit responsible_person measures funds deadline contingency_plan status "
    "rectification_note rectification_reported_by_id rectification_reported_by rectification_reported_at "
    "signed_off_by_id signed_off_by signed_off_at verification_note closed_by_id closed_by closed_at created_at "
    "updated_at"
).split()


def run(*command, env=None):
    subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})}, check=True)


def prepare(url: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            connection.execute(f"CREATE DATABASE {DATABASE}")
    env = {"DATABASE_URL": url}
    run(sys.executable, "manage.py", "migrate", "-v0", env=env)
    with psycopg.connect(url) as connection:
        hazards = connection.execute("SELECT count(*) FROM safety_hazard").fetchone()[0]
    if hazards < 100_000:
        run(sys.executable, "manage.py", "generate_scale_data", "--counties", "20", env=env)


def drop() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def baseline_app(url: str):
    """The bare WSGI application: one query, orjson."""
    connection = psycopg.connect(url, autocommit=True)

    def app(environ, start_response):
        after = environ.get("bench.after")
        params = {"after": after[0] if after else None, "after_id": after[1] if after else 0, "limit": PAGE}
        rows = connection.execute(BASELINE_SQL, params).fetchall()
        body = orjson.dumps({"next": None, "results": [dict(zip(COLUMNS, row, strict=True)) for row in rows]})
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app


def environ_for(path: str, query: str, token: str) -> dict:
    import io

    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_ACCEPT": "application/json",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(app, environ: dict) -> bytes:
    status = []

    def start_response(code, headers, exc_info=None):
        status.append(code)

    result = app(environ, start_response)
    body = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    assert status[0].startswith("200"), (status, body[:300])
    return body


def measure(app, environ: dict, requests: int) -> dict:
    for _ in range(20):  # warm up
        call(app, dict(environ))
    timings = []
    started = time.perf_counter()
    for _ in range(requests):
        begin = time.perf_counter()
        call(app, dict(environ))
        timings.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    timings.sort()
    return {
        "p50": statistics.median(timings) * 1000,
        "p99": timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000,
        "rps": requests / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = f"{SERVER}/{DATABASE}"
    prepare(url)
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="benchmark-only-" + "x" * 40,
        ALLOWED_HOSTS="localhost",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="liuyang_transport.settings",
    )
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.wsgi import get_wsgi_application

        from api.models import ApiClient
        from api.pagination import encode_cursor
        from api.resources import RESOURCES
        from api.services import api_token_issue
        from organisation.models import User
        from safety.models import Hazard

        admin = User.objects.filter(role=User.Role.ADMIN).first() or User.objects.create(
            username="bench-admin", role=User.Role.ADMIN, is_staff=True
        )
        client, _ = ApiClient.objects.get_or_create(name="基准测试")
        _token, plain = api_token_issue(user=admin, client=client, resources=list(RESOURCES), rate="100000000/min")
        hazards = Hazard.objects.count()
        deep = Hazard.objects.order_by("updated_at", "id").values_list("updated_at", "id")[hazards - 10_000]
        cursor = encode_cursor(*deep)
        django_app, bare_app = get_wsgi_application(), baseline_app(url)
        path = "/api/v1/hazards/"
        pages = {
            "first page": ("page_size=50", None),
            f"deep page (row ~{hazards - 10_000})": (f"page_size=50&cursor={cursor}", deep),
        }
        body = orjson.loads(call(django_app, environ_for(path, "page_size=50", plain)))
        assert len(body["results"]) == PAGE and body["next"]
        print(f"database: PostgreSQL {DATABASE}; {hazards:,} hazards; {args.requests} requests per figure")
        print(f"{'':<26}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}")
        compare(pages, django_app, bare_app, path, plain, args.requests)
        shared = bulk_stamp(Hazard, hazards - 10_000)
        deep = Hazard.objects.order_by("updated_at", "id").values_list("updated_at", "id")[hazards - 15_000]
        name = f"deep page (row ~{hazards - 15_000}) among {shared:,} rows of one change time"
        compare(
            {name: (f"page_size=50&cursor={encode_cursor(*deep)}", deep)},
            django_app,
            bare_app,
            path,
            plain,
            args.requests,
        )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop()
            print(f"dropped database {DATABASE}")


def bulk_stamp(model, rows: int) -> int:
    """Give the first ``rows`` rows (in keyset order) one change time, as a bulk write would; returns how many."""
    from django.db import connection

    ordered = model.objects.order_by("updated_at", "id")
    moment = ordered.values_list("updated_at", flat=True)[0]
    ids = list(ordered.values_list("id", flat=True)[:rows])
    stamped = model.objects.filter(id__in=ids).update(updated_at=moment)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {model._meta.db_table}")
    return stamped


def compare(pages: dict, django_app, bare_app, path: str, plain: str, requests: int) -> None:
    for name, (query, after) in pages.items():
        real = measure(django_app, environ_for(path, query, plain), requests)
        bare_environ = environ_for(path, query, plain)
        bare_environ["bench.after"] = after
        bare = measure(bare_app, bare_environ, requests)
        print(name)
        for label, figures in (("API (Django, DRF)", real), ("baseline (SQL+orjson)", bare)):
            print(f"  {label:<24}{figures['p50']:>9.2f}{figures['p99']:>9.2f}{figures['rps']:>9.0f}")
        ratio = real["p50"] / bare["p50"]
        verdict = "within" if ratio <= 2 else "NOT within"
        print(f"{name}: p50 ratio {ratio:.2f}× — {verdict} the 2× target")


if __name__ == "__main__":
    main()
