"""Who may do what, through every door: the pages, the admin site and the services themselves.

Each refusal has its positive control next to it, so that a test proves the rule and not a broken page.
An object outside what the user may reach is a 404 (no leak); an action the user's role does not allow on an
object they may see is a 403.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.choices import ReviewState
from plans import services
from plans.models import Checkpoint, Measure, MeasureComment, ProgressReport
from plans.parsing import parse_plan
from tests.factories import CheckpointFactory, ProgressReportFactory, ReportAttachmentFactory

pytestmark = pytest.mark.django_db

NEW_DUE = "2021-06-30"


def url(name: str, obj) -> str:
    return reverse(f"plans:{name}", args=[obj.pk])


def edit_data(**changes) -> dict:
    return {"target": "新目标", "start_date": "2020-04-01", "due_date": NEW_DUE, "status": "in_progress", **changes}


def report_data(**changes) -> dict:
    """A new report as the form posts it, without problems."""
    return {
        "month": "2020-05",
        "progress": "50",
        "text": "本月完成初稿。",
        "problems-TOTAL_FORMS": "0",
        "problems-INITIAL_FORMS": "0",
        "save": "",
        **changes,
    }


def reload(obj):
    obj.refresh_from_db()
    return obj


# Pages: measures ---------------------------------------------------------------------------------------------------


class TestMeasurePages:
    def test_alice_opens_the_edit_page_of_her_units_measure(self, login, alice, measure_a):
        assert login(alice).get(url("measure_edit", measure_a)).status_code == 200

    def test_alice_cannot_open_the_edit_page_of_unit_bs_measure(self, login, alice, measure_b):
        assert login(alice).get(url("measure_edit", measure_b)).status_code == 404

    def test_alice_saves_her_units_measure(self, login, alice, measure_a):
        assert login(alice).post(url("measure_edit", measure_a), edit_data()).status_code == 302
        assert str(reload(measure_a).due_date) == NEW_DUE

    def test_alice_cannot_post_an_edit_of_unit_bs_measure(self, login, alice, measure_b):
        assert login(alice).post(url("measure_edit", measure_b), edit_data()).status_code == 404
        assert reload(measure_b).due_date == datetime.date(2020, 12, 31)

    def test_leo_cannot_edit_a_measure(self, login, leo, measure_a):
        assert login(leo).get(url("measure_edit", measure_a)).status_code == 404
        assert login(leo).post(url("measure_edit", measure_a), edit_data()).status_code == 404

    def test_the_administrator_edits_any_measure(self, login, admin_user, measure_b):
        assert login(admin_user).post(url("measure_edit", measure_b), edit_data()).status_code == 302
        assert str(reload(measure_b).due_date) == NEW_DUE

    def test_everybody_reads_every_measure(self, login, bob, measure_a):
        assert login(bob).get(url("measure_detail", measure_a)).status_code == 200

    def test_anonymous_visitors_are_sent_to_log_in(self, client, measure_a):
        response = client.get(url("measure_detail", measure_a))

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


class TestCheckpointPages:
    def test_alice_adds_a_checkpoint_to_her_units_measure(self, login, alice, measure_a):
        response = login(alice).post(url("checkpoint_add", measure_a), {"title": "初稿", "due_date": "2020-06-30"})

        assert response.status_code == 302
        assert measure_a.checkpoints.count() == 1

    def test_alice_cannot_add_a_checkpoint_to_unit_bs_measure(self, login, alice, measure_b):
        response = login(alice).post(url("checkpoint_add", measure_b), {"title": "初稿", "due_date": "2020-06-30"})

        assert response.status_code == 404
        assert not Checkpoint.objects.exists()

    def test_alice_marks_her_units_checkpoint_done(self, login, alice, measure_a):
        checkpoint = CheckpointFactory(measure=measure_a)

        assert login(alice).post(url("checkpoint_done", checkpoint)).status_code == 302
        assert reload(checkpoint).done_on is not None

    def test_alice_cannot_mark_unit_bs_checkpoint_done(self, login, alice, measure_b):
        checkpoint = CheckpointFactory(measure=measure_b)

        assert login(alice).post(url("checkpoint_done", checkpoint)).status_code == 404
        assert reload(checkpoint).done_on is None


class TestLeaderPages:
    def test_leo_comments(self, login, leo, measure_a):
        assert login(leo).post(url("measure_comment", measure_a), {"text": "请加快。"}).status_code == 302
        assert measure_a.comments.filter(author=leo).exists()

    def test_alice_cannot_comment(self, login, alice, measure_a):
        assert login(alice).post(url("measure_comment", measure_a), {"text": "请加快。"}).status_code == 403
        assert not MeasureComment.objects.exists()

    def test_leo_puts_a_measure_under_supervision(self, login, leo, measure_a):
        assert login(leo).post(url("measure_supervision", measure_a), {"note": "每周报送"}).status_code == 302
        assert reload(measure_a).supervised_by == leo

    def test_the_page_refuses_supervision_without_a_note_and_takes_additions(self, login, leo, alice, measure_a):
        client = login(leo)
        response = client.post(url("measure_supervision", measure_a), {"note": ""}, follow=True)
        assert not reload(measure_a).is_supervised
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        client.post(url("measure_supervision", measure_a), {"note": "月底前完成"})
        client.post(url("measure_supervision", measure_a), {"action": "note", "note": "延期一周"})
        assert reload(measure_a).supervision_note.endswith("延期一周")
        page = client.get(measure_a.get_absolute_url()).text
        assert 'id="supervision-note-form"' in page
        assert (
            login(alice).post(url("measure_supervision", measure_a), {"action": "note", "note": "x"}).status_code == 403
        )
        assert not reload(measure_a).supervision_note.endswith("x")

    def test_alice_cannot_put_a_measure_under_supervision(self, login, alice, measure_a):
        assert login(alice).post(url("measure_supervision", measure_a), {"note": "每周报送"}).status_code == 403
        assert not reload(measure_a).is_supervised

    def test_alice_cannot_end_a_supervision(self, login, alice, leo, measure_a):
        services.measure_supervise(user=leo, measure=measure_a, note="每周报送")

        response = login(alice).post(url("measure_supervision", measure_a), {"action": "end"})

        assert response.status_code == 403
        assert reload(measure_a).is_supervised


# Pages: reports ----------------------------------------------------------------------------------------------------


class TestReportPages:
    def test_alice_opens_the_report_form_of_her_units_measure(self, login, alice, measure_a):
        assert login(alice).get(url("report_create", measure_a)).status_code == 200

    def test_alice_cannot_open_the_report_form_of_unit_bs_measure(self, login, alice, measure_b):
        assert login(alice).get(url("report_create", measure_b)).status_code == 404

    def test_alice_cannot_post_a_report_on_unit_bs_measure(self, login, alice, measure_b):
        assert login(alice).post(url("report_create", measure_b), report_data()).status_code == 404
        assert not ProgressReport.objects.exists()

    def test_leo_cannot_write_a_report(self, login, leo, measure_a):
        assert login(leo).get(url("report_create", measure_a)).status_code == 404
        assert login(leo).post(url("report_create", measure_a), report_data()).status_code == 404
        assert not ProgressReport.objects.exists()

    def test_alice_and_carol_read_their_units_draft(self, login, alice, carol, draft_a):
        assert login(alice).get(url("report_detail", draft_a)).status_code == 200
        assert login(carol).get(url("report_detail", draft_a)).status_code == 200

    def test_bob_cannot_see_unit_as_draft(self, login, bob, draft_a):
        assert login(bob).get(url("report_detail", draft_a)).status_code == 404

    def test_leo_cannot_see_unit_as_draft(self, login, leo, draft_a):
        assert login(leo).get(url("report_detail", draft_a)).status_code == 404

    def test_leo_reads_a_submitted_report(self, login, leo, submitted_a):
        assert login(leo).get(url("report_detail", submitted_a)).status_code == 200

    def test_bob_cannot_see_unit_as_submitted_report(self, login, bob, submitted_a):
        assert login(bob).get(url("report_detail", submitted_a)).status_code == 404

    def test_bob_reads_unit_as_accepted_report(self, login, bob, measure_a):
        accepted = ProgressReportFactory(measure=measure_a, submitted=True, state=ReviewState.ACCEPTED)

        assert login(bob).get(url("report_detail", accepted)).status_code == 200

    def test_bob_cannot_edit_or_submit_unit_as_draft(self, login, bob, draft_a):
        client = login(bob)

        assert client.get(url("report_edit", draft_a)).status_code == 404
        assert client.post(url("report_edit", draft_a), report_data(text="改")).status_code == 404
        assert client.post(url("report_submit", draft_a)).status_code == 404
        assert (reload(draft_a).state, draft_a.text) == (ReviewState.DRAFT, "本月按计划推进。")

    def test_alice_edits_and_submits_her_units_draft(self, login, alice, draft_a):
        client = login(alice)

        assert client.get(url("report_edit", draft_a)).status_code == 200
        assert client.post(url("report_submit", draft_a)).status_code == 302
        assert reload(draft_a).state == ReviewState.SUBMITTED

    def test_alice_cannot_edit_a_submitted_report(self, login, alice, submitted_a):
        assert login(alice).get(url("report_edit", submitted_a)).status_code == 404


class TestReviewPages:
    def test_carol_accepts_her_units_report(self, login, carol, submitted_a):
        response = login(carol).post(url("report_review", submitted_a), {"decision": "accept"})

        assert response.status_code == 302
        assert reload(submitted_a).state == ReviewState.ACCEPTED

    @pytest.mark.parametrize("decision", ["accept", "return"])
    def test_alice_cannot_review_her_own_units_report(self, login, alice, submitted_a, decision):
        response = login(alice).post(url("report_review", submitted_a), {"decision": decision, "reason": "不行"})

        assert response.status_code == 404
        assert reload(submitted_a).state == ReviewState.SUBMITTED

    @pytest.mark.parametrize("decision", ["accept", "return"])
    def test_dave_cannot_review_unit_as_report(self, login, dave, submitted_a, decision):
        response = login(dave).post(url("report_review", submitted_a), {"decision": decision, "reason": "不行"})

        assert response.status_code == 404
        assert reload(submitted_a).state == ReviewState.SUBMITTED

    def test_leo_cannot_review(self, login, leo, submitted_a):
        assert login(leo).post(url("report_review", submitted_a), {"decision": "accept"}).status_code == 404
        assert reload(submitted_a).state == ReviewState.SUBMITTED

    def test_carol_opens_the_review_queue(self, login, carol):
        assert login(carol).get(reverse("plans:review_queue")).status_code == 200

    @pytest.mark.parametrize("persona", ["alice", "leo"])
    def test_staff_and_leaders_cannot_open_the_review_queue(self, request, login, persona):
        user = request.getfixturevalue(persona)

        assert login(user).get(reverse("plans:review_queue")).status_code == 403

    def test_daves_queue_does_not_list_unit_as_report(self, login, dave, submitted_a):
        response = login(dave).get(reverse("plans:review_queue"))

        assert list(response.context["page_obj"]) == []


class TestPlanImportPage:
    def test_the_administrator_opens_the_plan_text_import(self, login, admin_user):
        assert login(admin_user).get(reverse("plans:plan_import_text")).status_code == 200

    @pytest.mark.parametrize("persona", ["alice", "carol", "leo"])
    def test_nobody_else_opens_the_plan_text_import(self, request, login, persona):
        client = login(request.getfixturevalue(persona))

        assert client.get(reverse("plans:plan_import_text")).status_code == 403
        assert (
            client.post(reverse("plans:plan_import_text"), {"year": 2021, "text": "1.任务。一是举措。"}).status_code
            == 403
        )


@pytest.mark.usefixtures("tmp_media")
class TestAttachmentDownload:
    def test_alice_downloads_her_units_draft_attachment(self, login, alice, draft_a):
        attachment = ReportAttachmentFactory(report=draft_a)

        response = login(alice).get(url("attachment_download", attachment))

        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

    def test_bob_cannot_download_unit_as_draft_attachment(self, login, bob, draft_a):
        attachment = ReportAttachmentFactory(report=draft_a)

        assert login(bob).get(url("attachment_download", attachment)).status_code == 404


# The admin site: administrators only -------------------------------------------------------------------------------


def admin_change_url(measure) -> str:
    return reverse("admin:plans_measure_change", args=[measure.pk])


class TestAdminSite:
    def test_the_administrator_opens_a_measure_in_the_admin(self, login, admin_user, measure_a):
        assert login(admin_user).get(admin_change_url(measure_a)).status_code == 200

    @pytest.mark.parametrize("persona", ["alice", "carol", "leo"])
    def test_nobody_else_gets_into_the_admin(self, request, login, measure_a, persona):
        response = login(request.getfixturevalue(persona)).get(admin_change_url(measure_a))

        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))

    @pytest.mark.parametrize("persona", ["alice", "carol", "leo"])
    def test_a_post_to_the_admin_by_anyone_else_changes_nothing(self, request, login, measure_a, persona):
        client = login(request.getfixturevalue(persona))

        response = client.post(admin_change_url(measure_a), {"title": "改掉", "text": "改掉", "progress": "100"})

        assert response.status_code == 302
        assert (reload(measure_a).title, measure_a.progress) == ("做好规划编制", 10)


# The services themselves: the same rules for every door ------------------------------------------------------------


def refused(call, **kwargs):
    with pytest.raises(PermissionDenied):
        call(**kwargs)


class TestServicesRefuse:
    def test_alice_may_not_update_unit_bs_measure(self, alice, measure_b):
        refused(services.measure_update, user=alice, measure=measure_b, target="改")
        assert reload(measure_b).target == ""

    def test_leo_may_not_update_a_measure(self, leo, measure_a):
        refused(services.measure_update, user=leo, measure=measure_a, target="改")

    def test_the_administrator_updates_any_measure(self, admin_user, measure_b):
        services.measure_update(user=admin_user, measure=measure_b, target="改")
        assert reload(measure_b).target == "改"

    def test_alice_may_not_supervise_end_supervision_or_comment(self, alice, measure_a):
        refused(services.measure_supervise, user=alice, measure=measure_a, note="")
        refused(services.measure_supervision_note_add, user=alice, measure=measure_a, text="补充")
        refused(services.measure_end_supervision, user=alice, measure=measure_a)
        refused(services.measure_comment_add, user=alice, measure=measure_a, text="批示")
        assert not reload(measure_a).is_supervised
        assert not measure_a.comments.exists()

    def test_carol_as_a_unit_head_may_not_comment_either(self, carol, measure_a):
        refused(services.measure_comment_add, user=carol, measure=measure_a, text="批示")

    def test_the_administrator_comments(self, admin_user, measure_a):
        services.measure_comment_add(user=admin_user, measure=measure_a, text="批示")
        assert measure_a.comments.count() == 1

    def test_bob_may_not_add_or_finish_unit_as_checkpoints(self, bob, measure_a):
        checkpoint = CheckpointFactory(measure=measure_a)

        refused(
            services.checkpoint_create, user=bob, measure=measure_a, title="节点", due_date=datetime.date(2020, 6, 1)
        )
        refused(services.checkpoint_mark_done, user=bob, checkpoint=checkpoint)
        assert measure_a.checkpoints.count() == 1
        assert reload(checkpoint).done_on is None

    @pytest.mark.parametrize("persona", ["bob", "dave", "leo"])
    def test_only_the_lead_unit_writes_reports(self, request, measure_a, persona):
        user = request.getfixturevalue(persona)

        refused(
            services.progress_report_create,
            user=user,
            measure=measure_a,
            month=datetime.date(2020, 5, 1),
            text="x",
            progress=1,
        )
        assert not ProgressReport.objects.exists()

    def test_carol_as_a_head_of_the_lead_unit_writes_reports(self, carol, measure_a):
        report = services.progress_report_create(
            user=carol, measure=measure_a, month=datetime.date(2020, 5, 1), text="x", progress=1
        )
        assert report.author == carol

    def test_bob_may_not_change_or_submit_unit_as_draft(self, bob, draft_a):
        refused(services.progress_report_update, user=bob, report=draft_a, text="改", progress=99)
        refused(services.progress_report_submit, user=bob, report=draft_a)
        assert (reload(draft_a).state, draft_a.progress) == (ReviewState.DRAFT, 40)

    def test_alice_may_not_change_a_submitted_report(self, alice, submitted_a):
        refused(services.progress_report_update, user=alice, report=submitted_a, text="改", progress=99)
        assert reload(submitted_a).progress == 40

    @pytest.mark.parametrize("persona", ["alice", "dave", "leo"])
    def test_only_the_lead_units_head_reviews(self, request, submitted_a, persona):
        user = request.getfixturevalue(persona)

        refused(services.progress_report_accept, user=user, report=submitted_a)
        refused(services.progress_report_return, user=user, report=submitted_a, reason="不行")
        assert reload(submitted_a).state == ReviewState.SUBMITTED

    def test_dave_may_not_review_unit_as_draft_he_cannot_see(self, dave, draft_a):
        refused(services.progress_report_accept, user=dave, report=draft_a)
        assert reload(draft_a).state == ReviewState.DRAFT

    def test_the_administrator_reviews_any_submitted_report(self, admin_user, submitted_a):
        services.progress_report_accept(user=admin_user, report=submitted_a)
        assert reload(submitted_a).state == ReviewState.ACCEPTED

    @pytest.mark.parametrize("persona", ["alice", "carol", "leo"])
    def test_only_administrators_create_plans_from_text(self, request, persona):
        user = request.getfixturevalue(persona)
        parsed = parse_plan("2021年工作计划\n1.任务。一是举措。")

        refused(services.work_plan_create_from_text, user=user, parsed=parsed, year=2021, title="t", source_text="")
        assert not Measure.objects.filter(key_task__plan__year=2021).exists()
