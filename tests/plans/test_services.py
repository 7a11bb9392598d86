"""The plans app's services, called directly: the rules every door (pages, admin, imports) relies on.

Refusals by role are in test_permissions.py; here the personas act within their rights.
"""

import datetime
from pathlib import Path

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from core.choices import ReviewState
from plans import services
from plans.choices import MeasureStatus
from plans.models import KeyTask, Measure, ProgressReport, ReportAttachment, ReportProblem, WorkPlan
from plans.parsing import parse_plan
from tests.factories import PDF_BYTES, CheckpointFactory, MeasureFactory, pdf_upload, upload

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "plans" / "demo" / "plan_2020.txt"
APRIL, MAY, JUNE = datetime.date(2020, 4, 1), datetime.date(2020, 5, 1), datetime.date(2020, 6, 1)


def write(user, measure, *, month=MAY, progress=40, **options) -> ProgressReport:
    return services.progress_report_create(
        user=user, measure=measure, month=month, text="本月按计划推进。", progress=progress, **options
    )


def accept(head, author, measure, *, month=MAY, progress=40) -> ProgressReport:
    report = write(author, measure, month=month, progress=progress, submit=True)
    return services.progress_report_accept(user=head, report=report)


def reload(obj):
    obj.refresh_from_db()
    return obj


# Writing reports ---------------------------------------------------------------------------------------------------


class TestWritingReports:
    def test_a_report_is_a_draft_for_the_first_day_of_its_month(self, alice, measure_a):
        report = write(alice, measure_a, month=datetime.date(2020, 5, 17))

        assert (report.state, report.month, report.author) == (ReviewState.DRAFT, MAY, alice)
        assert report.submitted_at is None

    def test_a_report_can_be_submitted_at_once(self, alice, measure_a):
        report = write(alice, measure_a, submit=True)

        assert report.state == ReviewState.SUBMITTED
        assert report.submitted_at is not None

    def test_a_draft_is_submitted_later(self, alice, measure_a):
        report = services.progress_report_submit(user=alice, report=write(alice, measure_a))

        assert reload(report).state == ReviewState.SUBMITTED
        assert report.submitted_at is not None

    def test_a_measure_takes_one_report_a_month(self, alice, measure_a):
        write(alice, measure_a)

        with pytest.raises(ValidationError):
            write(alice, measure_a, month=datetime.date(2020, 5, 20))
        assert measure_a.reports.count() == 1

    def test_a_cancelled_measure_takes_no_report(self, alice, measure_a):
        Measure.objects.filter(pk=measure_a.pk).update(status=MeasureStatus.CANCELLED)

        with pytest.raises(ValidationError):
            write(alice, reload(measure_a))
        assert not measure_a.reports.exists()

    def test_problems_are_named_by_category_and_replaced_on_update(self, alice, measure_a):
        report = write(alice, measure_a, problems=[services.Problem("land", " 征地拆迁滞后 ")])
        assert list(report.problems.values_list("category", "description")) == [("land", "征地拆迁滞后")]

        services.progress_report_update(
            user=alice, report=report, text="补充", progress=45, problems=[services.Problem("funding", "资金缺口")]
        )

        assert list(report.problems.values_list("category", "description")) == [("funding", "资金缺口")]


# Reviewing reports -------------------------------------------------------------------------------------------------


