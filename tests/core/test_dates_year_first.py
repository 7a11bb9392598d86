"""Dates and months are typed and shown year first, whatever the browser's language (issue 15): a text input
read in the formats a bureau writes (liuyang_transport/formats/dates.py), months shown as 2020年6月."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from core.forms import DateInput, MonthField
from core.periods import parse_day


class DayForm(forms.Form):
    day = forms.DateField(widget=DateInput())
    month = MonthField()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("day", "month"),
    [
        ("2020-11-30", "2020-06"),
        ("2020/11/30", "2020/6"),
        ("2020.11.30", "2020.06"),
        ("2020年11月30日", "2020年6月"),
        ("20201130", "202006"),
    ],
)
def test_a_day_and_a_month_typed_year_first_are_read_in_either_language(language, day, month):
    with translation.override(language):
        form = DayForm({"day": day, "month": month})
        assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": datetime.date(2020, 11, 30), "month": datetime.date(2020, 6, 1)}


def test_an_american_month_first_date_is_refused_in_english_too():
    with translation.override("en"):
        form = DayForm({"day": "11/12/2020", "month": "2020-06"})
        assert not form.is_valid()
    assert "day" in form.errors


def test_the_inputs_are_text_with_a_year_first_hint_not_the_browsers_picker():
    with translation.override("zh-hans"):
        html = DayForm(initial={"day": datetime.date(2020, 3, 9), "month": datetime.date(2020, 6, 1)}).as_p()
    assert 'type="date"' not in html and 'type="month"' not in html
    assert 'value="2020-03-09"' in html and 'value="2020-06"' in html
    assert 'placeholder="年-月-日"' in html and 'placeholder="年-月"' in html


def test_parse_day_reads_the_same_formats_and_nothing_else():
    assert parse_day(" 2020/11/25 ") == datetime.date(2020, 11, 25)
    assert parse_day("25/11/2020") is None
    assert parse_day("") is None


def test_a_report_page_shows_its_month_as_a_month_in_the_title_and_the_history(login, alice, draft_a):
    with translation.override("zh-hans"):
        page = login(alice).get(reverse("plans:report_detail", args=[draft_a.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "2020年6月" in text
    assert "2020年6月1日" not in text  # the history showed the month as its first day
    assert "2020-06" not in text


def test_the_briefing_week_is_read_year_first(login, leo):
    response = login(leo).get(reverse("dashboard:briefing", args=["xlsx"]), {"week": "2020/11/25"})
    assert response.status_code == 200
    assert "2020-11-23" in response["Content-Disposition"]
