"""When an item is reminded (reminders.schedule), on the Chinese working-day calendar: pure functions, no database."""

import datetime

from reminders.calendar import WorkingCalendar
from reminders.choices import ReminderKind
from reminders.schedule import Rule, reminders_due, window_end

D = datetime.date
DEFAULT = Rule(offsets=(7, 3, 1, 0), overdue_every=3, escalate_after=7)


def due(item_due, today, rule=DEFAULT):
    return reminders_due(item_due, today, rule, WorkingCalendar())


def test_offsets_7_3_1_0_before_a_working_due_date():
    friday = D(2020, 6, 19)
    assert due(friday, D(2020, 6, 11)) == ()  # 8 days before: nothing yet
    assert due(friday, D(2020, 6, 12)) == ((ReminderKind.UPCOMING, D(2020, 6, 12)),)  # 7 days
    assert due(friday, D(2020, 6, 16)) == ((ReminderKind.UPCOMING, D(2020, 6, 16)),)  # 3 days
    assert due(friday, D(2020, 6, 18)) == ((ReminderKind.UPCOMING, D(2020, 6, 18)),)  # 1 day
    assert due(friday, D(2020, 6, 19)) == ((ReminderKind.DUE, D(2020, 6, 19)),)  # the day


def test_between_offsets_the_last_reminder_keeps_its_day_so_it_is_sent_once():
    # 4 days before: still the 7-day reminder, keyed 06-12 — already sent that day, or sent now if it was missed.
    assert due(D(2020, 6, 19), D(2020, 6, 15)) == ((ReminderKind.UPCOMING, D(2020, 6, 12)),)


def test_a_reminder_on_a_holiday_goes_out_the_working_day_before():
    # 2020-10-05 falls in the National Day holiday (10-01 … 10-08); 09-27 (Sunday) was a make-up working day.
    holiday_due = D(2020, 10, 5)
    assert due(holiday_due, D(2020, 9, 27)) == ()  # 7 days before is 09-28, a Monday
    assert due(holiday_due, D(2020, 9, 28)) == ((ReminderKind.UPCOMING, D(2020, 9, 28)),)
    # 3 days, 1 day and the day itself all fall in the holiday: the due-day reminder goes out on 09-30.
    assert due(holiday_due, D(2020, 9, 30)) == ((ReminderKind.DUE, D(2020, 9, 30)),)


def test_a_make_up_working_day_counts_as_a_working_day():
    calendar = WorkingCalendar()
    assert calendar.is_working_day(D(2020, 9, 27))  # Sunday, 调休
    assert not calendar.is_working_day(D(2020, 10, 1))
    assert calendar.on_or_before(D(2020, 10, 8)) == D(2020, 9, 30)


def test_overdue_every_three_working_days():
    friday = D(2020, 6, 5)
    assert due(friday, D(2020, 6, 8)) == ((ReminderKind.OVERDUE, D(2020, 6, 8)),)  # 1st working day late
    assert due(friday, D(2020, 6, 10)) == ((ReminderKind.OVERDUE, D(2020, 6, 8)),)  # same reminder: not again
    assert due(friday, D(2020, 6, 11)) == ((ReminderKind.OVERDUE, D(2020, 6, 11)),)  # 4th working day late


def test_escalation_after_seven_working_days_late_counts_holidays_out():
    friday = D(2020, 6, 5)
    assert ReminderKind.ESCALATED not in dict(due(friday, D(2020, 6, 16)))  # 7 working days late
    assert dict(due(friday, D(2020, 6, 17)))[ReminderKind.ESCALATED] == D(2020, 6, 17)  # the 8th
    # Over the Dragon Boat holiday (06-25 … 06-27, 06-28 Sunday a make-up day), grace counts working days only.
    assert ReminderKind.ESCALATED not in dict(due(D(2020, 6, 22), D(2020, 7, 2)))  # 7 working days late
    assert dict(due(D(2020, 6, 22), D(2020, 7, 3)))[ReminderKind.ESCALATED] == D(2020, 7, 3)


def test_catch_up_after_days_down_sends_the_latest_reminder_only():
    reminders = due(D(2020, 6, 5), D(2020, 6, 30))
    assert reminders == (
        (ReminderKind.OVERDUE, D(2020, 6, 30)),  # the latest overdue reminder (16th working day), not each missed one
        (ReminderKind.ESCALATED, D(2020, 6, 17)),  # escalated once, keyed by the day it became due
    )


def test_rules_without_overdue_or_escalation():
    once = Rule(offsets=(1,), overdue_every=0, escalate_after=0)
    assert due(D(2020, 6, 5), D(2020, 6, 4), once) == ((ReminderKind.UPCOMING, D(2020, 6, 4)),)
    assert due(D(2020, 6, 5), D(2020, 6, 30), once) == ()


def test_window_reaches_past_the_coming_non_working_days():
    calendar = WorkingCalendar()
    assert window_end(D(2020, 6, 17), DEFAULT, calendar) == D(2020, 6, 24)  # Wednesday: next working day Thursday
    assert window_end(D(2020, 6, 19), DEFAULT, calendar) == D(2020, 6, 28)  # Friday: the weekend is covered
    # Before the Dragon Boat holiday: next working day is 06-28, so the window reaches 06-27 + 7 days.
    assert window_end(D(2020, 6, 24), DEFAULT, calendar) == D(2020, 7, 4)


def test_years_the_library_does_not_know_fall_back_to_weekends():
    calendar = WorkingCalendar()
    assert calendar.is_working_day(D(2031, 1, 6))  # a Monday
    assert not calendar.is_working_day(D(2031, 1, 4))  # a Saturday
    assert calendar.unknown_years == {2031}
    assert calendar.is_working_day(D(2020, 6, 5)) and calendar.unknown_years == {2031}
