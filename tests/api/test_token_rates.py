"""A token's rate and expiry are checked when it is issued (admin, command, service); a bad rate already stored
never makes the throttle answer 500: it is logged and the default rate applies."""

import datetime
import io
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from api.models import ApiClient, ApiToken
from api.services import api_token_issue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rate", ["abc", "0/min", "-1/min", "10/fortnight", "10", "/min", "1.5/min", "10/"])
def test_the_service_refuses_a_bad_rate(admin_user, rate):
    client = ApiClient.objects.create(name="省交通运输厅")
    with pytest.raises(ValidationError) as refused:
        api_token_issue(user=admin_user, client=client, resources=["units"], rate=rate)
    assert "rate" in refused.value.message_dict
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("rate", ["600/min", "20000/hour", "5/s", "100000/day", ""])
def test_good_rates_are_accepted(admin_user, rate):
    client = ApiClient.objects.create(name="省交通运输厅")
    token, _ = api_token_issue(user=admin_user, client=client, resources=["units"], rate=rate)
    assert token.rate == rate


def test_the_service_refuses_an_already_expired_token(admin_user):
    client = ApiClient.objects.create(name="省交通运输厅")
    with pytest.raises(ValidationError) as refused:
        api_token_issue(
            user=admin_user,
            client=client,
            resources=["units"],
            expires_at=timezone.now() - datetime.timedelta(minutes=1),
        )
    assert "expires_at" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def _admin_add(client, province, **fields):
    data = {"client": province.pk, "resources": ["units"], "rate": "", "expires_at_0": "", "expires_at_1": ""}
    data.update(fields)
    return client.post("/admin/api/apitoken/add/", data)


def test_the_admin_refuses_a_bad_rate_and_a_past_expiry(client, admin_user):
    province = ApiClient.objects.create(name="湖南省交通运输厅")
    client.force_login(admin_user)
    response = _admin_add(client, province, rate="abc")
    assert response.status_code == 200 and "rate" in response.context["adminform"].form.errors
    response = _admin_add(client, province, rate="0/min")
    assert response.status_code == 200 and "rate" in response.context["adminform"].form.errors
    response = _admin_add(client, province, expires_at_0="2001-01-01", expires_at_1="00:00:00")
    assert response.status_code == 200 and "expires_at" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


def test_the_command_refuses_a_bad_rate_and_a_past_expiry(admin_user):
    with pytest.raises(CommandError, match="限额"):
        call_command("api_token_issue", "省交通运输厅", "--by", "admin", "--resources", "units", "--rate", "abc")
    with pytest.raises(CommandError, match="到期时间已过"):
        call_command(
            "api_token_issue",
            "省交通运输厅",
            "--by",
            "admin",
            "--resources",
            "units",
            "--expires",
            "2001-01-01",
            stdout=io.StringIO(),
        )
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("stored", ["abc", "0/min", "10/fortnight"])
def test_a_bad_rate_already_stored_falls_back_to_the_default(issue_token, caplog, stored):
    client = issue_token(["units"])
    ApiToken.objects.filter(pk=client.token.pk).update(rate=stored)  # saved before rates were checked
    with caplog.at_level(logging.ERROR, logger="api.throttling"):
        responses = [client.get("/api/v1/units/").status_code for _ in range(3)]
    assert responses == [200, 200, 200]
    assert any(stored in record.getMessage() for record in caplog.records if record.levelno == logging.ERROR)
