"""The plans pages' wiring: what each page lists and shows, what its forms post to the services.

Translations are being written: assert data, names and the language attribute, never translated text.
"""

import datetime

import pytest
import time_machine
from django.contrib.messages import constants as message_levels
from django.urls import reverse

from core.choices import ReviewState
from plans import services
from plans.choices import MeasureStatus
from plans.models import ProgressReport
from tests.factories import (
    PDF_BYTES,
    CheckpointFactory,
    KeyTaskFactory,
    MeasureCommentFactory,
    MeasureFactory,
    ProgressReportFactory,
    WorkPlanFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

# The pages run on a fixed day, after the 2020 plan's measures fell due (2020-12-31).
TODAY = datetime.datetime(2021, 1, 15, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(TODAY, tick=False):
        yield


def url(name: str, obj=None) -> str:
    return reverse(f"plans:{name}", args=[obj.pk] if obj is not None else [])


def listed(response) -> list:
    return list(response.context["page_obj"])


def messages_of(response) -> list[int]:
    return [message.level for message in response.context["messages"]]


# Measure list ------------------------------------------------------------------------------------------------------


class TestMeasureList:
    def test_a_unit_member_sees_her_units_measures_by_default(self, login, alice, measure_a, measure_b):
        assert listed(login(alice).get(url("measure_list"))) == [measure_a]

    def test_cooperating_units_see_the_measure_in_their_list(self, login, alice, measure_a, measure_b, unit_a):
        measure_b.cooperating_units.add(unit_a)

        assert set(listed(login(alice).get(url("measure_list")))) == {measure_a, measure_b}

    def test_an_empty_unit_shows_every_unit(self, login, alice, measure_a, measure_b):
        assert set(listed(login(alice).get(url("measure_list"), {"unit": ""}))) == {measure_a, measure_b}

    def test_another_unit_is_asked_for_by_id(self, login, alice, measure_a, measure_b, unit_b):
        assert listed(login(alice).get(url("measure_list"), {"unit": unit_b.pk})) == [measure_b]

    def test_a_leader_sees_every_measure_by_default(self, login, leo, measure_a, measure_b):
        assert set(listed(login(leo).get(url("measure_list")))) == {measure_a, measure_b}

    @pytest.mark.parametrize(
        "query, expected",
        [
            ({"status": MeasureStatus.LAGGING}, {"lagging"}),
            ({"overdue": "true"}, {"overdue"}),
            ({"overdue": "false"}, {"lagging", "due today", "supervised", "about bridges"}),
            ({"supervised": "true"}, {"supervised"}),
            ({"q": "危桥"}, {"about bridges"}),
        ],
        ids=["status", "overdue", "not overdue", "supervised", "text"],
    )
    def test_filters(self, login, leo, query, expected):
        measures = {
            "lagging": MeasureFactory(status=MeasureStatus.LAGGING, due_date=datetime.date(2021, 6, 30)),
            "overdue": MeasureFactory(due_date=datetime.date(2021, 1, 14)),
            "due today": MeasureFactory(due_date=datetime.date(2021, 1, 15)),
            "supervised": MeasureFactory(due_date=None, supervised_at=TODAY, supervised_by=leo),
            "about bridges": MeasureFactory(text="危桥改造。", status=MeasureStatus.COMPLETED),
        }

        response = login(leo).get(url("measure_list"), {"unit": "", **query})

        assert {name for name, measure in measures.items() if measure in listed(response)} == expected

    def test_the_key_task_filter(self, login, leo, measure_a, measure_b):
        response = login(leo).get(url("measure_list"), {"key_task": measure_b.key_task_id})

        assert listed(response) == [measure_b]

    def test_the_list_is_paginated(self, login, leo):
        task = KeyTaskFactory()
        MeasureFactory.create_batch(30, key_task=task)

        first = login(leo).get(url("measure_list"))
        second = login(leo).get(url("measure_list"), {"page": 2})

        assert (len(listed(first)), first.context["page_obj"].has_next()) == (25, True)
        assert (second.context["page_obj"].number, len(listed(second))) == (2, 5)
        assert set(listed(first)).isdisjoint(listed(second))

    def test_pages_render_in_chinese_by_default(self, login, alice, measure_a):
        response = login(alice).get(url("measure_list"))

        assert '<html lang="zh-hans">' in response.content.decode()


# Measure detail ----------------------------------------------------------------------------------------------------


class TestMeasureDetail:
    def test_the_page_shows_the_text_the_checkpoints_and_the_comments(self, login, leo, measure_a):
        CheckpointFactory(measure=measure_a, title="完成初稿编制")
        MeasureCommentFactory(measure=measure_a, author=leo, text="请规建科加快推进")

        page = login(leo).get(url("measure_detail", measure_a)).content.decode()

        for shown in (measure_a.text, "完成初稿编制", "请规建科加快推进", measure_a.lead_unit.name):
            assert shown in page

    def test_the_page_lists_only_the_reports_the_user_may_read(self, login, leo, bob, measure_a, submitted_a, draft_a):
        accepted = ProgressReportFactory(
            measure=measure_a, month=datetime.date(2020, 4, 1), submitted=True, state=ReviewState.ACCEPTED
        )

        assert list(login(leo).get(url("measure_detail", measure_a)).context["reports"]) == [submitted_a, accepted]
        assert list(login(bob).get(url("measure_detail", measure_a)).context["reports"]) == [accepted]

    def test_the_unit_sees_its_drafts(self, login, alice, measure_a, submitted_a, draft_a):
        assert list(login(alice).get(url("measure_detail", measure_a)).context["reports"]) == [draft_a, submitted_a]

    def test_the_history_shows_who_changed_what(self, login, alice, leo, measure_a):
        services.measure_update(user=alice, measure=measure_a, due_date=datetime.date(2021, 3, 31))

        response = login(leo).get(url("measure_detail", measure_a))

        page = response.content.decode()
        assert 'id="history"' in page
        assert alice.full_name in page
        assert "2021-03-31" in page


# The report form ---------------------------------------------------------------------------------------------------


def report_post(button: str = "save", **changes) -> dict:
    """The report form as the browser posts it: one problem filled in, the second row left empty."""
    return {
        "month": "2020-05",
        "progress": "60",
        "text": "本月完成初稿。",
        "problems-TOTAL_FORMS": "2",
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "10",
        "problems-0-category": "land",
        "problems-0-description": "用地报批未完成",
        "problems-1-category": "",
        "problems-1-description": "",
        button: "",
        **changes,
    }


@pytest.mark.usefixtures("tmp_media")
class TestReportForm:
    def test_the_form_has_a_month_picker_and_both_buttons(self, login, alice, measure_a):
        page = login(alice).get(url("report_create", measure_a)).content.decode()

        assert 'name="month"' in page and "placeholder=" in page
        assert 'name="save"' in page
        assert 'name="submit"' in page
        assert 'name="problems-TOTAL_FORMS"' in page

    def test_save_draft_keeps_a_draft_with_its_problems_and_attachment(self, login, alice, measure_a):
        response = login(alice).post(url("report_create", measure_a), report_post(attachments=pdf_upload("五月.pdf")))

        report = ProgressReport.objects.get()
        assert response.status_code == 302
        assert response.url == report.get_absolute_url()
        assert (report.state, report.month, report.progress, report.author) == (
            ReviewState.DRAFT,
            datetime.date(2020, 5, 1),
            60,
            alice,
        )
        assert list(report.problems.values_list("category", "description")) == [("land", "用地报批未完成")]
        attachment = report.attachments.get()
        assert (attachment.original_name, attachment.size) == ("五月.pdf", len(PDF_BYTES))

    def test_submit_for_review_submits(self, login, alice, measure_a):
        login(alice).post(url("report_create", measure_a), report_post("submit"))

        report = ProgressReport.objects.get()
        assert report.state == ReviewState.SUBMITTED
        assert report.submitted_at is not None

    def test_a_bad_attachment_is_shown_on_the_form_and_nothing_is_saved(self, login, alice, measure_a):
        response = login(alice).post(url("report_create", measure_a), report_post(attachments=pdf_upload("x.exe")))

        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert not ProgressReport.objects.exists()

    def test_a_month_not_yet_begun_is_refused(self, login, alice, measure_a):
        response = login(alice).post(url("report_create", measure_a), report_post(month="2021-02"))

        assert "month" in response.context["form"].errors
        assert not ProgressReport.objects.exists()

    def test_a_problem_without_a_category_is_refused(self, login, alice, measure_a):
        response = login(alice).post(url("report_create", measure_a), report_post(**{"problems-0-category": ""}))

        assert response.context["formset"].errors[0]
        assert not ProgressReport.objects.exists()

    def test_a_second_report_for_the_month_is_an_error_on_the_form(self, login, alice, measure_a, submitted_a):
        response = login(alice).post(url("report_create", measure_a), report_post())

        assert response.status_code == 200
        assert response.context["form"].errors
        assert ProgressReport.objects.count() == 1

    @time_machine.travel(datetime.datetime(2020, 9, 10, 3, tzinfo=datetime.UTC))
    def test_a_new_report_is_for_the_month_after_the_last_and_shows_it(self, login, alice, measure_a):
        ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2020, 6, 1), progress=45)
        response = login(alice).get(url("report_create", measure_a))
        form = response.context["form"]
        assert (form.initial["month"], form.initial["progress"]) == (datetime.date(2020, 7, 1), 45)
        assert 'value="2020-07"' in response.text
        assert response.context["previous"].month == datetime.date(2020, 6, 1)
        assert 'id="previous-report"' in response.text and "45%" in response.text

    @time_machine.travel(datetime.datetime(2020, 9, 10, 3, tzinfo=datetime.UTC))
    def test_without_reports_the_new_report_is_for_this_month(self, login, alice, measure_a):
        response = login(alice).get(url("report_create", measure_a))
        assert response.context["form"].initial["month"] == datetime.date(2020, 9, 1)
        assert 'id="previous-report"' not in response.text

    @time_machine.travel(datetime.datetime(2020, 9, 10, 3, tzinfo=datetime.UTC))
    def test_the_month_due_is_never_a_month_to_come(self, login, alice, measure_a):
        ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2020, 9, 1))
        response = login(alice).get(url("report_create", measure_a))
        assert response.context["form"].initial["month"] == datetime.date(2020, 9, 1)

    def test_a_month_that_has_a_report_links_to_it(self, login, alice, measure_a, submitted_a):
        response = login(alice).post(url("report_create", measure_a), report_post())
        assert response.context["existing"] == submitted_a
        assert f'href="{submitted_a.get_absolute_url()}"' in response.text.split('id="month-has-report"')[1]

    def test_the_problem_rows_have_labels_and_the_select_is_named(self, login, alice, measure_a):
        page = login(alice).get(url("report_create", measure_a)).text
        assert 'for="id_problems-0-category"' in page and 'for="id_problems-0-description"' in page
        assert "---------" not in page

    def test_the_edit_form_shows_the_month_and_the_problems(self, login, alice, measure_a):
        may = ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2020, 5, 1))
        may.problems.create(category="funding", description="资金缺口较大")

        page = login(alice).get(url("report_edit", may)).content.decode()

        assert 'value="2020-05"' in page
        assert "资金缺口较大" in page

    def test_editing_keeps_the_month_and_replaces_the_problems(self, login, alice, draft_a):
        draft_a.problems.create(category="funding", description="资金缺口较大")

        login(alice).post(url("report_edit", draft_a), report_post("submit", month="2020-01", progress="70"))

        draft_a.refresh_from_db()
        assert (draft_a.month, draft_a.progress, draft_a.state) == (
            datetime.date(2020, 6, 1),
            70,
            ReviewState.SUBMITTED,
        )
        assert list(draft_a.problems.values_list("description", flat=True)) == ["用地报批未完成"]


