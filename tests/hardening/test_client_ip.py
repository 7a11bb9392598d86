"""The client's address behind the bureau's reverse proxy (issue 13): ``core.network.client_ip`` reads
X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies vouch for it; the lockout after failed log-ins (axes) and
the audit history use it. Without it every log-in came from the proxy's address, and five bad tries from anyone
locked the account for everybody."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.middleware import AuditlogMiddleware
from core.network import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
LOGIN = reverse("login")


def request_from(remote_addr: str, forwarded_for: str | None = None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, None, PROXY),
        (0, "6.6.6.6", PROXY),  # nobody vouches for the header: a client may have written it
        (1, None, PROXY),  # no header although a proxy was expected: the peer is all there is
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client forged the first entry; the proxy added the last
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),  # fewer entries than proxies: the first one
        (1, " 203.0.113.7 ", "203.0.113.7"),
    ],
)
def test_client_ip(settings, count, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from(PROXY, forwarded_for)) == expected


def log_in(client, username: str, password: str, forwarded_for: str):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_two_people_behind_the_same_proxy_are_told_apart(settings, client, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(5):
        log_in(client, "alice", f"wrong-{attempt}", forwarded_for="198.51.100.66")  # someone guessing alice's password
    assert log_in(client, "alice", PASSWORD, forwarded_for="198.51.100.66").status_code == 429
    assert log_in(client, "alice", PASSWORD, forwarded_for="203.0.113.7").status_code == 302  # alice at her desk


def test_a_forged_header_is_ignored_without_trusted_proxies(settings, client, alice):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(5):
        log_in(client, "alice", f"wrong-{attempt}", forwarded_for=f"198.51.100.{attempt}")  # a new address each try
    assert log_in(client, "alice", PASSWORD, forwarded_for="203.0.113.7").status_code == 429


def test_the_audit_history_records_the_client_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from(PROXY, "6.6.6.6, 203.0.113.7")
    assert AuditlogMiddleware(lambda request: None).get_extra_data(request)["remote_addr"] == "203.0.113.7"


def test_the_lockout_page_says_how_long_it_lasts(settings, client, alice):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(5):
        response = log_in(client, "alice", f"wrong-{attempt}", forwarded_for="")
    assert response.status_code == 429
    message = response.content.decode().split('id="lockout-message">')[1].split("</p>")[0]
    assert "15\xa0分钟" in message  # Django's words for a length of time (timesince), in Chinese
