"""Workflow events (issue 14): each reaches exactly its recipients (another unit's staff never), at most once under a
retried dispatch and repeated sweeps; a write with the broker down still commits and the sweep delivers it later;
the import path tells the job's owner.

Personas (tests/personas.py): alice staff and carol head of unit A; bob staff and dave head of unit B, which
supervises safety; leo the bureau leader; eve staff of unit C (no part in anything here)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from kombu.exceptions import OperationalError

from core.imports.choices import JobState
from core.models import ImportJob
from events import dispatch, tasks
from events.choices import EventKind
from events.models import Event
from organisation.models import User
from plans import services as plans_services
from plans.models import KeyTask
from projects import services as projects_services
from reminders.models import Notification
from reminders.selectors import bell_lines
from safety import services as safety_services
from safety.choices import HazardLevel, HazardStatus, PhotoKind
from tests.core.test_import_jobs import lagging_file
from tests.factories import KeyTaskFactory, MeasureFactory, UnitFactory, UserFactory, WorkPlanFactory
from tests.projects.factories import MonthlyProgressFactory, ProjectFactory
from tests.safety.factories import HazardFactory, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def everybody(alice, carol, bob, dave, leo, admin_user):
    unit_c = UnitFactory(name="运输管理科")
    eve = UserFactory(username="eve", unit=unit_c)
    head_c = UserFactory(username="frank", unit=unit_c, role=User.Role.UNIT_HEAD)
    return {p.username: p for p in (alice, carol, bob, dave, leo, admin_user, eve, head_c)}


def told(kind) -> dict[str, int]:
    """Username → notifications of events of ``kind``."""
    rows = Notification.objects.filter(event__kind=kind).values_list("recipient__username", flat=True)
    counts: dict[str, int] = {}
    for name in rows:
        counts[name] = counts.get(name, 0) + 1
    return counts


# Reviews: plans' progress reports and projects' monthly progress --------------------------------------------------


def test_a_submitted_report_reaches_its_units_head_only_and_its_return_and_acceptance_its_author(
    run, everybody, alice, carol, draft_a
):
    run(plans_services.progress_report_submit, user=alice, report=draft_a)
    assert told(EventKind.REPORT_SUBMITTED) == {"carol": 1}  # not alice (four eyes), nor unit B's head dave
    run(plans_services.progress_report_return, user=carol, report=draft_a, reason="数据有误")
    assert told(EventKind.REPORT_RETURNED) == {"alice": 1}
    assert "数据有误" in Notification.objects.get(event__kind=EventKind.REPORT_RETURNED).title
    run(plans_services.progress_report_submit, user=alice, report=draft_a)
    assert told(EventKind.REPORT_SUBMITTED) == {"carol": 2}  # a second occurrence, the same day, is told again
    run(plans_services.progress_report_accept, user=carol, report=draft_a)
    assert told(EventKind.REPORT_ACCEPTED) == {"alice": 1}


def test_a_report_submitted_at_once_from_the_form_is_told(run, everybody, alice, measure_a):
    run(
        plans_services.progress_report_create,
        user=alice,
        measure=measure_a,
        month=datetime.date(2020, 6, 1),
        text="已完成",
        progress=40,
        submit=True,
    )
    assert told(EventKind.REPORT_SUBMITTED) == {"carol": 1}


def test_a_draft_tells_nobody(run, everybody, alice, measure_a):
    run(
        plans_services.progress_report_create,
        user=alice,
        measure=measure_a,
        month=datetime.date(2020, 6, 1),
        text="草稿",
        progress=10,
    )
    assert not Event.objects.exists()


def test_monthly_progress_submitted_returned_accepted(run, everybody, alice, carol, unit_a):
    progress = MonthlyProgressFactory(project=ProjectFactory(responsible_unit=unit_a), author=alice)
    run(projects_services.progress_submit, user=alice, progress=progress)
    assert told(EventKind.PROGRESS_SUBMITTED) == {"carol": 1}
    run(projects_services.progress_return, user=carol, progress=progress, reason="投资额不符")
    assert told(EventKind.PROGRESS_RETURNED) == {"alice": 1}
    run(projects_services.progress_submit, user=alice, progress=progress)
    run(projects_services.progress_accept, user=carol, progress=progress)
    assert told(EventKind.PROGRESS_ACCEPTED) == {"alice": 1}
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"alice", "carol"}


# 督办 --------------------------------------------------------------------------------------------------------------


def test_supervision_placed_and_lifted_reach_the_lead_units_staff_and_head(run, everybody, leo, measure_a):
    run(plans_services.measure_supervise, user=leo, measure=measure_a, note="月底前完成")
    assert told(EventKind.SUPERVISION_PLACED) == {"alice": 1, "carol": 1}
    run(plans_services.measure_end_supervision, user=leo, measure=measure_a)
    assert told(EventKind.SUPERVISION_LIFTED) == {"alice": 1, "carol": 1}


def test_a_leaders_instruction_reaches_the_lead_units_staff_and_head(run, everybody, leo, measure_a):
    run(plans_services.measure_comment_add, user=leo, measure=measure_a, text="请加快进度，月底前报送")
    assert told(EventKind.INSTRUCTION_GIVEN) == {"alice": 1, "carol": 1}
    event = Event.objects.get(kind=EventKind.INSTRUCTION_GIVEN)
    assert "请加快进度，月底前报送" in event.title and event.unit_id == measure_a.lead_unit_id


def test_a_refused_instruction_tells_nobody(run, everybody, alice, measure_a):
    with pytest.raises(PermissionDenied):
        run(plans_services.measure_comment_add, user=alice, measure=measure_a, text="不是领导")
    assert not Event.objects.exists()


# Hazards -------------------------------------------------------------------------------------------------------------


def rectifying(unit, **fields):
    return HazardFactory(responsible_unit=unit, status=HazardStatus.RECTIFYING, **fields)


def test_a_reported_rectification_reaches_those_who_may_verify_it(run, everybody, alice, unit_a):
    hazard = rectifying(unit_a)
    run(safety_services.hazard_report_rectification, user=alice, hazard=hazard, note="已补齐应急锤")
    # the head of the responsible unit and the safety-supervising unit's members; never the reporter, unit C
    assert told(EventKind.RECTIFICATION_REPORTED) == {"carol": 1, "bob": 1, "dave": 1}
    assert not told(EventKind.SIGN_OFF_NEEDED)  # a general hazard


def test_a_major_hazard_needs_the_leaders_sign_off(run, everybody, alice, unit_a):
    hazard = rectifying(unit_a, level=HazardLevel.MAJOR, ever_major=True)
    run(safety_services.hazard_report_rectification, user=alice, hazard=hazard, note="已完成整改")
    assert told(EventKind.SIGN_OFF_NEEDED) == {"leo": 1}


def test_a_failed_verification_reaches_the_rectifier(run, everybody, alice, dave, unit_a, tmp_media):
    hazard = rectifying(unit_a)
    run(safety_services.hazard_report_rectification, user=alice, hazard=hazard, note="已补齐")
    run(safety_services.hazard_verify, user=dave, hazard=hazard, passed=False, note="未见整改照片")
    assert told(EventKind.VERIFICATION_FAILED) == {"alice": 1}
    assert "未见整改照片" in Notification.objects.get(event__kind=EventKind.VERIFICATION_FAILED).title
    assert hazard.photos.filter(kind=PhotoKind.VERIFICATION).count() == 0


def test_a_sign_off_tells_those_who_may_now_verify_and_rests_the_leaders_line(run, everybody, alice, leo, unit_a):
    hazard = rectifying(unit_a, level=HazardLevel.MAJOR, ever_major=True)
    run(safety_services.hazard_report_rectification, user=alice, hazard=hazard, note="已完成整改")
    run(safety_services.hazard_sign_off, user=leo, hazard=hazard, note="同意销号")
    assert told(EventKind.HAZARD_SIGNED_OFF) == {"carol": 1, "bob": 1, "dave": 1}  # not the leader, not alice
    assert bell_kinds(leo, resting=True) == {EventKind.SIGN_OFF_NEEDED}
    assert bell_kinds(everybody["dave"], resting=False) == {EventKind.HAZARD_SIGNED_OFF}  # still theirs to verify


def test_a_passed_verification_tells_the_unit_and_rests_the_verifiers_lines(
    run, everybody, alice, carol, bob, dave, unit_a, tmp_media
):
    hazard = rectifying(unit_a)
    run(safety_services.hazard_report_rectification, user=alice, hazard=hazard, note="已补齐")
    assert bell_kinds(bob, resting=False) == {EventKind.RECTIFICATION_REPORTED}
    run(safety_services.hazard_verify, user=dave, hazard=hazard, passed=True, note="已整改到位", photos=[png_upload()])
    assert told(EventKind.HAZARD_VERIFIED) == {"alice": 1, "carol": 1}  # not the verifier dave, not unit C
    for verifier in (carol, bob, dave):
        assert bell_kinds(verifier, resting=False) == set()
    assert bell_kinds(alice, resting=True) == {EventKind.HAZARD_VERIFIED}  # closed: it asks nothing more


def bell_kinds(user, *, resting: bool) -> set[str]:
    """The event kinds of ``user``'s bell lines that rest (folded away) or not."""
    lines = bell_lines(user).filter(resting=resting, event__isnull=False)
    return {line.event.kind for line in lines}


