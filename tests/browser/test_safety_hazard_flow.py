"""The hazard register, end to end in a real browser: register → start rectification → report rectification →
another person verifies with a photo → closed (已销号).

alice (staff of unit A) registers a hazard with unit A responsible, starts and reports its rectification with a
photo; carol (head of unit A, not the reporter) verifies it with a photo and closes it. Elements are found by id or
CSS, never by visible text: the zh-hans translations change.
"""

import re
import time

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from organisation.models import Township
from safety.choices import HazardAction, HazardField, HazardStatus, PhotoKind
from safety.models import Hazard

from .conftest import screenshot

pytestmark = pytest.mark.browser

PNG = {
    "name": "现场.png",
    "mimeType": "image/png",
    "buffer": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
        b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
    ),
}


def photo(name: str) -> dict:
    return {**PNG, "name": name}


def status_label(status: HazardStatus) -> str:
    with translation.override("zh-hans"):
        return str(status.label)


def chart_series(page, selector: str) -> dict:
    """The category labels and series (id, stack, data) of the ECharts chart drawn in ``selector``."""
    return page.evaluate(
        """(selector) => {
            const chart = echarts.getInstanceByDom(document.querySelector(selector));
            if (!chart) { return null; }
            const option = chart.getOption();
            const axis = option.yAxis[0].type === "category" ? option.yAxis[0] : option.xAxis[0];
            return {
                categories: axis.data.map((item) => (typeof item === "object" ? item.value : item)),
                series: option.series.map((s) => ({id: s.id, stack: s.stack || null, data: s.data})),
            };
        }""",
        selector,
    )


def test_hazard_registered_rectified_verified_and_closed(page, log_in, log_out, alice, carol, unit_a):
    started = time.perf_counter()
    township = Township.objects.get(name="淮川街道")  # reference data, put back for transactional tests

    # 1. alice registers a hazard from the header's safety menu.
    log_in(alice)
    page.click("#nav-safety")
    page.click("#nav-hazard-create")
    expect(page).to_have_url(re.compile(re.escape(reverse("safety:hazard_create")) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.select_option("#id_field", "highways_bridges")
    page.select_option("#id_level", "general")
    page.select_option("#id_source", "inspection")
    page.select_option("#id_township", str(township.pk))
    page.fill("#id_location", "G106浏阳绕城公路K12+300")
    page.fill("#id_description", "急弯路段警示标志缺失，夜间存在安全隐患。")
    page.fill("#id_found_on", "2020-05-10")
    page.set_input_files("#id_photos", files=[photo("现场.png")])
    page.select_option("#id_responsible_unit", str(unit_a.pk))
    page.fill("#id_responsible_person", "张建军 13800000000")
    page.fill("#id_measures", "增设警示标志和减速带。")
    page.fill("#id_funds", "3.5")
    page.fill("#id_deadline", "2020-06-30")
    screenshot(page, "safety-01-register")
    page.click("#save-hazard")

    expect(page).to_have_url(re.compile(r"/safety/hazards/\d+/$"))
    expect(page.locator("#hazard-code")).to_have_text("YH-2020-0001")
    expect(page.locator("#hazard-status [data-status]")).to_have_text(status_label(HazardStatus.PENDING))
    expect(page.locator("main img.img-thumbnail")).to_have_count(1)
    hazard = Hazard.objects.get(code="YH-2020-0001")
    assert (hazard.found_by, hazard.responsible_unit, str(hazard.funds)) == (alice, unit_a, "3.50")

    # 2. alice starts the rectification, then reports it done with a photo.
    page.fill("#id_start-note", "已安排公路中心施工队。")
    page.click("#start-rectification")
    expect(page.locator("#hazard-status [data-status]")).to_have_text(status_label(HazardStatus.RECTIFYING))
    expect(page.locator("#verify-form")).to_have_count(0)
    page.fill("#id_report-note", "警示标志和减速带已设置到位。")
    page.set_input_files("#id_report-photos", files=[photo("整改后.png")])
    screenshot(page, "safety-02-report-rectification")
    page.click("#report-rectification")
    expect(page.locator("#hazard-status [data-status]")).to_have_text(status_label(HazardStatus.VERIFYING))
    expect(page.locator("#verify-form")).to_have_count(0)  # four eyes: not for the reporter
    hazard.refresh_from_db()
    assert hazard.rectification_reported_by == alice

    # 3. carol, the unit's head, verifies it with a photo and closes it.
    log_out()
    log_in(carol)
    page.goto(hazard.get_absolute_url())
    expect(page.locator("#verify-form")).to_be_visible()
    page.select_option("#id_verify-decision", "pass")
    page.fill("#id_verify-note", "现场复查，整改到位，同意销号。")
    page.set_input_files("#id_verify-photos", files=[photo("验收.png")])
    screenshot(page, "safety-03-verify")
    page.click("#verify-hazard")
    expect(page.locator("#hazard-status [data-status]")).to_have_text(status_label(HazardStatus.CLOSED))
    expect(page.locator("#steps form")).to_have_count(0)
    expect(page.locator("#hazard-timeline li[data-action]")).to_have_count(3)
    expect(page.locator("main img.img-thumbnail")).to_have_count(3)
    screenshot(page, "safety-04-closed")

    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED and hazard.closed_by == carol
    assert list(hazard.transitions.values_list("action", flat=True)) == [
        HazardAction.START,
        HazardAction.REPORT,
        HazardAction.PASS,
    ]
    assert sorted(hazard.photos.values_list("kind", flat=True)) == sorted(
        [PhotoKind.FOUND, PhotoKind.RECTIFICATION, PhotoKind.VERIFICATION]
    )

    # 4. The 隐患清零 page counts it as closed.
    page.click("#nav-safety")
    page.click("#nav-zero-out")
    page.select_option("#year-select", "2020")
    expect(page.locator('#by-field tr[data-key="highways_bridges"] [data-col="closed"]')).to_have_text("1")
    expect(page.locator("#total-rate")).to_have_text("100.0%")
    # ... and draws it: closed in the field's stack, 100% for the township (ECharts instances on the page).
    page.wait_for_function("() => window.zeroOutCharts && Object.keys(window.zeroOutCharts).length === 2")
    by_field = chart_series(page, "#chart-by-field")
    field_index = by_field["categories"].index(str(HazardField.HIGHWAYS_BRIDGES.label))
    assert [s["id"] for s in by_field["series"]] == ["closed", "open", "overdue"]
    assert [s["data"][field_index] for s in by_field["series"]] == [1, 0, 0]
    assert all(s["stack"] == "hazards" for s in by_field["series"])
    by_township = chart_series(page, "#chart-by-township")
    assert by_township["categories"] == ["淮川街道"]
    assert by_township["series"][0]["data"] == [100.0]
    screenshot(page, "safety-05-zero-out")

    assert page.problems["external"] == []
    assert [e for e in page.problems["http_errors"] if not e.endswith("/favicon.ico")] == []
    print(f"\nhazard flow took {time.perf_counter() - started:.1f}s in the browser")
