"""Enterprises and vehicles in a real browser: alice (staff of unit A) registers an enterprise, adds a vehicle
with a sloppily typed plate, and puts the enterprise on the red list; bob (unit B) reads it but has no edit button.
Elements are found by id or name, never by visible text: the zh-hans translations change."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from enterprises.models import Enterprise, Vehicle

from .conftest import screenshot

pytestmark = pytest.mark.browser
CODE = "91430181MA4TD6NX4G"


def test_register_enterprise_vehicle_and_listing(page, log_in, log_out, alice, bob, unit_a):
    log_in(alice)
    page.goto(reverse("enterprises:enterprise_list"))
    page.click("#new-enterprise")
    page.fill("#id_name", "浏阳市新开运输有限公司")
    page.fill("#id_credit_code", CODE[:-1] + "H")  # a wrong check character first
    page.select_option("#id_enterprise_type", "passenger")
    page.select_option("#id_township", label="淮川街道")
    page.click("#enterprise-form button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_be_visible()
    assert not Enterprise.objects.exists()

    page.fill("#id_credit_code", CODE.lower())
    page.click("#enterprise-form button[type=submit]")
    expect(page.locator("#edit-enterprise")).to_be_visible()
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == CODE and enterprise.supervising_unit == unit_a

    page.click(f'a[href="{reverse("enterprises:vehicle_create")}?enterprise={enterprise.pk}"]')
    page.fill("#id_plate", "湘a·d1234 5")
    page.select_option("#id_vehicle_class", "charter_bus")
    page.fill("#id_seats", "39")
    page.fill("#id_certificate_expires_on", "2030-06-30")
    page.click("#vehicle-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/enterprises/vehicles/\d+/$"))
    assert Vehicle.objects.get().plate == "湘AD12345"

    page.goto(enterprise.get_absolute_url())
    page.select_option("#listing-form select[name=status]", "red")
    page.fill("#listing-form textarea[name=reason]", "服务质量信誉考核AAA级")
    page.fill("#listing-form input[name=start]", "2021-01-01")
    page.click("#listing-form button")
    expect(page.locator("#listing-form")).to_have_count(0)
    enterprise.refresh_from_db()
    assert enterprise.list_status == "red"
    expect(page.locator("#history")).to_be_visible()
    screenshot(page, "enterprises-detail")
    log_out()

    log_in(bob)
    page.goto(enterprise.get_absolute_url())
    expect(page.locator("#edit-enterprise")).to_have_count(0)
    page.goto(reverse("enterprises:vehicle_list") + "?plate=ad123")
    expect(page.locator(f'a[href="{Vehicle.objects.get().get_absolute_url()}"]')).to_be_visible()
    assert page.problems["external"] == []
