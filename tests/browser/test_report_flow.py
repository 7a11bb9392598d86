"""The monthly progress report, end to end in a real browser.

alice (staff of unit A) writes and submits the May report on measure_a with a problem and a PDF;
carol (head of unit A) finds it in her review queue and accepts it; the measure takes its progress.
Elements are found by id or CSS, never by visible text: the zh-hans translations change.
"""

import re
import time

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from core.choices import ReviewState
from plans.models import ProgressReport

from .conftest import screenshot

pytestmark = pytest.mark.browser

PROGRESS = 65
PDF = {
    "name": "进度.pdf",
    "mimeType": "application/pdf",
    "buffer": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
}
BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"  # .bg-primary of Bootstrap 5.3


def state_label(state: ReviewState) -> str:
    """The state's name as the Chinese page shows it (whatever the current translation says)."""
    with translation.override("zh-hans"):
        return str(state.label)


def check_page_basics(page, lang: str = "zh-hans") -> None:
    """The page is in the expected language, Bootstrap's CSS from /static/ applies, a CJK font is there."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    stylesheets = page.eval_on_selector_all("link[rel=stylesheet]", "links => links.map(l => l.href)")
    assert stylesheets and all("/static/" in href for href in stylesheets), stylesheets
    assert page.eval_on_selector("nav.navbar", "n => getComputedStyle(n).backgroundColor") == BOOTSTRAP_PRIMARY
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '浏阳交通')")


def check_no_problems(page) -> None:
    problems = page.problems
    assert problems["external"] == [], f"requests that left the portal: {problems['external']}"
    http_errors = [e for e in problems["http_errors"] if not e.endswith("/favicon.ico")]
    assert http_errors == [], f"failed responses: {http_errors}"


def test_report_submitted_by_staff_and_accepted_by_unit_head(page, log_in, log_out, alice, carol, measure_a):
    started = time.perf_counter()
    measure_url = reverse("plans:measure_detail", args=[measure_a.pk])

    # 1. alice logs in through the form on the Chinese login page and writes the May report.
    page.goto(reverse("login"))
    check_page_basics(page)
    log_in(alice, shot="01-login")
    page.goto(measure_url)
    check_page_basics(page)
    page.click("#new-report")
    expect(page).to_have_url(re.compile(re.escape(reverse("plans:report_create", args=[measure_a.pk])) + "$"))
    expect(page.locator("#report-form")).to_be_visible()
    page.fill("#id_month", "2020-05")
    page.fill("#id_progress", str(PROGRESS))
    page.fill("#id_text", "完成规划编制初稿，征求各科室意见。")
    page.select_option("#id_problems-0-category", "funding")
    page.fill("#id_problems-0-description", "前期经费尚未到位。")
    page.set_input_files("#id_attachments", files=[PDF])
    screenshot(page, "02-report-form")
    page.click("#submit-report")

    expect(page).to_have_url(re.compile(r"/plans/reports/\d+/$"))
    report_path = re.search(r"/plans/reports/\d+/$", page.url).group(0)
    expect(page.locator("#report-state")).to_have_text(state_label(ReviewState.SUBMITTED))
    expect(page.locator("#report-state")).to_have_class(re.compile(r"\btext-bg-info\b"))
    attachments = reverse("plans:attachment_download", args=[0]).removesuffix("0/")
    expect(page.locator(f'main a[href^="{attachments}"]')).to_have_text(PDF["name"])
    report = ProgressReport.objects.get(measure=measure_a)
    assert report_path == report.get_absolute_url()
    assert report.state == ReviewState.SUBMITTED
    assert report.month.isoformat() == "2020-05-01"
    assert [(p.category, p.description) for p in report.problems.all()] == [("funding", "前期经费尚未到位。")]
    assert [(a.original_name, a.size) for a in report.attachments.all()] == [(PDF["name"], len(PDF["buffer"]))]

    # 2. carol, the head of unit A, accepts it from her review queue.
    log_out()
    log_in(carol)
    page.click("#nav-plans")
    page.click(f'nav a.dropdown-item[href="{reverse("plans:review_queue")}"]')
    expect(page).to_have_url(re.compile(re.escape(reverse("plans:review_queue")) + "$"))
    check_page_basics(page)
    queue_link = page.locator(f'main table a[href="{report_path}"]')
    expect(queue_link).to_have_count(1)
    screenshot(page, "03-review-queue")
    queue_link.click()
    expect(page).to_have_url(re.compile(re.escape(report_path) + "$"))
    page.click("#accept-report")
    expect(page.locator("#report-state")).to_have_text(state_label(ReviewState.ACCEPTED))
    expect(page.locator("#report-state")).to_have_class(re.compile(r"\btext-bg-success\b"))
    expect(page.locator("#accept-report")).to_have_count(0)  # nothing left to review
    screenshot(page, "04-report-accepted")

    page.goto(measure_url)
    progress = page.locator("main dl .progress")
    expect(progress).to_have_attribute("aria-valuenow", str(PROGRESS))
    expect(progress.locator(".progress-bar")).to_have_text(f"{PROGRESS}%")
    screenshot(page, "05-measure-detail")

    report.refresh_from_db()
    measure_a.refresh_from_db()
    assert report.state == ReviewState.ACCEPTED
    assert report.reviewed_by == carol
    assert measure_a.progress == PROGRESS

    # The plan overview, through the header's work-plan menu.
    page.click("#nav-plans")
    page.click(f'nav a.dropdown-item[href="{reverse("plans:plan_current")}"]')
    expect(page).to_have_url(re.compile(re.escape(measure_a.key_task.plan.get_absolute_url()) + "$"))
    check_page_basics(page)
    expect(page.locator(f'main a[href="{measure_url}"]')).to_have_count(1)
    screenshot(page, "06-plan-overview")

    check_no_problems(page)
    print(f"\nreport flow took {time.perf_counter() - started:.1f}s in the browser")


def test_language_switch_in_header_changes_page_to_english(page, log_in, alice, measure_a):
    measure_url = reverse("plans:measure_detail", args=[measure_a.pk])
    log_in(alice)
    page.goto(measure_url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.click("#user-menu-button")  # the language is in the user menu, each named in its own language
    page.click("#language-form button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(re.escape(measure_url) + "$"))  # stays on the same page
    check_page_basics(page, lang="en")
    expect(page.locator("#language-form button[aria-current=true]")).to_have_text("English")
    screenshot(page, "07-measure-detail-en")

    # The choice sticks for the next page, and switching back works.
    page.goto(reverse("plans:review_queue") if alice.is_unit_head else reverse("plans:measure_list"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("#user-menu-button")
    page.click("#language-form button[value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    check_no_problems(page)