class TestReviewing:
    def test_accepting_gives_the_measure_its_progress_and_starts_it(self, alice, carol, measure_a):
        Measure.objects.filter(pk=measure_a.pk).update(status=MeasureStatus.NOT_STARTED, progress=0)

        report = accept(carol, alice, measure_a, progress=40)

        assert (report.state, report.reviewed_by) == (ReviewState.ACCEPTED, carol)
        assert report.reviewed_at is not None
        assert (reload(measure_a).progress, measure_a.status) == (40, MeasureStatus.IN_PROGRESS)

    def test_accepting_100_percent_completes_the_measure(self, alice, carol, measure_a):
        accept(carol, alice, measure_a, progress=100)

        assert (reload(measure_a).progress, measure_a.status) == (100, MeasureStatus.COMPLETED)

    def test_accepting_keeps_a_lagging_measure_lagging(self, alice, carol, measure_a):
        Measure.objects.filter(pk=measure_a.pk).update(status=MeasureStatus.LAGGING)

        accept(carol, alice, measure_a, progress=50)

        assert (reload(measure_a).progress, measure_a.status) == (50, MeasureStatus.LAGGING)

    def test_an_older_month_accepted_later_does_not_move_progress_backwards(self, alice, carol, measure_a):
        may = write(alice, measure_a, month=MAY, progress=30, submit=True)
        accept(carol, alice, measure_a, month=JUNE, progress=60)

        services.progress_report_accept(user=carol, report=may)

        assert reload(may).state == ReviewState.ACCEPTED
        assert reload(measure_a).progress == 60

    def test_a_newer_month_moves_progress_on(self, alice, carol, measure_a):
        accept(carol, alice, measure_a, month=MAY, progress=30)
        accept(carol, alice, measure_a, month=JUNE, progress=60)

        assert reload(measure_a).progress == 60

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_returning_needs_a_reason(self, alice, carol, measure_a, reason):
        report = write(alice, measure_a, submit=True)

        with pytest.raises(ValidationError) as excinfo:
            services.progress_report_return(user=carol, report=report, reason=reason)

        assert "reason" in excinfo.value.error_dict
        assert reload(report).state == ReviewState.SUBMITTED

    def test_returning_records_the_reason_and_the_reviewer(self, alice, carol, measure_a):
        report = write(alice, measure_a, submit=True)

        services.progress_report_return(user=carol, report=report, reason=" 请补充工作量。 ")

        reload(report)
        assert (report.state, report.return_reason, report.reviewed_by) == (
            ReviewState.RETURNED,
            "请补充工作量。",
            carol,
        )
        assert reload(measure_a).progress == 10  # a returned report changes nothing on the measure

    def test_a_returned_report_is_edited_and_submitted_again(self, alice, carol, measure_a):
        report = write(alice, measure_a, submit=True)
        services.progress_report_return(user=carol, report=report, reason="请补充工作量。")

        services.progress_report_update(user=alice, report=report, text="已补充工作量。", progress=45, submit=True)

        reload(report)
        assert (report.state, report.text, report.progress, report.return_reason) == (
            ReviewState.SUBMITTED,
            "已补充工作量。",
            45,
            "",
        )

    def test_a_returned_report_saved_as_draft_keeps_its_reason(self, alice, carol, measure_a):
        report = write(alice, measure_a, submit=True)
        services.progress_report_return(user=carol, report=report, reason="请补充工作量。")

        services.progress_report_update(user=alice, report=report, text="修改中", progress=45)

        assert (reload(report).state, report.return_reason) == (ReviewState.RETURNED, "请补充工作量。")

    def test_a_draft_is_not_waiting_for_review(self, alice, carol, measure_a):
        report = write(alice, measure_a)

        with pytest.raises(ValidationError):
            services.progress_report_accept(user=carol, report=report)
        assert reload(report).state == ReviewState.DRAFT

    @pytest.mark.parametrize("second", ["accept", "return"])
    def test_a_report_is_reviewed_only_once(self, alice, carol, measure_a, second):
        report = accept(carol, alice, measure_a)

        with pytest.raises(ValidationError):
            if second == "accept":
                services.progress_report_accept(user=carol, report=report)
            else:
                services.progress_report_return(user=carol, report=report, reason="再看看")
        assert reload(report).state == ReviewState.ACCEPTED