# Reviewing ---------------------------------------------------------------------------------------------------------


class TestReview:
    def test_the_report_page_offers_the_review_to_the_head(self, login, carol, submitted_a):
        response = login(carol).get(url("report_detail", submitted_a))

        assert response.context["can_review"] is True
        assert 'id="review-form"' in response.content.decode()

    def test_accept(self, login, carol, submitted_a, measure_a):
        response = login(carol).post(url("report_review", submitted_a), {"decision": "accept"}, follow=True)

        submitted_a.refresh_from_db()
        assert (submitted_a.state, submitted_a.reviewed_by) == (ReviewState.ACCEPTED, carol)
        measure_a.refresh_from_db()
        assert measure_a.progress == submitted_a.progress
        assert messages_of(response) == [message_levels.SUCCESS]

    def test_return_with_a_reason(self, login, carol, submitted_a):
        login(carol).post(url("report_review", submitted_a), {"decision": "return", "reason": "请补充工作量"})

        submitted_a.refresh_from_db()
        assert (submitted_a.state, submitted_a.return_reason) == (ReviewState.RETURNED, "请补充工作量")

    def test_return_without_a_reason_shows_an_error_and_changes_nothing(self, login, carol, submitted_a):
        response = login(carol).post(
            url("report_review", submitted_a), {"decision": "return", "reason": " "}, follow=True
        )

        assert response.redirect_chain[-1][0] == submitted_a.get_absolute_url()
        assert messages_of(response) == [message_levels.ERROR]
        submitted_a.refresh_from_db()
        assert (submitted_a.state, submitted_a.reviewed_by) == (ReviewState.SUBMITTED, None)

    def test_the_review_returns_to_the_queue_it_came_from(self, login, carol, submitted_a):
        response = login(carol).post(
            url("report_review", submitted_a), {"decision": "accept", "next": url("review_queue")}
        )

        assert response.url == url("review_queue")

    def test_the_review_never_redirects_to_another_site(self, login, carol, submitted_a):
        response = login(carol).post(
            url("report_review", submitted_a), {"decision": "accept", "next": "https://evil.example/"}
        )

        assert response.url == submitted_a.get_absolute_url()

    def test_the_queue_lists_the_units_submitted_reports_oldest_first(self, login, carol, alice, measure_a):
        older = ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2020, 4, 1), submitted=True)
        newer = ProgressReportFactory(
            measure=measure_a,
            author=alice,
            month=datetime.date(2020, 5, 1),
            state=ReviewState.SUBMITTED,
            submitted_at=TODAY,
        )
        ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2020, 6, 1))  # a draft

        assert listed(login(carol).get(url("review_queue"))) == [older, newer]


