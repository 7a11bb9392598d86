"""The duty roster (值班表), end to end in a real browser: month view → a day → a leader and a staff duty → the month
shows them → the same person twice is refused → the month prints without the navigation.

bob (staff of unit B, which keeps the duty roster) puts leo on duty as leader and alice as staff on the 15th of the
current month. Elements are found by id or CSS, never by visible text (the zh-hans translations change); the refusal
is matched against the model's own message in zh-hans.
"""

import calendar
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from emergency.choices import DutyRole
from emergency.models import DutyAssignment

from .conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def keeper(unit_b):
    """Unit B keeps the duty roster (the flag an administrator sets in the admin site)."""
    unit_b.keeps_duty_roster = True
    unit_b.save(update_fields=["keeps_duty_roster"])
    return unit_b


def in_chinese(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


def duplicate_refusal() -> str:
    constraint = next(c for c in DutyAssignment._meta.constraints if c.name.endswith("one_duty_per_person_and_day"))
    return in_chinese(constraint.violation_error_message)


def add_duty(page, *, role: DutyRole, person, phone: str = "") -> None:
    page.select_option("#id_role", role.value)
    page.select_option("#id_person", str(person.pk))
    page.fill("#id_phone", phone)
    page.click("#duty-form button[type=submit]")


def test_keeper_fills_a_day_and_prints_the_month(page, log_in, keeper, bob, leo, alice):
    # 1. bob opens the month view from the header's emergency menu (the current month).
    log_in(bob)
    page.click("#nav-emergency")
    page.click(f'#nav-emergency + .dropdown-menu a[href="{reverse("emergency:roster_current")}"]')
    expect(page).to_have_url(re.compile(r"/emergency/roster/\d{4}/\d{1,2}/$"))
    year, month = map(int, re.search(r"/roster/(\d{4})/(\d{1,2})/$", page.url).groups())
    day = datetime.date(year, month, 15)
    row = page.locator(f'#roster-table tr[data-date="{day:%Y-%m-%d}"]')
    expect(row).to_be_visible()
    expect(page.locator("#roster-table tbody tr")).to_have_count(calendar.monthrange(year, month)[1])

    # 2. He opens the 15th and adds leo as leader on duty (with a duty phone) and alice as staff on duty.
    row.locator("td:first-child a").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("emergency:roster_day", args=[day.isoformat()])) + "$"))
    expect(page.locator("#duty-form")).to_be_visible()
    add_duty(page, role=DutyRole.LEADER, person=leo, phone="0731-83612004")
    expect(page.locator("main .alert-success")).to_have_count(1)
    add_duty(page, role=DutyRole.STAFF, person=alice)
    expect(page.locator("#day-duties tbody tr")).to_have_count(2)
    screenshot(page, "emergency-01-day")
    assert sorted(DutyAssignment.objects.filter(date=day).values_list("role", "person__username")) == [
        (DutyRole.LEADER, "leo"),
        (DutyRole.STAFF, "alice"),
    ]

    # 3. The month view shows them in the day's row: the leader with the duty phone, the staff.
    page.click(f'.breadcrumb a[href="{reverse("emergency:roster_month", args=[year, month])}"]')
    leader_cell, staff_cell = row.locator("td").nth(3), row.locator("td").nth(4)
    expect(leader_cell).to_contain_text(leo.full_name)
    expect(leader_cell.locator(".roster-phone")).to_have_text("0731-83612004")
    expect(staff_cell).to_contain_text(alice.full_name)
    expect(staff_cell).not_to_contain_text(leo.full_name)

    # 4. Putting alice on duty a second time that day is refused, with the constraint's message; nothing is added.
    row.locator("td:first-child a").click()
    add_duty(page, role=DutyRole.STAFF, person=alice)
    expect(page.locator("#duty-form")).to_contain_text(duplicate_refusal())
    expect(page.locator("main .alert-success")).to_have_count(0)
    expect(page.locator("#day-duties tbody tr")).to_have_count(2)
    screenshot(page, "emergency-02-refused")
    assert DutyAssignment.objects.filter(date=day).count() == 2

    # 5. Printed, the month is the table with its heading alone: no navigation, no buttons.
    page.goto(reverse("emergency:roster_month", args=[year, month]))
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("main ul.nav-tabs")).to_be_hidden()
    expect(page.locator("#previous-month")).to_be_hidden()
    expect(page.locator(".roster-print-header")).to_be_visible()
    expect(page.locator("#roster-table")).to_be_visible()
    expect(row).to_contain_text(alice.full_name)
    screenshot(page, "emergency-03-print")
    page.emulate_media(media="screen")
    expect(page.locator("nav.navbar")).to_be_visible()

    assert page.problems["external"] == []
    assert [e for e in page.problems["http_errors"] if not e.endswith("/favicon.ico")] == []
    assert page.problems["console"] == []