# Attachments -------------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("tmp_media")
class TestAttachments:
    def test_a_real_pdf_is_kept_with_its_name_and_size(self, alice, measure_a):
        report = write(alice, measure_a, attachments=[pdf_upload("五月进度.pdf")])

        attachment = report.attachments.get()
        assert (attachment.original_name, attachment.size, attachment.uploaded_by) == (
            "五月进度.pdf",
            len(PDF_BYTES),
            alice,
        )
        with attachment.file.open("rb") as stored:
            assert stored.read() == PDF_BYTES

    @pytest.mark.parametrize(
        "name, content",
        [
            pytest.param("进度.pdf", b"just some text, not a PDF", id="a .pdf that is really text"),
            pytest.param("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", id="a program"),
            pytest.param("进度.docx", b"PK\x03\x04 not really a zip", id="a damaged office file"),
        ],
    )
    def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_written(
        self, alice, measure_a, tmp_media, name, content
    ):
        with pytest.raises(ValidationError):
            write(alice, measure_a, attachments=[upload(name, content)], problems=[services.Problem("land", "征地")])

        # The report row was saved before the files were checked: the transaction took it back.
        assert not ProgressReport.objects.exists()
        assert not ReportProblem.objects.exists()
        assert not ReportAttachment.objects.exists()
        assert not tmp_media.exists() or not any(tmp_media.rglob("*.*"))

    def test_an_oversize_file_is_refused_and_nothing_is_written(self, alice, measure_a, settings):
        settings.ATTACHMENT_MAX_BYTES = len(PDF_BYTES) - 1

        with pytest.raises(ValidationError):
            write(alice, measure_a, attachments=[pdf_upload()])

        assert not ProgressReport.objects.exists()

    def test_one_bad_file_among_good_ones_refuses_them_all(self, alice, measure_a):
        with pytest.raises(ValidationError):
            write(alice, measure_a, attachments=[pdf_upload("好.pdf"), upload("坏.pdf", b"text")])

        assert not ReportAttachment.objects.exists()

    def test_a_refused_file_leaves_the_report_being_edited_unchanged(self, alice, measure_a):
        report = write(alice, measure_a, problems=[services.Problem("land", "征地")])

        with pytest.raises(ValidationError):
            services.progress_report_update(
                user=alice, report=report, text="改过", progress=90, attachments=[upload("a.exe", b"MZ")], submit=True
            )

        reload(report)
        assert (report.text, report.progress, report.state) == ("本月按计划推进。", 40, ReviewState.DRAFT)
        assert list(report.problems.values_list("description", flat=True)) == ["征地"]


# Measures ----------------------------------------------------------------------------------------------------------


