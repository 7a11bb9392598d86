# --- Database guard (infrastructure; keep at the top) --------------------------------------------------------------
# CI (.ci/run) sets REQUIRE_POSTGRES=1 and DATABASE_URL=postgres://...: if the settings fell back to the embedded
# SQLite file (variable lost or misspelt), the run fails instead of passing against the wrong database. The pytest
# header names the database the run uses.
import importlib
import os

import pytest
from django.apps import apps as django_apps
from django.db import connection

from tests.personas import *  # noqa: F401,F403  named personas for every test
from tests.workers import own_redis  # noqa: F401  a redis-server of the test's own, for real workers


def pytest_report_header(config):
    db = connection.settings_dict
    where = db.get("HOST") or db.get("NAME")
    return f"database: {connection.vendor} ({where}); REQUIRE_POSTGRES={os.environ.get('REQUIRE_POSTGRES', '')!r}"


@pytest.fixture(scope="session", autouse=True)
def _require_postgres(request):
    if not os.environ.get("REQUIRE_POSTGRES"):
        return
    if connection.vendor != "postgresql":
        pytest.exit(f"REQUIRE_POSTGRES is set but the tests would run on {connection.vendor}", returncode=1)
    request.getfixturevalue("django_db_setup")  # the test database must really be reachable


# --- end of the database guard -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _real_date(settings):
    """The suite runs on the real date (time_machine moves it), whatever PORTAL_TODAY the shell has; a test of
    the demo clock sets ``settings.PORTAL_TODAY`` itself."""
    settings.PORTAL_TODAY = None


@pytest.fixture(autouse=True)
def _fresh_figures_cache():
    """Each test starts a new generation of the counted figures' cache (``dashboard.cache``: the dashboard and the
    project registry's totals), which may be a Redis shared between tests and runs: rows made by factories leave
    no audit entry to renew it."""
    from dashboard.cache import new_generation

    new_generation()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Personas and demo users have their passwords hashed: a fast hasher keeps the suite quick (tests only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test (live server, threads) starts from a flushed database, without the reference data the
    data migrations load (Liuyang's townships): put it back, as the migration does."""
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        importlib.import_module("organisation.migrations.0003_load_townships").load_townships(django_apps, None)