def test_a_refused_step_raises_nothing(run, everybody, bob, unit_a):
    hazard = rectifying(unit_a)
    with pytest.raises(PermissionDenied):  # unit B may not report unit A's
        run(safety_services.hazard_report_rectification, user=bob, hazard=hazard, note="越权")
    assert not Event.objects.exists()


# At most once ----------------------------------------------------------------------------------------------------


def test_a_retried_dispatch_and_repeated_sweeps_notify_once(run, everybody, alice, draft_a):
    run(plans_services.progress_report_submit, user=alice, report=draft_a)
    event = Event.objects.get()
    assert tasks.dispatch_event_task.apply(args=[event.pk]).get() == 0  # a retried task: already dispatched
    assert tasks.sweep_task.apply().get() == 0
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if its stamp were lost
    assert dispatch.dispatch() == 1 and dispatch.dispatch() == 0
    assert Notification.objects.filter(event=event).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_notify_once(everybody, alice, draft_a, monkeypatch):
    """A sweep holding an event (its row locked, in another connection) makes a second sweep skip it; once the
    first has dispatched it, there is nothing left to do."""
    monkeypatch.setattr(tasks.dispatch_event_task, "apply_async", broken_broker)  # only the sweeps dispatch
    plans_services.progress_report_submit(user=alice, report=draft_a)
    holding, release, results = threading.Event(), threading.Event(), []

    def first_sweep():
        try:
            with transaction.atomic():
                list(Event.objects.select_for_update())
                holding.set()
                release.wait(10)
            results.append(dispatch.dispatch())
        finally:
            connection.close()

    thread = threading.Thread(target=first_sweep)
    thread.start()
    assert holding.wait(10)
    assert dispatch.dispatch() == 0  # skip_locked: the held event is not dispatched twice
    release.set()
    thread.join(10)
    assert results == [1] and dispatch.dispatch() == 0
    assert told(EventKind.REPORT_SUBMITTED) == {"carol": 1}


