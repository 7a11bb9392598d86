"""No 500 anywhere on odd input (issue 13): every URL pattern of the portal, the admin's and the API's included, is
walked with odd path values (missing and huge ids, years 1 and 9999, impossible days) and with every query
parameter the pages and the API read set to odd values (huge, negative, non-numeric, odd dates, a NUL byte). Each
answer may refuse (400, 403, 404, a redirect, a form error) but never fail.

One test walks everything and reports every 500 at once, so one run shows the whole list."""

import itertools
import re
from urllib.parse import urlencode

import django_filters
import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from api.models import ApiClient
from api.resources import RESOURCES
from api.services import api_token_issue
from core.models import ImportJob
from safety import services as safety_services
from tests.emergency.factories import DrillFactory, DutyAssignmentFactory, SpecialPeriodFactory
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory
from tests.factories import MeasureCommentFactory, ProgressReportFactory
from tests.inspections.factories import InspectionFactory, InspectorFactory
from tests.projects.factories import MonthlyProgressFactory, ProjectFactory
from tests.safety.factories import register_fields

pytestmark = pytest.mark.django_db

#: Values every query parameter is tried with, one value for all the parameters of a request at a time
ODD_VALUES = ["99999999999999999999", "-1", "abc", "9999-12-31", "0001-01-01", "2020-02-30", "1\x00"]

#: Query parameters read outside the FilterSets (found with ``grep request.GET / query_params``)
PLAIN_PARAMETERS = [
    "year", "week", "month", "day", "page", "page_size", "cursor", "q", "o", "p", "e", "format", "show", "wall",
    "project", "enterprise", "template", "term", "updated_since", "updated_before", "next", "app_label",
    "model_name", "field_name", "_changelist_filters",
]  # fmt: skip

#: What a path argument is tried with, by the name it has in the pattern
ODD_PATH_VALUES = {
    "year": ["1", "9999", "0"],
    "month": ["12", "13", "0"],
    "day": ["9999-12-31", "0001-01-01", "2020-02-30", "abc"],
    "seed": ["x" * 300, "abc"],
    "file_format": ["xlsx", "pdf", "abc"],
}
MISSING_IDS = ["99999999999999999999"]  # no row has it, and it is beyond every integer column


def filter_parameters() -> set[str]:
    """Every query parameter a FilterSet of the portal reads (and the ``__gte``/``__lte`` halves of its ranges)."""
    names = set()
    for filterset in django_filters.FilterSet.__subclasses__():
        for name, field in filterset.base_filters.items():
            names.add(name)
            if isinstance(field, django_filters.DateFromToRangeFilter | django_filters.RangeFilter):
                names.update({f"{name}_after", f"{name}_before", f"{name}_min", f"{name}_max"})
    return names


