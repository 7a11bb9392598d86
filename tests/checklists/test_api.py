"""The read-only API resource of signed submissions: what a user may see, as on the pages; no write; pages of
a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists import services
from checklists.models import Checklist
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(leo, filled, checklist):
    return services.checklist_sign(user=leo, checklist=checklist)


def test_a_leader_reads_the_signed_submission(login, leo, signed):
    answer = login(leo).get(reverse("api:checklist-submission-list"))
    assert answer.status_code == 200
    (row,) = answer.json()["results"]
    assert (row["year"], row["title"], row["signed_by"]["id"]) == (2020, "真抓实干督查激励指标自评", leo.pk)
    assert [item["number"] for item in row["rows"]] == [1, 2] and row["total_score"] == "15.00"
    detail = login(leo).get(reverse("api:checklist-submission-detail", args=[signed.pk]))
    assert detail.json()["id"] == signed.pk


def test_a_unit_without_items_reads_none_and_the_detail_is_missing(login, signed):
    client = login(UserFactory(username="zoe", unit=UnitFactory(name="财务审计科")))
    assert client.get(reverse("api:checklist-submission-list")).json()["results"] == []
    assert client.get(reverse("api:checklist-submission-detail", args=[signed.pk])).status_code == 404


def test_the_resource_is_read_only(login, leo, signed):
    client = login(leo)
    url = reverse("api:checklist-submission-detail", args=[signed.pk])
    assert client.patch(url, {"total_score": "0"}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405


def test_the_list_queries_do_not_grow(login, leo, admin_user, signed):
    client = login(leo)
    url = reverse("api:checklist-submission-list")

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(3):
        checklist = services.checklist_create(
            user=admin_user, year=2020, kind="acceptance", title=f"验收{number}", deadline=signed.checklist.deadline
        )
        services.item_create(
            user=admin_user,
            checklist=checklist,
            number=1,
            name="安全监管",
            target="无事故",
            scoring_rule="—",
            full_marks=5,
            lead_unit=signed.checklist.items.first().lead_unit,
        )
        item = checklist.items.get()
        services.item_fill(user=signed.checklist.items.first().filled_by, item=item, value=1, self_score=5)
        services.checklist_sign(user=leo, checklist=checklist)
    assert Checklist.objects.filter(submission__isnull=False).count() == 4
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(url).json()["results"]) == 4
    assert len(four) == len(one)
