"""A mirror never goes stale: a deletion that changes another row's representation moves that row; a row that
leaves a token's view without being deleted leaves a tombstone; every row has an identifier unique across the
province's counties."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from api.models import Deletion
from core.choices import ReviewState
from tests.enterprises.factories import EnterpriseFactory
from tests.inspections.factories import InspectionFactory
from tests.projects.factories import MonthlyProgressFactory, ProjectFactory

from .conftest import pull

pytestmark = pytest.mark.django_db


def later(minutes=1):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


@pytest.mark.parametrize("target", ["project", "enterprise"])
def test_deleting_what_an_inspection_names_moves_the_inspection(province, alice, unit_a, target):
    project, enterprise = ProjectFactory(responsible_unit=unit_a), EnterpriseFactory(supervising_unit=unit_a)
    inspection = InspectionFactory(lead_unit=unit_a, enterprises=[enterprise], inspectors=[alice])
    inspection.projects.set([project])
    since = timezone.now() + datetime.timedelta(seconds=30)
    with later():
        {"project": project, "enterprise": enterprise}[target].delete()
    inspection.refresh_from_db()
    assert inspection.updated_at > since
    [row] = pull(province, "/api/v1/inspections/", updated_since=since.isoformat())
    assert row["projects"] == ([] if target == "project" else [project.pk])
    assert row["enterprises"] == ([] if target == "enterprise" else [enterprise.pk])


def test_a_row_that_leaves_the_tokens_view_leaves_a_tombstone(province, alice, unit_a):
    progress = MonthlyProgressFactory(project=ProjectFactory(responsible_unit=unit_a), author=alice, submitted=True)
    assert [row["id"] for row in pull(province, "/api/v1/monthly-progress/")] == [progress.pk]
    since = timezone.now() + datetime.timedelta(seconds=30)
    with later():
        progress.state = ReviewState.DRAFT  # moved back to draft in the admin
        progress.save()
    assert pull(province, "/api/v1/monthly-progress/") == []
    [tombstone] = pull(province, "/api/v1/deletions/", since=since.isoformat())
    assert (tombstone["resource"], tombstone["object_id"]) == ("monthly-progress", progress.pk)
    assert tombstone["reason"] == {"code": "left_scope", "label": "移出范围"}


def test_a_row_back_in_view_drops_its_tombstone(province, alice, unit_a):
    """A mirror applies the rows changed, then the tombstones: a stale one would remove the row again."""
    progress = MonthlyProgressFactory(project=ProjectFactory(responsible_unit=unit_a), author=alice, submitted=True)
    with later(1):
        progress.state = ReviewState.DRAFT
        progress.save()
    assert Deletion.objects.filter(resource="monthly-progress", object_id=progress.pk).exists()
    with later(2):
        progress.state = ReviewState.SUBMITTED
        progress.save()
    assert not Deletion.objects.filter(resource="monthly-progress", object_id=progress.pk).exists()
    assert [row["id"] for row in pull(province, "/api/v1/monthly-progress/")] == [progress.pk]


def test_a_deletion_says_why(province, alice, unit_a):
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    pk = enterprise.pk
    enterprise.delete()
    [tombstone] = pull(province, "/api/v1/deletions/", resource="enterprises")
    assert tombstone["reason"] == {"code": "deleted", "label": "已删除"}
    assert tombstone["uid"] == f"430181:enterprise:{pk}"


def test_every_row_has_a_uid_and_a_list_names_its_county(province, alice, unit_a):
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    body = province.get("/api/v1/enterprises/").json()
    assert body["county"] == "430181"
    assert body["results"][0]["uid"] == f"430181:enterprise:{enterprise.pk}"
    assert province.get(f"/api/v1/enterprises/{enterprise.pk}/").json()["uid"] == f"430181:enterprise:{enterprise.pk}"


def test_the_county_code_is_a_setting(settings, province, alice, unit_a):
    settings.COUNTY_CODE = "430102"
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    body = province.get("/api/v1/enterprises/").json()
    assert (body["county"], body["results"][0]["uid"]) == ("430102", f"430102:enterprise:{enterprise.pk}")


@pytest.mark.parametrize("url", ["/api/v1/hazards/999999/", "/api/v1/no-such-resource/", "/api/v1/hazards/abc/"])
def test_a_404_is_chinese_json(province, url):
    response = province.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_the_scope_labels_name_the_resources(admin_client):
    page = admin_client.get("/admin/api/apitoken/add/").content.decode()
    assert "隐患 (hazards)" in page and "项目 (projects)" in page
    assert "隐患数" not in page and "项目数" not in page
