"""Real browser: an inspector makes a draw; an anonymous visitor reads it on the public page, verified."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.inspections.conftest import *  # noqa: F403  brigade, eve, enterprises, pool, township

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draw_then_public_page(page, log_in, log_out, eve, enterprises, pool):
    log_in(eve)
    page.goto(reverse("inspections:draw_create"))
    page.fill("#id_title", "浏览器双随机抽查")
    page.fill("#id_enterprise_count", "2")
    page.fill("#id_inspectors_per_enterprise", "2")
    page.click("#draw-form button[type=submit]")
    expect(page.locator("#draw-verification .text-bg-success")).to_be_visible()
    seed = page.locator("#draw-seed").inner_text()
    log_out()
    page.goto(reverse("public_draws:list"))
    page.click("text=浏览器双随机抽查")
    expect(page.locator("#draw-seed")).to_have_text(seed)
    expect(page.locator("#draw-result tbody tr")).to_have_count(2)
    screenshot(page, "inspections-public-draw")
    assert page.problems == {"external": [], "http_errors": [], "console": []}