# Plan overview -----------------------------------------------------------------------------------------------------


class TestPlanOverview:
    def test_each_key_task_with_its_counts(self, login, leo):
        plan = WorkPlanFactory(year=2020)
        first, second = KeyTaskFactory(plan=plan, number=1), KeyTaskFactory(plan=plan, number=2)
        MeasureFactory(key_task=first, status=MeasureStatus.COMPLETED, progress=100)
        MeasureFactory(key_task=first, progress=50)  # due 2020-12-31, open: overdue on TODAY
        MeasureFactory(key_task=second, progress=20, due_date=datetime.date(2021, 12, 31))

        response = login(leo).get(reverse("plans:plan_overview", args=[2020]))

        summary = [
            (task.number, task.measure_count, task.completed_count, task.overdue_count, task.average_progress)
            for task in response.context["key_tasks"]
        ]
        assert summary == [(1, 2, 1, 1, 75.0), (2, 1, 0, 0, 20.0)]
        page = response.content.decode()
        assert 'id="task-1"' in page and 'id="task-2"' in page

    def test_the_current_plan_is_the_latest_published(self, login, leo):
        WorkPlanFactory(year=2020)
        WorkPlanFactory(year=2021, published=False)

        response = login(leo).get(reverse("plans:plan_current"))

        assert response.url == reverse("plans:plan_overview", args=[2020])

    def test_the_current_plan_is_the_default_years(self, login, leo):
        WorkPlanFactory(year=2020)
        WorkPlanFactory(year=2021)
        with time_machine.travel(datetime.datetime(2020, 11, 30, 2, tzinfo=datetime.UTC), tick=False):
            response = login(leo).get(reverse("plans:plan_current"))

        assert response.url == reverse("plans:plan_overview", args=[2020])

    def test_an_unknown_year_is_not_found(self, login, leo):
        assert login(leo).get(reverse("plans:plan_overview", args=[1999])).status_code == 404

    def test_without_a_plan_the_page_says_so(self, login, leo):
        response = login(leo).get(reverse("plans:plan_current"))

        assert response.status_code == 200
        assert [template.name for template in response.templates][0] == "plans/plan_empty.html"
