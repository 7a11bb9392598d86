"""The audit history: every write through the services and the admin site leaves a LogEntry naming the actor,
the time and the values before and after; the measure page and the admin site show it."""

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from plans import services
from plans.models import (
    Checkpoint,
    KeyTask,
    Measure,
    MeasureComment,
    ProgressReport,
    ReportAttachment,
    ReportProblem,
    WorkPlan,
)
from plans.parsing import parse_plan
from tests.factories import KeyTaskFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2020, 6, 5, 9, 30, tzinfo=datetime.UTC)
MAY = datetime.date(2020, 5, 1)


@pytest.fixture(autouse=True)
def fixed_time():
    with time_machine.travel(NOW, tick=False):
        yield


def entries(obj, action=None):
    found = LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")
    return list(found if action is None else found.filter(action=action))


def last_entry(obj, action=LogEntry.Action.UPDATE) -> LogEntry:
    return entries(obj, action)[-1]


def assert_by(entry: LogEntry, actor) -> None:
    assert entry.actor == actor
    assert entry.timestamp == NOW


# Through the services ----------------------------------------------------------------------------------------------


def test_a_measure_update_records_before_and_after(alice, measure_a):
    services.measure_update(user=alice, measure=measure_a, due_date=datetime.date(2021, 3, 31), target="年底完成")

    entry = last_entry(measure_a)
    assert_by(entry, alice)
    assert entry.changes_dict["due_date"] == ["2020-12-31", "2021-03-31"]
    assert entry.changes_dict["target"] == ["", "年底完成"]
    assert "updated_at" not in entry.changes_dict  # bookkeeping is left out


def write_report(author, measure):
    """A draft report with one problem, written through the service."""
    return services.progress_report_create(
        user=author,
        measure=measure,
        month=MAY,
        text="推进中",
        progress=30,
        problems=[services.Problem("land", "征地")],
    )


def test_writing_a_report_records_its_creation_and_its_problems(alice, measure_a):
    report = write_report(alice, measure_a)

    created = last_entry(report, LogEntry.Action.CREATE)
    assert_by(created, alice)
    assert created.changes_dict["progress"] == [None, 30]
    assert_by(last_entry(report.problems.get(), LogEntry.Action.CREATE), alice)


def test_replacing_a_reports_problems_records_their_deletion(alice, measure_a):
    report = write_report(alice, measure_a)
    problem = report.problems.get()

    services.progress_report_update(user=alice, report=report, text="推进中", progress=30)

    assert not ReportProblem.objects.exists()
    deleted = LogEntry.objects.get(action=LogEntry.Action.DELETE, object_pk=str(problem.pk))
    assert_by(deleted, alice)
    assert deleted.object_repr == str(problem)


def test_accepting_a_report_is_recorded_on_the_report_and_on_the_measure(alice, carol, measure_a):
    report = services.progress_report_create(user=alice, measure=measure_a, month=MAY, text="推进中", progress=60)
    services.progress_report_submit(user=alice, report=report)

    services.progress_report_accept(user=carol, report=report)

    on_report = last_entry(report)
    assert_by(on_report, carol)
    assert on_report.changes_dict["state"] == ["submitted", "accepted"]
    assert on_report.changes_dict["reviewed_by"] == [None, carol.pk]
    on_measure = last_entry(measure_a)
    assert_by(on_measure, carol)
    assert on_measure.changes_dict["progress"] == [10, 60]


def test_returning_a_report_records_the_reason(alice, carol, submitted_a):
    services.progress_report_return(user=carol, report=submitted_a, reason="请补充")

    entry = last_entry(submitted_a)
    assert_by(entry, carol)
    assert entry.changes_dict["return_reason"] == ["", "请补充"]