def patterns(resolver=None, prefix=""):
    """(route, pattern) for every URL pattern, routes as their regular expression."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route.removesuffix("$"))
        elif isinstance(entry, URLPattern):
            yield route.removesuffix("$").replace("\\Z", "").replace("\\", ""), entry


def fill(route: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda group: values[group.group(1)], route)


def path_variants(route: str, existing_id: str | None) -> list[tuple[str, bool]]:
    """(path, whether to try the odd queries on it): the route with its ids filled with an existing row's (the
    queries are tried there), missing ones and a non-number, and its other arguments with their odd values."""
    names = re.findall(r"\(\?P<(\w+)>", route)
    ids = [name for name in names if name not in ODD_PATH_VALUES and name != "path"]
    choices = [
        ODD_PATH_VALUES.get(name) or (["no-such/"] if name == "path" else [existing_id, *MISSING_IDS, "abc"])
        for name in names
    ]
    variants = []
    for combination in itertools.product(*choices):
        values = dict(zip(names, combination, strict=True))
        if None in combination:
            continue
        variants.append((fill(route, values), all(values[name] == existing_id for name in ids)))
    return variants


@pytest.fixture
def portal_rows(alice, leo, unit_a, measure_a):
    """One row of each kind the pages show, so that the walk reaches their detail pages and history: the route
    prefix of each page that shows a row → that row's id."""
    hazard = safety_services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    project = ProjectFactory(responsible_unit=unit_a, leader=leo)
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    vehicle = VehicleFactory(enterprise=enterprise)
    inspection = InspectionFactory(lead_unit=unit_a, created_by=alice)
    InspectorFactory()
    drill = DrillFactory(units=[unit_a], created_by=alice)
    period = SpecialPeriodFactory()
    duty = DutyAssignmentFactory()
    report = ProgressReportFactory(measure=measure_a, author=alice, submitted=True)
    progress = MonthlyProgressFactory(project=project, author=alice)
    MeasureCommentFactory(measure=measure_a, author=leo)
    job = ImportJob.objects.create(
        user=alice, flow_key="hazards", resource="x", file_name="隐患.xlsx", file_format="xlsx"
    )
    rows = {
        "plans/measures/": measure_a, "plans/reports/": report, "projects/progress/": progress, "projects/": project,
        "safety/hazards/": hazard, "enterprises/vehicles/": vehicle, "enterprises/": enterprise,
        "inspections/": inspection, "emergency/drills/": drill, "emergency/periods/": period,
        "emergency/duties/": duty, "imports/jobs/": job, "api/v1/measures/": measure_a,
        "api/v1/progress-reports/": report, "api/v1/projects/": project, "api/v1/monthly-progress/": progress,
        "api/v1/enterprises/": enterprise, "api/v1/vehicles/": vehicle, "api/v1/hazards/": hazard,
        "api/v1/inspections/": inspection, "api/v1/duty-assignments/": duty, "api/v1/units/": unit_a,
    }  # fmt: skip
    return {prefix: str(row.pk) for prefix, row in rows.items()}


def existing_id(route: str, ids: dict[str, str]) -> str | None:
    """The id of a row the route shows (the longest matching prefix's), if there is one."""
    prefixes = [prefix for prefix in ids if route.startswith(prefix)]
    return ids[max(prefixes, key=len)] if prefixes else None


def admin_object_ids() -> dict[str, str]:
    """For each admin object route (``admin/<app>/<model>/``), the id of a row that exists."""
    ids = {}
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            ids[f"admin/{model._meta.app_label}/{model._meta.model_name}/"] = str(first)
    return ids


def api_client(admin_user) -> Client:
    token, plain = api_token_issue(
        user=admin_user, client=ApiClient.objects.create(name="巡检客户端"), resources=list(RESOURCES)
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_no_url_answers_500_to_odd_path_and_query_values(portal_rows, alice, admin_user):
    parameters = sorted(filter_parameters() | set(PLAIN_PARAMETERS))
    queries = [urlencode(dict.fromkeys(parameters, value)) for value in ODD_VALUES]
    ids = portal_rows | admin_object_ids()
    clients = {}
    for user in (admin_user, alice):
        clients[user.username] = Client(raise_request_exception=False)
        clients[user.username].force_login(user)
    clients["api"] = api_client(admin_user)
    clients["api"].raise_request_exception = False

    failures = []
    for route, _pattern in patterns():
        if route.startswith("admin/"):
            who = ["admin"]
        else:
            who = ["api"] if route.startswith("api/v1/") else ["admin", "alice"]
        for path, odd_queries in path_variants(route, existing_id(route, ids)):
            for name, query in itertools.product(who, ["", *queries] if odd_queries else [""]):
                url = f"{path}?{query}" if query else path
                response = clients[name].get(url)
                if response.status_code >= 500:
                    failures.append(f"{name} GET {url[:160]} → {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_walk_reaches_every_kind_of_page(portal_rows):
    """The walk covers the pages, the admin and the API: a guard that the pattern list is not silently empty."""
    routes = [route for route, _pattern in patterns()]
    assert any(route.startswith("admin/safety/hazard/") for route in routes)
    assert any(route.startswith("api/v1/hazards") for route in routes)
    assert "emergency/roster/(?P<year>[0-9]+)/(?P<month>[0-9]+)/" in routes