class TestMeasures:
    def test_the_lead_unit_changes_target_dates_and_status(self, alice, measure_a):
        services.measure_update(
            user=alice,
            measure=measure_a,
            target="年底完成",
            due_date=datetime.date(2021, 3, 31),
            status=MeasureStatus.LAGGING,
        )

        reload(measure_a)
        assert (measure_a.target, measure_a.due_date, measure_a.status) == (
            "年底完成",
            datetime.date(2021, 3, 31),
            MeasureStatus.LAGGING,
        )

    def test_a_due_date_before_the_start_is_refused(self, alice, measure_a):
        with pytest.raises(ValidationError):
            services.measure_update(user=alice, measure=measure_a, due_date=datetime.date(2020, 3, 1))

        assert reload(measure_a).due_date == datetime.date(2020, 12, 31)

    def test_only_administrators_change_the_plans_own_facts(self, alice, admin_user, measure_a):
        with pytest.raises(ValidationError) as refused:
            services.measure_update(user=alice, measure=measure_a, progress=100)
        assert set(refused.value.message_dict) == {"progress"}
        with pytest.raises(ValueError):
            services.measure_update(user=alice, measure=measure_a, is_supervised=True)  # not a field set here
        services.measure_update(user=admin_user, measure=measure_a, progress=100)
        assert reload(measure_a).progress == 100

    @staticmethod
    def add_measure(user, beside: Measure, **values) -> Measure:
        """A measure number 99 in the key task of ``beside``, led by its unit."""
        values = {"title": "新增举措", "text": "新增举措。", "lead_unit": beside.lead_unit, **values}
        return services.measure_create(user=user, key_task=beside.key_task, number=99, **values)

    def test_administrators_add_a_measure_with_its_cooperating_units(self, admin_user, measure_a, unit_b):
        measure = self.add_measure(
            admin_user,
            measure_a,
            start_date=datetime.date(2020, 3, 1),
            due_date=datetime.date(2020, 10, 31),
            status=MeasureStatus.NOT_STARTED,
            cooperating_units=[unit_b],
        )
        assert reload(measure).title == "新增举措"
        assert list(measure.cooperating_units.all()) == [unit_b]
        assert LogEntry.objects.get_for_object(measure).filter(actor=admin_user).exists()

    def test_staff_may_not_add_measures(self, alice, measure_a):
        with pytest.raises(PermissionDenied):
            self.add_measure(alice, measure_a)
        assert not Measure.objects.filter(number=99).exists()

    def test_a_new_measure_due_before_it_starts_is_refused_under_the_due_date(self, admin_user, measure_a):
        with pytest.raises(ValidationError) as refused:
            self.add_measure(
                admin_user, measure_a, start_date=datetime.date(2020, 6, 1), due_date=datetime.date(2020, 5, 1)
            )
        assert set(refused.value.message_dict) == {"due_date"}
        assert not Measure.objects.filter(number=99).exists()

    def test_a_leader_puts_a_measure_under_supervision_and_ends_it(self, leo, measure_a):
        services.measure_supervise(user=leo, measure=measure_a, note=" 每周报送进展 ")

        reload(measure_a)
        assert (measure_a.is_supervised, measure_a.supervised_by, measure_a.supervision_note) == (
            True,
            leo,
            "每周报送进展",
        )

        services.measure_end_supervision(user=leo, measure=measure_a)

        reload(measure_a)
        assert (measure_a.supervised_at, measure_a.supervised_by, measure_a.supervision_note) == (None, None, "")

    def test_supervision_needs_a_note_of_what_is_expected(self, leo, measure_a):
        with pytest.raises(ValidationError) as refused:
            services.measure_supervise(user=leo, measure=measure_a, note="  ")
        assert set(refused.value.message_dict) == {"note"}
        assert not reload(measure_a).is_supervised

    @time_machine.travel(datetime.datetime(2020, 9, 10, 3, tzinfo=datetime.UTC))
    def test_a_leader_adds_to_the_note_later_with_a_dated_line(self, leo, measure_a):
        services.measure_supervise(user=leo, measure=measure_a, note="9月底前完成征拆")
        services.measure_supervision_note_add(user=leo, measure=measure_a, text=" 延至10月15日 ")
        assert reload(measure_a).supervision_note == f"9月底前完成征拆\n2020-09-10 {leo}：延至10月15日"
        entry = LogEntry.objects.get_for_object(measure_a).order_by("-pk").first()
        assert entry.actor == leo and "supervision_note" in entry.changes_dict

    def test_the_note_of_a_measure_not_supervised_takes_nothing(self, leo, measure_a):
        with pytest.raises(ValidationError):
            services.measure_supervision_note_add(user=leo, measure=measure_a, text="补充")
        assert reload(measure_a).supervision_note == ""

    def test_a_note_over_the_cap_is_refused_and_the_note_kept(self, leo, measure_a):
        services.measure_supervise(user=leo, measure=measure_a, note="按期完成")
        with pytest.raises(ValidationError):
            services.measure_supervision_note_add(user=leo, measure=measure_a, text="长" * 2000)
        assert reload(measure_a).supervision_note == "按期完成"

    def test_a_leader_comments(self, leo, measure_a):
        comment = services.measure_comment_add(user=leo, measure=measure_a, text=" 请加快进度。 ")

        assert list(measure_a.comments.values_list("author", "text")) == [(leo.pk, "请加快进度。")]
        assert comment.created_at is not None

    def test_an_empty_comment_is_refused(self, leo, measure_a):
        with pytest.raises(ValidationError):
            services.measure_comment_add(user=leo, measure=measure_a, text="   ")

        assert not measure_a.comments.exists()

    def test_the_lead_unit_adds_a_checkpoint_and_marks_it_done(self, alice, measure_a):
        checkpoint = services.checkpoint_create(
            user=alice, measure=measure_a, title=" 完成初稿 ", due_date=datetime.date(2020, 6, 30)
        )
        assert (reload(checkpoint).title, checkpoint.done_on) == ("完成初稿", None)

        with time_machine.travel(datetime.datetime(2020, 6, 28, 9, tzinfo=datetime.UTC), tick=False):
            services.checkpoint_mark_done(user=alice, checkpoint=checkpoint)

        assert reload(checkpoint).done_on == datetime.date(2020, 6, 28)

    def test_a_checkpoint_is_marked_done_on_a_given_day(self, alice, measure_a):
        checkpoint = CheckpointFactory(measure=measure_a)

        services.checkpoint_mark_done(user=alice, checkpoint=checkpoint, done_on=datetime.date(2020, 7, 2))

        assert reload(checkpoint).done_on == datetime.date(2020, 7, 2)


