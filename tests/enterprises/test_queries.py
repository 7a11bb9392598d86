"""No page makes a query per row: each page costs as many queries with 3N rows as with N.

Expected queries, whatever the number of rows:
- enterprise list: session, user, the filter form's township and unit choices, count, page of enterprises
  (township, supervising unit joined, vehicle count annotated);
- vehicle list: session, user, the filter form's enterprise choices, count, page of vehicles (enterprise joined);
- enterprise detail: session, user, enterprise (township, unit joined), may-change check, the user's unit
  (page header), vehicles, history, and the township and unit named in the creation entry of the history;
- vehicle detail: session, user, vehicle (enterprise joined), may-change check, history (and what it names).
"""

import datetime
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.enterprises.factories import EnterpriseFactory, VehicleFactory

pytestmark = pytest.mark.django_db
N = 4


def queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def without_values(sql: str) -> str:
    return re.sub(r"'[^']*'", "?", sql)


def assert_same_cost(client, path: str, add_rows) -> int:
    add_rows(N)
    queries(client, path)  # warm-up
    few = queries(client, path)
    add_rows(2 * N)
    many = queries(client, path)
    extra = Counter(map(without_values, many)) - Counter(map(without_values, few))
    assert len(many) == len(few), "queries added by the rows:\n" + "\n".join(f"{n} × {sql}" for sql, n in extra.items())
    return len(many)


def test_enterprise_list(login, leo, huaichuan, unit_a):
    def add(n):
        for _ in range(n):
            enterprise = EnterpriseFactory(
                township=huaichuan, supervising_unit=unit_a, licence_expires_on=datetime.date(2021, 1, 1)
            )
            VehicleFactory(enterprise=enterprise)

    assert assert_same_cost(login(leo), reverse("enterprises:enterprise_list"), add) <= 7


def test_vehicle_list(login, leo, enterprise_a):
    def add(n):
        for _ in range(n):
            VehicleFactory(enterprise=EnterpriseFactory(supervising_unit=enterprise_a.supervising_unit))

    assert assert_same_cost(login(leo), reverse("enterprises:vehicle_list"), add) <= 6


def test_enterprise_detail(login, alice, enterprise_a):
    def add(n):
        for _ in range(n):
            VehicleFactory(enterprise=enterprise_a, certificate_expires_on=datetime.date(2021, 1, 1))

    path = reverse("enterprises:enterprise_detail", args=[enterprise_a.pk])
    assert assert_same_cost(login(alice), path, add) <= 10  # with the bell's unread count


def test_vehicle_detail_history(login, alice, vehicle_a):
    from enterprises import services

    def add(n):
        for number in range(n):
            services.vehicle_update(user=alice, vehicle=vehicle_a, certificate_number=f"证{number}-{n}")

    path = reverse("enterprises:vehicle_detail", args=[vehicle_a.pk])
    assert assert_same_cost(login(alice), path, add) <= 8  # with the bell's unread count
