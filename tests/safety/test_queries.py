"""No safety page makes a query per row: each costs as many queries with 3N hazards as with N (the comment on each
test lists the queries it is expected to make)."""

import datetime
import itertools
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation.models import Township
from safety import selectors, services
from safety.choices import HazardField

from .conftest import to_verifying
from .factories import png_upload, register_fields

pytestmark = pytest.mark.django_db
N = 4
_fields = itertools.cycle(HazardField.values)


def queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def assert_same_cost(client, path: str, add_rows) -> int:
    add_rows(N)
    queries(client, path)  # warm-up
    few = queries(client, path)
    add_rows(2 * N)
    many = queries(client, path)
    extra = Counter(re.sub(r"'[^']*'", "?", q) for q in many) - Counter(re.sub(r"'[^']*'", "?", q) for q in few)
    assert len(many) == len(few), "queries added by the rows:\n" + "\n".join(f"{n} × {q}" for q, n in extra.items())
    return len(many)


@pytest.fixture
def add_hazards(alice, unit_a, dave):
    townships = list(Township.objects.all()[:12])

    def add(count: int) -> None:
        for index in range(count):
            hazard = services.hazard_register(
                user=alice,
                photos=[png_upload()],
                **register_fields(
                    responsible_unit=unit_a,
                    field=next(_fields),
                    township=townships[index % len(townships)],
                    level="major" if index % 2 else "general",
                ),
            )
            if index % 3 == 0:
                to_verifying(hazard, alice)
            if index % 3 == 1:
                services.hazard_start_rectification(user=alice, hazard=hazard)

    return add


def test_list_page(login, leo, add_hazards):
    # session, user, count for the paginator, the page of hazards with their township, unit, enterprise, project,
    # vehicle and registrant (one join), the filter form's townships and units
    assert assert_same_cost(login(leo), reverse("safety:hazard_list") + "?year=2020", add_hazards) <= 8


def test_detail_page(login, carol, add_hazards, alice, unit_a):
    hazard = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    to_verifying(hazard, alice)

    def add(count: int) -> None:
        add_hazards(count)
        for _ in range(count):  # more photos and transitions on the hazard shown
            services.hazard_verify(user=carol, hazard=hazard, passed=False, note="不合格", photos=[png_upload()])
            services.hazard_report_rectification(user=alice, hazard=hazard, note="再次整改", photos=[png_upload()])

    # session, user, the hazard with its permissions (one query), the user's unit (does it supervise safety), photos with
    # uploaders, transitions with their actors, the history with actors; the view counts of the restrict checks
    assert_same_cost(login(carol), hazard.get_absolute_url(), add)


def test_zero_out_page(login, leo, add_hazards):
    # session, user, the unread-notification bell, the years, counts by field, counts by township, the open major hazards
    count = assert_same_cost(login(leo), reverse("safety:zero_out") + "?year=2020", add_hazards)
    assert count <= 7


def test_zero_out_selector_makes_three_queries(add_hazards, django_assert_num_queries):
    add_hazards(2 * N)
    # by field, by township, the open major hazards
    with django_assert_num_queries(3):
        summary = selectors.hazard_zero_out(year=2020, today=datetime.date(2020, 12, 31))
    assert summary.totals.total == 2 * N
