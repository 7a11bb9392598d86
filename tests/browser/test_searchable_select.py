"""Long selects are searchable (issue 15): on the hazard form, typing part of a plate narrows the county's vehicles
to the matching ones and choosing one sets the form's vehicle; the library is the portal's own static file."""

import pytest
from playwright.sync_api import expect

from tests.enterprises.factories import EnterpriseFactory, VehicleFactory

pytestmark = pytest.mark.browser


def test_typing_part_of_a_plate_finds_the_vehicle(page, log_in, alice, unit_a):
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    vehicles = [VehicleFactory(enterprise=enterprise, plate=f"湘A{number:05d}") for number in range(40)]
    wanted = vehicles[27]
    log_in(alice)
    page.goto("/safety/hazards/new/")
    page.locator("#id_vehicle + .ts-wrapper .ts-control").click()  # the list opens, the search box takes the keys
    control = page.locator("#id_vehicle-ts-control")
    control.fill("00027")
    options = page.locator("#id_vehicle-ts-dropdown .option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text(wanted.plate)
    options.first.click()
    assert page.eval_on_selector("#id_vehicle", "select => select.value") == str(wanted.pk)
    page.locator("#id_vehicle + .ts-wrapper .ts-control").click()
    control.fill("不存在的车牌")
    expect(page.locator("#id_vehicle-ts-dropdown .no-results")).to_have_text("没有匹配的选项。")
