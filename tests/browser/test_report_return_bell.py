"""A returned report reaches its author without the chat group (issue 14), end to end in a real browser.

alice (staff of unit A) submits the month's report on measure_a; carol (head of unit A) finds it on her 待办
and returns it with a reason; alice's bell counts it, her bell's returned-reports group and her 待办 show the
return with its reason. The workflow events are dispatched in-process (tasks eager), as the worker would.
Elements are found by id or CSS, never by visible text: the zh-hans translations change.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core import clock
from core.choices import ReviewState
from events.choices import EventKind
from plans.models import ProgressReport
from tests.events.conftest import eager  # noqa: F401  (a fixture: tasks in-process)

from .conftest import screenshot
from .test_report_flow import check_no_problems

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("eager")]

REASON = "缺少本月完成投资数据，请补充后重新报送。"


def test_a_report_returned_by_the_head_reaches_its_author(page, log_in, log_out, alice, carol, measure_a):
    # 1. alice writes this month's report and submits it at once.
    log_in(alice)
    page.goto(reverse("plans:report_create", args=[measure_a.pk]))
    expect(page.locator("#report-form")).to_be_visible()
    page.fill("#id_month", clock.today().strftime("%Y-%m"))
    page.fill("#id_progress", "40")
    page.fill("#id_text", "完成初步设计，正在征求意见。")
    page.click("#submit-report")
    expect(page).to_have_url(re.compile(r"/plans/reports/\d+/$"))
    report = ProgressReport.objects.get(measure=measure_a)
    assert report.state == ReviewState.SUBMITTED
    review_url = reverse("plans:report_detail", args=[report.pk]) + "#review-form"

    # 2. carol's 待办 shows it under the reports to review; she opens it there and returns it with the reason.
    log_out()
    log_in(carol)
    page.click("#todo-link")
    expect(page).to_have_url(re.compile(re.escape(reverse("todo:todo_list")) + "$"))
    expect(page.locator("#todo-review")).to_have_attribute("data-count", "1")
    to_review = page.locator(f'#todo-review a[href="{review_url}"]')
    expect(to_review).to_have_count(1)
    screenshot(page, "bell-01-head-todo")
    to_review.click()
    page.fill("#id_reason", REASON)
    page.click("#return-report")
    expect(page.locator("#report-state")).to_have_class(re.compile(r"\btext-bg-warning\b"))
    report.refresh_from_db()
    assert report.state == ReviewState.RETURNED and report.return_reason == REASON
    page.goto(reverse("todo:todo_list"))
    expect(page.locator("#todo-review")).to_have_count(0)  # nothing left for her to review

    # 3. alice's bell counts the return; its returned-reports group shows it with the reason.
    log_out()
    log_in(alice)
    expect(page.locator("#reminders-bell")).to_have_attribute("data-unread", "1")
    page.click("#reminders-bell")
    expect(page).to_have_url(re.compile(re.escape(reverse("reminders:notification_list")) + "$"))
    returned = page.locator("#bell-returned .bell-line")
    expect(returned).to_have_count(1)
    expect(returned).to_have_attribute("data-event-kind", EventKind.REPORT_RETURNED)
    expect(returned.locator(".notification-link")).to_contain_text(REASON)
    screenshot(page, "bell-02-author-bell")

    # 4. her 待办 shows it among the reports returned to her, with the reason; the line opens the report's edit page.
    page.click("#todo-link")
    expect(page.locator("#todo-returned")).to_have_attribute("data-count", "1")
    expect(page.locator("#todo-returned .todo-note")).to_have_text(REASON)
    edit_url = reverse("plans:report_edit", args=[report.pk])
    expect(page.locator(f'#todo-returned a[href="{edit_url}"]')).to_have_count(1)
    screenshot(page, "bell-03-author-todo")

    # 5. Marking the group read empties the bell's count.
    page.click("#reminders-bell")
    page.click("#bell-returned .group-read")
    expect(page.locator("#reminders-bell")).to_have_attribute("data-unread", "0")
    check_no_problems(page)