def test_checkpoints_comments_and_supervision_are_recorded(alice, leo, measure_a):
    checkpoint = services.checkpoint_create(user=alice, measure=measure_a, title="初稿", due_date=MAY)
    services.checkpoint_mark_done(user=alice, checkpoint=checkpoint)
    comment = services.measure_comment_add(user=leo, measure=measure_a, text="请加快")
    services.measure_supervise(user=leo, measure=measure_a, note="每周报送")

    assert_by(last_entry(checkpoint, LogEntry.Action.CREATE), alice)
    assert last_entry(checkpoint).changes_dict["done_on"] == [None, "2020-06-05"]
    assert_by(last_entry(comment, LogEntry.Action.CREATE), leo)
    supervision = last_entry(measure_a)
    assert_by(supervision, leo)
    assert supervision.changes_dict["supervision_note"] == ["", "每周报送"]


def test_a_plan_created_from_text_is_recorded_under_the_administrator(admin_user):
    parsed = parse_plan("2021年工作计划\n1.建设。一是修路。二是架桥。")

    plan = services.work_plan_create_from_text(user=admin_user, parsed=parsed, year=2021, title="计划", source_text="")

    assert_by(last_entry(plan, LogEntry.Action.CREATE), admin_user)
    for measure in Measure.objects.filter(key_task__plan=plan):
        assert_by(last_entry(measure, LogEntry.Action.CREATE), admin_user)
    assert_by(last_entry(KeyTask.objects.get(plan=plan), LogEntry.Action.CREATE), admin_user)


def test_a_refused_write_leaves_no_entry(alice, measure_a):
    before = LogEntry.objects.count()

    with pytest.raises(ValidationError):
        services.measure_update(user=alice, measure=measure_a, due_date=datetime.date(2019, 1, 1))

    assert LogEntry.objects.count() == before


# Through the admin site --------------------------------------------------------------------------------------------


def measure_admin_data(measure: Measure, **changes) -> dict:
    """The admin change form of a measure as the browser posts it back (no checkpoints in the inline)."""
    return {
        "key_task": measure.key_task_id,
        "number": measure.number,
        "title": measure.title,
        "text": measure.text,
        "lead_unit": measure.lead_unit_id or "",
        "cooperating_units": [unit.pk for unit in measure.cooperating_units.all()],
        "responsible_leader": measure.responsible_leader_id or "",
        "start_date": f"{measure.start_date:%Y-%m-%d}",
        "due_date": f"{measure.due_date:%Y-%m-%d}",
        "target": measure.target,
        "status": measure.status,
        "progress": measure.progress,
        "supervised_at_0": "",
        "supervised_at_1": "",
        "supervised_by": "",
        "supervision_note": "",
        "checkpoints-TOTAL_FORMS": "0",
        "checkpoints-INITIAL_FORMS": "0",
        "checkpoints-MIN_NUM_FORMS": "0",
        "checkpoints-MAX_NUM_FORMS": "1000",
        **changes,
    }


def admin_post(client, path: str, data: dict):
    response = client.post(path, data)
    errors = response.context["adminform"].form.errors if response.status_code == 200 else None
    assert response.status_code == 302, errors
    return response


def test_an_admin_change_records_before_and_after(login, admin_user, measure_a):
    path = reverse("admin:plans_measure_change", args=[measure_a.pk])

    admin_post(login(admin_user), path, measure_admin_data(measure_a, due_date="2021-01-31"))

    entry = last_entry(measure_a)
    assert_by(entry, admin_user)
    assert entry.changes_dict["due_date"] == ["2020-12-31", "2021-01-31"]


def test_an_admin_change_of_cooperating_units_is_recorded(login, admin_user, measure_a, unit_b):
    path = reverse("admin:plans_measure_change", args=[measure_a.pk])

    admin_post(login(admin_user), path, measure_admin_data(measure_a, cooperating_units=[unit_b.pk]))

    assert list(measure_a.cooperating_units.all()) == [unit_b]
    entry = last_entry(measure_a)
    assert_by(entry, admin_user)
    assert entry.changes_dict["cooperating_units"] == {"type": "m2m", "operation": "add", "objects": [str(unit_b)]}


