"""The deployment and tooling around the code: docker-compose.yml, the production settings, vendored assets,
compiled translations and the CI script. No Docker engine is needed: the compose file is read, not run."""

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import polib
import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh interpreter, with the current environment (DATABASE_URL included) plus ``env``."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- docker-compose.yml ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))


def command_of(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_compose_has_the_five_services(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "beat"}
    assert compose["services"]["db"]["image"].startswith("postgres:15")
    assert compose["services"]["redis"]["image"].startswith("redis:7")


def test_web_worker_and_beat_run_the_built_image(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert len(images) == 1, "web, worker and beat must run one and the same image"
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == ".", f"{name} must be built from the Dockerfile"
    assert (BASE_DIR / "Dockerfile").is_file()


def test_each_process_runs_its_command(compose):
    services = compose["services"]
    assert re.search(r"^gunicorn liuyang_transport\.wsgi\b.*0\.0\.0\.0:8000", command_of(services["web"]))
    assert command_of(services["worker"]).startswith("celery -A liuyang_transport worker -l info")
    beat = command_of(services["beat"])
    assert beat.startswith("celery -A liuyang_transport beat -l info")
    schedule = re.search(r"-s (\S+)", beat).group(1)
    mounted = [volume.split(":")[1] for volume in services["beat"]["volumes"]]
    assert any(schedule.startswith(target + "/") for target in mounted), "beat's schedule file must be on a volume"


def test_db_redis_and_web_have_healthchecks_and_web_waits_for_them(compose):
    services = compose["services"]
    for name in ("db", "redis", "web"):
        assert services[name]["healthcheck"]["test"], f"{name} has no healthcheck"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "ping" in services["redis"]["healthcheck"]["test"]
    assert "/healthz/" in (BASE_DIR / "docker" / "healthcheck.py").read_text(encoding="utf-8")
    for dependency in ("db", "redis"):
        assert services["web"]["depends_on"][dependency]["condition"] == "service_healthy"


def test_production_settings_come_from_the_environment(compose):
    env = compose["services"]["web"]["environment"]
    assert env["DEBUG"] == "0"
    for name in ("SECRET_KEY", "ALLOWED_HOSTS"):
        assert env[name].startswith("${" + name + ":?"), f"compose must refuse to start without {name}"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert compose["services"]["worker"]["environment"]["REDIS_URL"] == env["REDIS_URL"]


def test_named_volumes_are_declared(compose):
    declared = set(compose["volumes"])
    assert {"pgdata", "media", "beat"} <= declared
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} mounts undeclared volume {source}"
    web_targets = [volume.split(":")[1] for volume in compose["services"]["web"]["volumes"]]
    assert "/app/var/media" in web_targets


# --- settings -------------------------------------------------------------------------------------------------------


def test_production_settings_pass_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "System check identified no issues" in output, output


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "portal.example"}
HSTS = "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"


