"""The Chinese working-day calendar: public holidays and their make-up working days (调休) come from the
``chinesecalendar`` library, which knows only the years the State Council has announced. For any other year the
calendar falls back to weekends (Monday to Friday work) and remembers the year in ``unknown_years``, so that the
scan can tell administrators once (``reminders.scan``)."""

import datetime

import chinese_calendar

ONE_DAY = datetime.timedelta(days=1)


class WorkingCalendar:
    """Working days, with answers kept for the life of the object (one scan)."""

    def __init__(self):
        self.unknown_years: set[int] = set()
        self._working: dict[datetime.date, bool] = {}
        self._counts: dict[tuple[datetime.date, datetime.date], int] = {}

    def is_working_day(self, day: datetime.date) -> bool:
        known = self._working.get(day)
        if known is None:
            try:
                known = chinese_calendar.is_workday(day)
            except NotImplementedError:  # a year the library does not know yet
                self.unknown_years.add(day.year)
                known = day.weekday() < 5
            self._working[day] = known
        return known

    def on_or_before(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day, else the working day before it."""
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day

    def nth_after(self, day: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``day`` (n ≥ 1)."""
        while n > 0:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def count_between(self, after: datetime.date, until: datetime.date) -> int:
        """Working days in (``after``, ``until``]."""
        key = (after, until)
        count = self._counts.get(key)
        if count is None:
            count, day = 0, after
            while day < until:
                day += ONE_DAY
                count += self.is_working_day(day)
            self._counts[key] = count
        return count
