"""Load test: the mixed scenario of 50 concurrent users with no think time against gunicorn (2 sync workers) on
loopback, beside the floor of the same server and client in the same run (prints figures; not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liuyang_load_bench \
        .venv/bin/python benchmarks/load_mixed.py [--counties 20] [--users 50] [--seconds 60] [--workers 2]

``DATABASE_URL`` (PostgreSQL) is migrated and filled with ``generate_scale_data --counties N`` when it holds less.
The benchmark logs a leader in (the widest pages) and issues an API token with no practical rate limit, starts
gunicorn on a free port of 127.0.0.1 with ``DEBUG`` off, and runs locust headless (``benchmarks/
locustfile_mixed.py``) three times, each bounded by ``--seconds``:

- mixed: the measure list, a measure, the hazard list, the project list, the dashboard and the API's 50-hazard page,
  in equal shares;
- API: the API's 50-hazard page alone (a provincial client's pull);
- floor: the health check only — what the server and the load generator reach with no work (the ceiling of this
  machine: locust and gunicorn share its cores).

Printed: per page and in all, requests, failures, requests/s, p50, p95 and p99 (ms). Targets (issue 16): mixed
≥ 120 req/s, p95 < 1 s, no errors; API ≥ 200 req/s. Drop the database when done (``dropdb -h 127.0.0.1 -U postgres …``).
"""

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from scale_data import ROOT, ensure_data, setup_django

LOCUSTFILE = Path(__file__).with_name("locustfile_mixed.py")


def prepare(counties: int, config_path: Path) -> None:
    """The data, a leader's session, an API token and the measures to open, written to ``config_path``."""
    setup_django()
    from django.conf import settings
    from django.test import Client

    from api.models import ApiClient
    from api.resources import RESOURCES
    from api.services import api_token_issue
    from core import periods
    from organisation.models import User
    from plans.models import Measure

    ensure_data(counties)
    year = periods.default_year()
    leader = User.objects.filter(role=User.Role.LEADER, is_active=True).order_by("pk").first()
    administrator = User.objects.get_or_create(username="load-test-admin", defaults={"role": User.Role.ADMIN})[0]
    client = Client()
    client.force_login(leader)
    _, token = api_token_issue(
        user=administrator,
        client=ApiClient.objects.get_or_create(name="load test")[0],
        resources=list(RESOURCES),
        rate="1000000/min",
    )
    measures = list(
        Measure.objects.restrict(leader)
        .filter(key_task__plan__year=year)
        .order_by("?")
        .values_list("pk", flat=True)[:200]
    )
    config = {
        "year": year,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "token": token,
        "measures": measures,
    }
    config_path.write_text(json.dumps(config))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: The server's settings, which the session is made with too (it is signed with the secret key): production's,
#: but for plain HTTP on loopback.
SERVER_ENVIRONMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "load-test-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
}


def start_server(port: int, workers: int) -> subprocess.Popen:
    """gunicorn with the static files collected, as the production image serves them (whitenoise, manifest)."""
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "liuyang_transport.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def swarm(user_class: str, port: int, users: int, seconds: int, config_path: Path, folder: Path) -> list[dict]:
    """Run locust headless with ``user_class``; its statistics (one row a page and the aggregate)."""
    prefix = folder / user_class
    subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(LOCUSTFILE),
            user_class,
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**os.environ, "LOAD_CONFIG": str(config_path)},
        check=False,  # locust exits 1 when a request failed: the failures are printed below
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def report(title: str, rows: list[dict]) -> None:
    print(title)
    header = f"  {'page':24} {'requests':>9} {'failures':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    print(header)
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"  {name:24} {int(row['Request Count']):9,} {int(row['Failure Count']):9,} "
            f"{float(row['Requests/s']):8.1f} {row['50%']:>8} {row['95%']:>8} {row['99%']:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    os.environ.update(SERVER_ENVIRONMENT)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        config_path = folder / "config.json"
        prepare(args.counties, config_path)
        port = free_port()
        server = start_server(port, args.workers)
        try:
            print(
                f"{args.counties} counties, {args.users} users, no think time, {args.seconds} s a run, "
                f"gunicorn with {args.workers} sync workers on 127.0.0.1:{port}",
                flush=True,
            )
            mixed = swarm("MixedUser", port, args.users, args.seconds, config_path, folder)
            api = swarm("ApiUser", port, args.users, args.seconds, config_path, folder)
            floor = swarm("FloorUser", port, args.users, args.seconds, config_path, folder)
        finally:
            server.terminate()
            server.wait(timeout=30)
    report("mixed scenario", mixed)
    report("API pages", api)
    report("floor", floor)
    floor_rate = float(floor[-1]["Requests/s"])
    for name, rows in (("mixed", mixed), ("API", api)):
        print(f"{name} / floor: {float(rows[-1]['Requests/s']) / floor_rate:.2f} of the floor's requests/s")


if __name__ == "__main__":
    main()
