"""The monitoring ranking page in a real browser: bob (the safety-supervising unit) opens November 2020, switches
to the month before and back, and clicks an enterprise's figure through to the alarms it counts. Elements are
found by id or href, never by visible text."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.enterprises.factories import EnterpriseFactory, VehicleFactory
from tests.monitoring.factories import DriverFactory
from tests.monitoring.world import build

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_switch_month_and_click_a_figure_through_to_its_alarms(page, log_in, bob, unit_a, unit_b):
    enterprise_a = EnterpriseFactory(name="浏阳市汽车运输有限公司", supervising_unit=unit_a)
    enterprise_b = EnterpriseFactory(
        name="浏阳市危险货物运输有限公司", enterprise_type="dangerous_goods", supervising_unit=unit_b
    )
    build(
        VehicleFactory(plate="湘A12345", enterprise=enterprise_a),
        DriverFactory(name="张伟", enterprise=enterprise_a),
        VehicleFactory(
            plate="湘AD12345", enterprise=enterprise_b, vehicle_class="dangerous_goods", seats=None, tonnage="18.00"
        ),
        DriverFactory(name="李娜", enterprise=enterprise_b),
    )
    log_in(bob)
    ranking = reverse("monitoring:ranking")
    page.goto(f"{ranking}?month=2020-11")
    expect(page.locator("#monitoring-total")).to_contain_text("2.00")  # 6 alarms in 3,000 km
    expect(page.locator("#best-enterprises tbody tr")).to_have_count(2)  # both enterprises, the best first
    screenshot(page, "monitoring-ranking")

    page.click('a[href="?month=2020-10"]')
    expect(page).to_have_url(re.compile(r"month=2020-10$"))
    expect(page.locator("#best-enterprises tbody td[colspan]")).to_have_count(1)  # no mileage in October
    page.click('a[href="?month=2020-11"]')
    expect(page).to_have_url(re.compile(r"month=2020-11$"))

    alarms = f"{reverse('monitoring:alarm_list')}?enterprise={enterprise_a.pk}&month=2020-11"
    page.locator(f'#best-enterprises a[href="{alarms}"]').first.click()  # its alarms (4)
    expect(page).to_have_url(re.compile(re.escape(alarms) + "$"))
    expect(page.locator("#alarm-table tbody tr")).to_have_count(4)  # the 4 alarms of enterprise_a's 4.00
    expect(page.locator("#alarm-table")).to_contain_text("湘A12345")
    assert page.problems == {"external": [], "http_errors": [], "console": []}
