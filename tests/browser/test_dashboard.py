"""The leadership dashboard in a real browser: leo (a bureau leader) logs in and lands on it, the ECharts charts
are drawn from the page's figures, the full-screen button switches the wall-display layout at 1920×1080, and a
figure clicks through to its list. Elements are found by id, never by visible text."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from dashboard.cache import new_generation
from tests.dashboard.conftest import world  # noqa: F401  the dashboard's known data

from .conftest import screenshot

pytestmark = pytest.mark.browser

CHARTS = (
    "chart-key-tasks",
    "chart-units",
    "chart-investment-category",
    "chart-investment-month",
    "chart-blockers",
    "chart-hazards-field",
)
ALL_DRAWN = "ids => ids.every(id => window.dashboardCharts && window.dashboardCharts[id])"
SERIES = """id => {
  const chart = window.echarts.getInstanceByDom(document.getElementById(id));
  return Object.fromEntries(chart.getOption().series.map(s => [s.id, s.data]));
}"""
CANVAS_SIZE = """id => {
  const canvas = document.querySelector('#' + id + ' canvas');
  return canvas ? [canvas.clientWidth, canvas.clientHeight] : null;
}"""


@time_machine.travel(datetime.datetime(2020, 9, 15, 2, tzinfo=datetime.UTC), tick=True)
def test_a_leader_sees_the_charts_and_the_wall_display(page, log_in, leo, world):  # noqa: F811
    new_generation()
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(leo)
    expect(page).to_have_url(re.compile(re.escape(reverse("dashboard:dashboard")) + "$"))  # leaders land here
    expect(page.locator("#nav-dashboard")).to_be_visible()

    page.wait_for_function(ALL_DRAWN, arg=list(CHARTS))
    for chart in CHARTS:
        width, height = page.evaluate(CANVAS_SIZE, chart)
        assert width > 100 and height > 100, chart
    key_tasks = page.evaluate(SERIES, "chart-key-tasks")
    assert key_tasks["completed"] == [1, 1] and key_tasks["overdue"] == [1, 1]
    hazards = page.evaluate(SERIES, "chart-hazards-field")
    assert hazards["overdue"][:2] == [1, 1]
    screenshot(page, "dashboard-01-leader")

    width_before = page.evaluate(CANVAS_SIZE, "chart-hazards-field")[0]
    page.click("#fullscreen-toggle")
    expect(page.locator("#dashboard")).to_have_class(re.compile(r"\bdashboard-wall\b"))
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#fullscreen-toggle")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(300)  # the charts resize to the wall layout
    assert page.evaluate(CANVAS_SIZE, "chart-hazards-field")[0] > 0
    screenshot(page, "dashboard-02-wall-display")
    assert width_before > 0

    page.click("#fullscreen-toggle")
    expect(page.locator("#dashboard")).not_to_have_class(re.compile(r"\bdashboard-wall\b"))
    expect(page.locator("nav.navbar")).to_be_visible()

    # A figure clicks through to its list, which shows as many rows.
    overdue = page.locator('[data-figure="measures-overdue"]')
    expect(overdue).to_have_text("2")
    overdue.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("plans:measure_list")) + r"\?year=2020&overdue=true$"))
    assert page.problems == {"external": [], "http_errors": [], "console": []}