def test_hsts_lasts_a_year_without_subdomains_or_preload_unless_asked():
    assert manage("shell", "-v", "0", "-c", HSTS, **PRODUCTION).stdout.split() == ["31536000", "False", "False"]
    opted_in = manage(
        "shell",
        "-v",
        "0",
        "-c",
        HSTS,
        **PRODUCTION,
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert opted_in.stdout.split() == ["600", "True", "True"], opted_in.stderr


def test_the_deploy_check_stays_clean_with_hsts_opted_in():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0 and "no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(("variable", "value"), [("DEBUG", "maybe"), ("AXES_FAILURE_LIMIT", "five")])
def test_a_bad_setting_is_refused_by_name(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured"), result.stderr
    assert variable in last_line and repr(value) in last_line


# --- static assets --------------------------------------------------------------------------------------------------

TEXT_SUFFIXES = {".html", ".htm", ".txt", ".css", ".js", ".mjs", ".svg", ".xml", ".json"}
COMMENTS = re.compile(r"/\*.*?\*/|<!--.*?-->|\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
REMOTE = r"""\s*["']?(?:https?:)?//"""  # an absolute or protocol-relative URL, perhaps quoted
# Loading something from another host: a script, stylesheet, image or frame, a CSS url()/@import or an ES import.
REMOTE_LOAD = re.compile(
    "|".join(
        [
            r"<script\b[^>]*\bsrc=" + REMOTE,
            r"<link\b[^>]*\bhref=" + REMOTE,
            r"<(?:img|iframe|source|embed)\b[^>]*\bsrc=" + REMOTE,
            r"url\(" + REMOTE,
            r"@import\s+(?:url\()?" + REMOTE,
            r"""\bimport\b[^;'"]*['"](?:https?:)?//""",
        ]
    ),
    re.IGNORECASE,
)
CDN_HOST = re.compile(
    r"(?:https?:)?//[\w.-]*(?:cdn|jsdelivr|unpkg|googleapis|gstatic|bootcss|staticfile|fontawesome|baomitu|"
    r"code\.jquery|cloudflare)[\w.-]*",
    re.IGNORECASE,
)


def asset_files() -> list[Path]:
    roots = [BASE_DIR / "templates", BASE_DIR / "static"]
    roots += [p for p in BASE_DIR.glob("*/templates") if p.parent.name not in {".venv", "var"}]
    roots += [p for p in BASE_DIR.glob("*/static") if p.parent.name not in {".venv", "var"}]
    return sorted(
        path
        for root in roots
        for path in root.rglob("*")
        if path.is_file()
        and path.suffix.lower() in TEXT_SUFFIXES
        and not path.name.upper().startswith(("LICENSE", "README", "COPYING"))
    )


def test_no_template_or_static_file_loads_from_a_cdn():
    files = asset_files()
    assert any(path.name == "base.html" for path in files), "templates/ was not scanned"
    offenders = []
    for path in files:
        text = COMMENTS.sub("", path.read_text(encoding="utf-8", errors="replace"))
        for match in [*REMOTE_LOAD.finditer(text), *CDN_HOST.finditer(text)]:
            offenders.append(f"{path.relative_to(BASE_DIR)}: {match.group(0)[:120]}")
    assert not offenders, "assets must be vendored under static/vendor/, not fetched:\n" + "\n".join(offenders)


# --- translations ---------------------------------------------------------------------------------------------------


def catalogue(entries) -> dict:
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr or tuple(sorted((str(k), v) for k, v in entry.msgstr_plural.items()))
        for entry in entries
        if entry.msgid
    }


def test_every_po_file_has_an_up_to_date_compiled_mo():
    """The .mo files are committed (`make run` must not need gettext), so each must match its .po. Compared by content,
    not by modification time, which a git checkout does not keep."""
    assert (LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po").is_file(), "the Chinese catalogue is missing"
    for po_path in sorted(LOCALE_DIR.rglob("*.po")):
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.is_file(), f"{mo_path.relative_to(BASE_DIR)} is missing: run `make messages`"
        po = polib.pofile(str(po_path))
        expected = catalogue(po.translated_entries())
        compiled = catalogue(polib.mofile(str(mo_path)))
        assert compiled == expected, f"{mo_path.relative_to(BASE_DIR)} is out of date: run `make messages`"


# --- scripts --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("script", [".ci/run", "scripts/ensure-chromium", "scripts/lock-requirements"])
def test_shell_scripts_parse(script):
    result = subprocess.run(["bash", "-n", script], cwd=BASE_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _locked(lock: Path) -> set[str]:
    """The distribution names pinned in a lock file (``name==version`` lines)."""
    names = set()
    for line in lock.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            names.add(re.sub(r"[-_.]+", "-", line.split("==")[0].split("[")[0]).lower())
    return names


def _portal_modules_imported() -> set[str]:
    """Top-level module names the portal's own code imports (not tests, benchmarks or scripts)."""

    skip = {".venv", "var", "tests", "benchmarks", "scripts", "node_modules"}
    modules = set()
    for path in BASE_DIR.rglob("*.py"):
        if skip & set(path.relative_to(BASE_DIR).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def test_the_portal_imports_no_development_only_package():
    """`make run` installs requirements.txt only: a runtime import of a package pinned only in the dev lock (it once
    happened with orjson) would pass the suite and break the README's run command."""
    from importlib.metadata import packages_distributions

    dev_only = _locked(BASE_DIR / "requirements-dev.txt") - _locked(BASE_DIR / "requirements.txt")
    distributions = packages_distributions()
    offending = {
        module
        for module in _portal_modules_imported()
        if {re.sub(r"[-_.]+", "-", name).lower() for name in distributions.get(module, [])} & dev_only
    }
    assert not offending, f"imported by the portal but pinned only in requirements-dev.txt: {sorted(offending)}"


OPTIONS = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'].get('options'))"


def test_the_portals_postgresql_connections_compile_no_query():
    """No JIT on PostgreSQL (settings.py): it compiled the registry's queries for longer than they ran; options
    given in the URL are kept."""
    url = "postgres://portal@db.example:5432/portal"
    assert manage("shell", "-v", "0", "-c", OPTIONS, DATABASE_URL=url).stdout.split() == ["-c", "jit=off"]
    with_options = manage("shell", "-v", "0", "-c", OPTIONS, DATABASE_URL=url + "?options=-c%20work_mem%3D8MB")
    assert with_options.stdout.split() == ["-c", "work_mem=8MB", "-c", "jit=off"], with_options.stderr
