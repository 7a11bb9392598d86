"""Tokens from the command line: ``manage.py api_token_issue`` calls the same service as the admin site."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from api.models import ApiClient, ApiToken

pytestmark = pytest.mark.django_db


def issue(*args) -> str:
    out = io.StringIO()
    call_command("api_token_issue", *args, stdout=out)
    return out.getvalue().strip()


def test_an_administrator_issues_a_read_only_token_that_reads(api, admin_user):
    plain = issue("省交通运输厅", "--by", "admin", "--resources", "hazards,projects")
    token = ApiToken.objects.get()
    assert plain.startswith("lyt_") and token.prefix == plain[:12]
    assert (token.client.name, token.resources, token.can_write, token.created_by) == (
        "省交通运输厅",
        ["projects", "hazards"],
        False,
        admin_user,
    )
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.get("/api/v1/hazards/").status_code == 200
    assert api.get("/api/v1/units/").status_code == 403


def test_all_resources_and_an_existing_client(admin_user):
    ApiClient.objects.create(name="长沙市交通运输局")
    issue("长沙市交通运输局", "--by", "admin", "--all", "--expires", "2030-01-01")
    token = ApiToken.objects.get()
    assert ApiClient.objects.count() == 1 and len(token.resources) > 15
    assert timezone.localtime(token.expires_at).date().isoformat() == "2030-01-01"


def test_the_service_refusals_stop_the_command(alice, admin_user):
    with pytest.raises(CommandError, match="Only administrators"):
        issue("省交通运输厅", "--by", alice.username, "--resources", "hazards")
    with pytest.raises(CommandError, match="Unknown resources: nothing"):
        issue("省交通运输厅", "--by", "admin", "--resources", "nothing")
    with pytest.raises(CommandError, match="No user"):
        issue("省交通运输厅", "--by", "nobody", "--resources", "hazards")
    assert not ApiToken.objects.exists() and not ApiClient.objects.exists()
