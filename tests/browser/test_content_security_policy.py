"""The Content-Security-Policy in a real browser (issue 13): the dashboard's ECharts charts, a list page, the
investment summary's charts, the year picker (static JS instead of an inline handler) and the API docs (Swagger UI)
all work under the policy, and the browser reports no violation. Violations are collected from the page's
``securitypolicyviolation`` events (the init script runs before the page's own scripts) and from the console."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from dashboard.cache import new_generation
from tests.dashboard.conftest import world  # noqa: F401  the dashboard's known data

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""
DASHBOARD_CHARTS = ["chart-key-tasks", "chart-units", "chart-investment-category", "chart-hazards-field"]
ALL_DRAWN = "([store, ids]) => ids.every(id => window[store] && window[store][id] && document.querySelector('#' + id + ' canvas'))"


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations") + [m for m in page.problems["console"] if "Content Security" in m]


@time_machine.travel(datetime.datetime(2020, 9, 15, 2, tzinfo=datetime.UTC), tick=True)
def test_pages_work_under_the_policy(page, log_in, leo, world):  # noqa: F811
    new_generation()
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(leo)
    response = page.goto(reverse("dashboard:dashboard"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_function(ALL_DRAWN, arg=["dashboardCharts", DASHBOARD_CHARTS])
    assert violations(page) == []

    page.select_option("#year-select", "2019")  # data-submit-on-change (static/js/portal.js)
    expect(page).to_have_url(re.compile(r"\?year=2019$"))
    page.wait_for_function(ALL_DRAWN, arg=["dashboardCharts", DASHBOARD_CHARTS])
    assert violations(page) == []

    page.goto(reverse("safety:hazard_list"))
    expect(page.locator("main table").first).to_be_visible()
    assert violations(page) == []

    page.goto(reverse("projects:investment_summary") + "?year=2020")
    page.wait_for_function(ALL_DRAWN, arg=["projectCharts", ["category-chart", "monthly-chart"]])
    assert violations(page) == []
    assert page.problems == {"external": [], "http_errors": [], "console": []}


def test_the_api_docs_work_under_the_policy(page, log_in, admin_user):
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(admin_user)
    page.goto(reverse("api:docs"))
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert violations(page) == []
    assert page.problems == {"external": [], "http_errors": [], "console": []}