def broken_broker(*args, **kwargs):
    raise OperationalError("Error 111 connecting to redis: Connection refused")


def test_with_the_broker_down_the_write_commits_and_the_sweep_delivers_later(
    everybody, alice, draft_a, monkeypatch, django_capture_on_commit_callbacks, caplog, eager
):
    monkeypatch.setattr(tasks.dispatch_event_task, "apply_async", broken_broker)
    with django_capture_on_commit_callbacks(execute=True):
        report = plans_services.progress_report_submit(user=alice, report=draft_a)  # does not raise
    report.refresh_from_db()
    assert report.state == "submitted"
    assert "could not queue the dispatch" in caplog.text
    assert Event.objects.filter(dispatched_at__isnull=True).count() == 1 and not Notification.objects.exists()
    monkeypatch.undo()
    assert tasks.sweep_task.apply().get() == 1  # the beat's sweep, once the broker is back
    assert told(EventKind.REPORT_SUBMITTED) == {"carol": 1}


def test_a_rolled_back_write_leaves_no_event(everybody, alice, draft_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        plans_services.progress_report_submit(user=alice, report=draft_a)
        raise RuntimeError("the request fails after the service")
    assert not Event.objects.exists()


def test_the_event_goes_into_the_daily_digest_of_those_with_an_address(run, everybody, alice, carol, draft_a):
    carol.email = "carol@jtj.example"
    carol.save(update_fields=["email"])
    run(plans_services.progress_report_submit, user=alice, report=draft_a)
    assert Notification.objects.get(recipient=carol).email_pending is True


def test_the_sweep_is_in_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    entry = PeriodicTask.objects.get(task="events.sweep")
    assert entry.enabled and entry.crontab.minute == "*"


# Imports -------------------------------------------------------------------------------------------------------------


@pytest.fixture
def unit_a_measures(unit_a, leo):
    task = KeyTaskFactory(plan=WorkPlanFactory(year=2021), number=1)
    return [MeasureFactory(key_task=task, number=n, lead_unit=unit_a, responsible_leader=leo) for n in range(1, 9)]


def test_an_import_job_tells_its_owner_when_checked_and_when_imported(
    eager, everybody, login, alice, unit_a_measures, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_ROWS = 5
    client = login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("plans:measure_import"),
            {"file": SimpleUploadedFile("measures.xlsx", lagging_file(unit_a_measures))},
        )
    job = ImportJob.objects.get()
    assert told(EventKind.IMPORT_FINISHED) == {"alice": 1}
    assert "请确认导入" in Notification.objects.get().title  # "confirm its import", in the site language
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert told(EventKind.IMPORT_FINISHED) == {"alice": 2}
    assert Notification.objects.filter(recipient=alice).latest("pk").url == job.get_absolute_url()
    assert not told(EventKind.IMPORT_FAILED)


def test_a_checked_file_with_problems_tells_its_owner_to_correct_it(
    eager, everybody, login, alice, unit_a_measures, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_ROWS = 5
    KeyTask.objects.update(number=7)  # the file's key task 1 is not in the plan: every row refused
    with django_capture_on_commit_callbacks(execute=True):
        login(alice).post(
            reverse("plans:measure_import"),
            {"file": SimpleUploadedFile("measures.xlsx", lagging_file(unit_a_measures))},
        )
    assert told(EventKind.IMPORT_FAILED) == {"alice": 1} and not told(EventKind.IMPORT_FINISHED)