# Plans from text ---------------------------------------------------------------------------------------------------


@pytest.fixture
def seed():
    text = SEED.read_text(encoding="utf-8")
    return text, parse_plan(text)


def create_plan(user, seed, year=2021):
    text, parsed = seed
    return services.work_plan_create_from_text(
        user=user, parsed=parsed, year=year, title=f"{year}年工作计划", source_text=text
    )


class TestPlanFromText:
    def test_an_administrator_creates_the_plan_its_key_tasks_and_measures(self, admin_user, seed):
        plan = create_plan(admin_user, seed)

        assert (plan.year, plan.title, plan.published) == (2021, "2021年工作计划", False)
        assert list(plan.key_tasks.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
        assert [task.measures.count() for task in plan.key_tasks.all()] == [4, 4, 4, 5, 5]
        measure = Measure.objects.get(key_task__plan=plan, key_task__number=4, number=5)
        assert measure.text.startswith("继续做好铁路安全环境整治工作")

    def test_a_second_plan_for_the_same_year_is_refused(self, admin_user, seed):
        create_plan(admin_user, seed)

        with pytest.raises(ValidationError) as excinfo:
            create_plan(admin_user, seed)

        assert "year" in excinfo.value.error_dict
        assert (WorkPlan.objects.count(), KeyTask.objects.count(), Measure.objects.count()) == (1, 5, 22)


# Overdue: derived from the due date and the status, never stored ---------------------------------------------------

DUE = datetime.date(2020, 6, 30)


@pytest.fixture
def due_measures(db):
    """One measure of each status due on DUE, and one open measure without a due date."""
    measures = {status: MeasureFactory(status=status, due_date=DUE) for status in MeasureStatus.values}
    measures["no due date"] = MeasureFactory(status=MeasureStatus.IN_PROGRESS, due_date=None)
    return measures


def overdue_on(today) -> set:
    return set(Measure.objects.overdue(today).values_list("pk", flat=True))


class TestOverdue:
    def test_nothing_is_overdue_on_its_due_date(self, due_measures):
        assert overdue_on(DUE) == set()

    def test_open_measures_are_overdue_the_day_after(self, due_measures):
        open_ones = {due_measures[status].pk for status in MeasureStatus.open()}

        assert overdue_on(DUE + datetime.timedelta(days=1)) == open_ones

    @pytest.mark.parametrize("status", [MeasureStatus.COMPLETED, MeasureStatus.CANCELLED])
    def test_completed_and_cancelled_measures_are_never_overdue(self, due_measures, status):
        later = datetime.date(2030, 1, 1)

        assert due_measures[status].pk not in overdue_on(later)
        assert not Measure.objects.with_overdue(later).get(pk=due_measures[status].pk).overdue

    def test_a_measure_without_a_due_date_is_never_overdue(self, due_measures):
        assert due_measures["no due date"].pk not in overdue_on(datetime.date(2030, 1, 1))

    def test_the_annotation_agrees_with_the_filter(self, due_measures):
        today = DUE + datetime.timedelta(days=1)
        annotated = {measure.pk for measure in Measure.objects.with_overdue(today) if measure.overdue}

        assert annotated == overdue_on(today)

    @pytest.mark.parametrize(
        "now, overdue",
        [
            (datetime.datetime(2020, 6, 30, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), False),
            (datetime.datetime(2020, 7, 1, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), True),
        ],
        ids=["last evening of the due date", "first morning after, Beijing time"],
    )
    def test_the_property_and_the_default_today_follow_the_clock_in_beijing_time(self, due_measures, now, overdue):
        measure = due_measures[MeasureStatus.IN_PROGRESS]

        with time_machine.travel(now, tick=False):
            assert measure.is_overdue is overdue
            assert (measure.pk in overdue_on(None)) is overdue
            assert Measure.objects.with_overdue().get(pk=measure.pk).overdue is overdue

    def test_the_property_ignores_closed_and_undated_measures(self, due_measures):
        with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC), tick=False):
            assert not due_measures[MeasureStatus.COMPLETED].is_overdue
            assert not due_measures[MeasureStatus.CANCELLED].is_overdue
            assert not due_measures["no due date"].is_overdue
            assert due_measures[MeasureStatus.LAGGING].is_overdue
