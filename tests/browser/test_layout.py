"""The main pages of each role at an office laptop's 1366×768 and a phone's 390×844, in Chinese: the page never
scrolls sideways, the header's user menu and logout stay on one line, and no English is left in the interface
(data — names, titles, codes, numbers, dates — aside). One browser for the whole walk; screenshots of the viewport in
tests/artifacts/layout-<role>-<width>-<page>.png."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.dashboard.conftest import world  # noqa: F401  measures, projects and hazards of both units
from tests.factories import PASSWORD

from .conftest import ARTIFACTS, TIMEOUT_MS

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# On the phone, the pages whose width is at risk: the lists, a measure's page and the dashboard (the others are
# forms and text, checked at 1366).
PHONE_PAGES = {"home", "measures", "measure", "projects", "hazards", "enterprises", "inspections", "dashboard"}

# English words in the text nodes of the page and in the attributes people read or hear (placeholder, title,
# aria-label, alt, button values), outside what is data: <script>/<style>/<code>, elements marked
# data-user-text (what users typed: titles, names, notes), elements in another language (lang="en": the language
# menu's "English"), and words in capitals (codes such as YH-2020-0001 and XM-1, credit grades AA, PDF).
ENGLISH_TEXT = r"""() => {
  const allowed = new Set(["Excel", "Word"]);
  const skip = "script, style, noscript, code, pre, [data-user-text], [lang]:not([lang^='zh'])";
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(skip)) continue;
    const words = (node.textContent.match(/[A-Za-z]{2,}/g) || []).filter((word) => !allowed.has(word) && word !== word.toUpperCase());
    if (words.length) found.push(node.textContent.trim().slice(0, 80));
  }
  // What is read or heard without being a text node: hints, tooltips, labels for screen readers, button values.
  for (const el of document.body.querySelectorAll("[placeholder], [title], [aria-label], [alt], input[type=submit][value], input[type=button][value]")) {
    if (el.closest(skip)) continue;
    for (const name of ["placeholder", "title", "aria-label", "alt", "value"]) {
      if (name === "value" && !["submit", "button"].includes(el.type)) continue;
      const text = el.getAttribute(name) || "";
      const words = (text.match(/[A-Za-z]{2,}/g) || []).filter((word) => !allowed.has(word) && word !== word.toUpperCase());
      if (words.length) found.push(`${el.tagName.toLowerCase()}[${name}]: ${text.slice(0, 60)}`);
    }
  }
  return found;
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# How many lines an element's text takes: its content height over its line height.
LINES = """selector => {
  const el = document.querySelector(selector), style = getComputedStyle(el);
  const content = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return Math.round(content / parseFloat(style.lineHeight));
}"""


def pages_for(user, world):  # noqa: F811
    """The pages a role opens most, by name."""
    pages = {
        "home": reverse("home"),
        "measures": reverse("plans:measure_list"),
        "measure": reverse("plans:measure_detail", args=[world.measures.m2.pk]),
        "plan": reverse("plans:plan_current"),
        "projects": reverse("projects:project_list"),
        "hazards": reverse("safety:hazard_list"),
        "enterprises": reverse("enterprises:enterprise_list"),
        "inspections": reverse("inspections:inspection_list"),
        "roster": reverse("emergency:roster_current"),
        "notifications": reverse("reminders:notification_list"),
        "hazard_new": reverse("safety:hazard_create"),  # a form: its hints and date inputs
    }
    if user.unit_id == world.measures.m2.lead_unit_id:
        pages["report_new"] = reverse("plans:report_create", args=[world.measures.m2.pk])
    if user.reads_everything:
        pages["dashboard"] = reverse("dashboard:dashboard")
    if user.is_unit_head or user.is_administrator:
        pages["review"] = reverse("plans:review_queue")
    return pages


def check_header(page, where):
    """The user menu's button and, once opened, the logout and language entries each on one line."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#mainNav")).to_have_class(re.compile(r"\bshow\b"))  # opened, not still sliding
    page.click("#user-menu-button")
    expect(page.locator("#user-menu-button")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#logout-button")).to_be_visible()
    for selector in ("#user-menu-button", "#logout-button", "#user-role", "#language-form button"):
        assert page.evaluate(LINES, selector) == 1, f"{where}: {selector} wraps"
    page.keyboard.press("Escape")  # the menu closes by keyboard too
    expect(page.locator("#user-menu-button")).to_have_attribute("aria-expanded", "false")


@time_machine.travel(datetime.datetime(2020, 9, 15, 2, tzinfo=datetime.UTC), tick=True)
def test_main_pages_of_each_role_fit_laptop_and_phone_in_chinese(
    browser,
    live_server,
    alice,
    carol,
    leo,
    admin_user,
    world,  # noqa: F811
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for role, user in (("staff", alice), ("head", carol), ("leader", leo), ("admin", admin_user)):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=LAPTOP)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        errors = []
        page.on("response", lambda r, errors=errors: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
        page.goto(reverse("login"))
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-form button[type=submit]")
        expect(page.locator("#user-menu-button")).to_be_visible()
        for viewport in (LAPTOP, PHONE):
            page.set_viewport_size(viewport)
            for name, url in pages_for(user, world).items():
                if viewport is PHONE and name not in PHONE_PAGES:
                    continue
                page.goto(url)
                where = f"{role} {viewport['width']} {name}"
                expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
                if (overflow := page.evaluate(OVERFLOW)) > 0:
                    problems.append(f"{where}: {overflow} px too wide")
                problems += [f"{where}: English {text!r}" for text in page.evaluate(ENGLISH_TEXT)]
                page.screenshot(
                    path=str(ARTIFACTS / f"layout-{role}-{viewport['width']}-{name}.png")
                )  # the viewport: quick
            check_header(page, f"{role} {viewport['width']}")
        if user.is_administrator:  # the longest header, in English: it too fits at 1366
            page.set_viewport_size(LAPTOP)
            page.click("#user-menu-button")
            page.click("#language-form button[value=en]")
            expect(page.locator("html")).to_have_attribute("lang", "en")
            for name in ("home", "measures"):
                page.goto(pages_for(user, world)[name])
                if (overflow := page.evaluate(OVERFLOW)) > 0:
                    problems.append(f"{role} 1366 English {name}: {overflow} px too wide")
                page.screenshot(path=str(ARTIFACTS / f"layout-{role}-1366-en-{name}.png"))
            check_header(page, f"{role} 1366 English")
        assert not errors, errors
        context.close()
    assert not problems, "\n".join(sorted(set(problems)))


def test_favicon_is_linked_and_answers(client, db):
    page = client.get(reverse("login")).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert icon.endswith("favicon.svg") and (settings.BASE_DIR / "static" / "favicon.svg").is_file()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == icon
