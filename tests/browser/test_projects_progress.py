"""A month's project progress, end to end in a real browser: alice (staff of unit A) adds June's progress to
her unit's project, is taken back to the project and sees the cumulative figure and the investment chart
updated. Elements are found by id, never by visible text."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from projects.models import MonthlyProgress
from tests.projects.factories import InvestmentPlanFactory, MonthlyProgressFactory, ProjectFactory

from .conftest import screenshot

pytestmark = pytest.mark.browser

# The investment chart is drawn by static/projects/charts.js, at the end of the page (after the figures).
CHART_DRAWN = "() => window.projectCharts && window.projectCharts['investment-chart']"
CHART_DATA = """() => {
  const chart = window.echarts.getInstanceByDom(document.getElementById('investment-chart'));
  const series = chart.getOption().series;
  return Object.fromEntries(series.map(s => [s.id, s.data]));
}"""


@time_machine.travel(datetime.datetime(2020, 7, 10, 2, tzinfo=datetime.UTC), tick=True)
def test_staff_add_a_months_progress_and_see_cumulative_and_chart(page, log_in, alice, unit_a):
    project = ProjectFactory(name="金阳大道三期", responsible_unit=unit_a, total_investment=Decimal("98000"))
    InvestmentPlanFactory(project=project, year=2020, amount=Decimal("24000"))
    MonthlyProgressFactory(project=project, month=datetime.date(2020, 5, 1), investment=Decimal("1500"), accepted=True)
    url = project.get_absolute_url() + "?year=2020"

    log_in(alice)
    page.goto(url)
    expect(page.locator("#cumulative-investment")).to_have_text("1500.00")
    page.wait_for_function(CHART_DRAWN)
    before = page.evaluate(CHART_DATA)
    assert before["completed"][4] == 1500 and before["completed"][5] == 0
    assert before["completed_cumulative"][5] == 1500
    assert before["planned_cumulative"][11] == 24000

    page.click("#new-progress")
    expect(page).to_have_url(re.compile(re.escape(reverse("projects:progress_create", args=[project.pk])) + "$"))
    page.fill("#id_month", "2020-06")
    page.fill("#id_investment", "2300.50")
    page.fill("#id_physical_progress", "45")
    page.fill("#id_narrative", "完成沥青下面层摊铺。")
    page.select_option("#id_blockers-0-category", "funding")
    page.fill("#id_blockers-0-description", "专项债资金拨付滞后")
    screenshot(page, "projects-01-progress-form")
    page.click("#submit-progress")

    expect(page).to_have_url(re.compile(re.escape(project.get_absolute_url()) + r"\?year=2020#progress$"))
    expect(page.locator("#cumulative-investment")).to_have_text("3800.50")
    page.wait_for_function(CHART_DRAWN)
    after = page.evaluate(CHART_DATA)
    assert after["completed"][5] == 2300.5
    assert after["completed_cumulative"][5] == 3800.5
    assert after["completed_cumulative"][11] == 3800.5
    expect(page.locator("#progress-table tbody tr").first).to_contain_text("2020年6月")
    screenshot(page, "projects-02-project-detail")

    progress = MonthlyProgress.objects.get(project=project, month=datetime.date(2020, 6, 1))
    assert (progress.author, progress.investment, progress.state) == (alice, Decimal("2300.50"), "submitted")
    assert [b.category for b in progress.blockers.all()] == ["funding"]
    assert page.problems["external"] == []
    assert [e for e in page.problems["http_errors"] if not e.endswith("/favicon.ico")] == []
    assert page.problems["console"] == []
