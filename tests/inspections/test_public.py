"""The public page of the draws (一公开): open without login, names only, nothing private."""

import re

import pytest
from django.urls import reverse

from inspections import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enterprises", "pool")]


@pytest.fixture
def draw(eve):
    return services.draw_make(
        user=eve, title="2020年第二季度双随机抽查", enterprise_count=3, inspectors_per_enterprise=2
    )


def test_anonymous_visitors_read_the_list_and_the_draw(client, draw):
    listing = client.get(reverse("public_draws:list"))
    assert listing.status_code == 200 and draw.title in listing.content.decode()
    detail = client.get(draw.get_public_url())
    html = detail.content.decode()
    assert detail.status_code == 200
    assert draw.seed in html and "结果与此完全一致" in html
    for row in draw.result:
        assert row["enterprise_name"] in html
        assert all(name in html for name in row["inspector_names"])


def test_no_private_data_is_shown(client, draw, pool, enterprises):
    html = client.get(draw.get_public_url()).content.decode()
    html += client.get(reverse("public_draws:list")).content.decode()
    html = html.replace(draw.seed, "")  # the seed is hexadecimal: its digits may look like a phone number
    assert not re.search(r"1[3-9]\d{9}", html), "a mobile phone number is on the public page"
    assert not re.search(r"0731-\d{7,8}", html), "a landline number is on the public page"
    for inspector in pool:
        assert inspector.user.username not in html
        assert not inspector.user.phone or inspector.user.phone not in html
        assert inspector.certificate_number not in html


def test_an_unknown_draw_is_404(client):
    assert client.get(reverse("public_draws:detail", args=["0" * 32])).status_code == 404


def test_no_database_id_is_shown(client, draw, enterprises, pool):
    url = draw.get_public_url()
    assert str(draw.pk) not in url.split("/") and draw.seed in url
    html = client.get(url).content.decode().replace(draw.seed, "")
    assert "(id " not in html
    for row in draw.result:
        assert f"(No. {row['enterprise']})" not in html or row["enterprise"] <= len(draw.enterprise_ids)
    assert f"enterprises = {list(range(1, len(draw.enterprise_ids) + 1))}" in html  # numbered 1, 2, …


def test_anonymous_copies_may_be_shared_but_a_logged_in_users_are_private(client, login, draw, alice):
    for url in (reverse("public_draws:list"), draw.get_public_url()):
        assert "public" in client.get(url)["Cache-Control"]
    client = login(alice)
    for url in (reverse("public_draws:list"), draw.get_public_url()):
        cache_control = client.get(url)["Cache-Control"]
        assert "public" not in cache_control and "private" in cache_control