def test_cooperating_units_removed_under_a_services_actor_are_recorded(alice, measure_a, unit_b):
    measure_a.cooperating_units.add(unit_b)

    with services.set_actor(alice):
        measure_a.cooperating_units.remove(unit_b)

    entry = last_entry(measure_a)
    assert_by(entry, alice)
    assert entry.changes_dict["cooperating_units"]["operation"] == "delete"


def test_an_admin_creation_is_recorded(login, admin_user, measure_a):
    plan = measure_a.key_task.plan

    admin_post(login(admin_user), reverse("admin:plans_keytask_add"), {"plan": plan.pk, "number": 9, "title": "新任务"})

    task = KeyTask.objects.get(number=9)
    entry = last_entry(task, LogEntry.Action.CREATE)
    assert_by(entry, admin_user)
    assert entry.changes_dict["title"] == [None, "新任务"]


def test_an_admin_deletion_is_recorded(login, admin_user):
    task = KeyTaskFactory(title="待删除")
    pk = task.pk

    response = login(admin_user).post(reverse("admin:plans_keytask_delete", args=[pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not KeyTask.objects.filter(pk=pk).exists()
    entry = LogEntry.objects.get(action=LogEntry.Action.DELETE, object_pk=str(pk), object_repr=str(task))
    assert_by(entry, admin_user)


def test_the_admins_checkpoint_inline_adds_nothing_the_measure_page_adds_them_with_their_audit(
    login, admin_user, measure_a
):
    path = reverse("admin:plans_measure_change", args=[measure_a.pk])
    inline = {
        "checkpoints-TOTAL_FORMS": "1",
        "checkpoints-0-measure": measure_a.pk,
        "checkpoints-0-title": "年中目标",
        "checkpoints-0-due_date": "2020-06-30",
    }
    client = login(admin_user)
    admin_post(client, path, measure_admin_data(measure_a, **inline))
    assert not Checkpoint.objects.filter(measure=measure_a).exists()

    client.post(reverse("plans:checkpoint_add", args=[measure_a.pk]), {"title": "年中目标", "due_date": "2020-06-30"})
    assert_by(last_entry(Checkpoint.objects.get(measure=measure_a), LogEntry.Action.CREATE), admin_user)


# Where the history is shown ----------------------------------------------------------------------------------------


def test_the_measure_page_shows_its_history(login, alice, leo, measure_a):
    services.measure_update(user=alice, measure=measure_a, due_date=datetime.date(2021, 3, 31))

    response = login(leo).get(measure_a.get_absolute_url())

    assert last_entry(measure_a) in list(response.context["entries"])
    page = response.content.decode()
    assert 'id="history"' in page
    assert alice.full_name in page
    with translation.override("zh-hans"):  # dates in the history are shown in the page's language
        assert date_format(datetime.date(2020, 12, 31)) in page
        assert date_format(datetime.date(2021, 3, 31)) in page
    assert timezone.localtime(NOW).strftime("%Y-%m-%d %H:%M") in page  # shown in Beijing time: 17:30


def test_the_admin_lists_the_audit_log(login, admin_user, alice, measure_a):
    services.measure_update(user=alice, measure=measure_a, target="年底完成")
    client = login(admin_user)

    listing = client.get(reverse("admin:auditlog_logentry_changelist"))
    history = client.get(reverse("admin:plans_measure_auditlog", args=[measure_a.pk]))

    assert listing.status_code == history.status_code == 200
    assert str(measure_a) in listing.content.decode()
    assert last_entry(measure_a) in list(history.context["log_entries"])


@pytest.mark.parametrize(
    "model",
    [WorkPlan, KeyTask, Measure, Checkpoint, ProgressReport, ReportProblem, ReportAttachment, MeasureComment],
)
def test_every_plans_model_is_tracked(model):
    assert auditlog.contains(model)
