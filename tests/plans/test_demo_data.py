"""The demo data: the bureau's real 2020 plan, loaded by ``manage.py load_demo_data``, and safe to load again."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from organisation.models import Unit, User
from plans.models import Checkpoint, KeyTask, Measure, ProgressReport, ReportProblem, WorkPlan

pytestmark = pytest.mark.django_db

COUNTED = [WorkPlan, KeyTask, Measure, Checkpoint, ProgressReport, ReportProblem, Unit, User, LogEntry]


def load() -> str:
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    load()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def stamps() -> dict:
    """When each row with an updated_at was last saved."""
    return {
        model.__name__: dict(model.objects.values_list("pk", "updated_at"))
        for model in (WorkPlan, Measure, ProgressReport)
    }


def test_the_2020_plan_with_its_five_key_tasks(loaded):
    plan = WorkPlan.objects.get()

    assert (plan.year, plan.title, plan.is_demo) == (2020, "浏阳市交通运输局2020年工作计划", True)
    assert [(task.number, task.measures.count()) for task in plan.key_tasks.all()] == [
        (1, 4),
        (2, 4),
        (3, 4),
        (4, 5),
        (5, 5),
    ]
    assert plan.key_tasks.get(number=1).title == "全力推进交通项目建设"


@pytest.mark.parametrize(
    "code, beginning",
    [
        ("1.1", "做好规划编制"),
        ("2.3", "管好新兴业态"),
        ("4.5", "继续做好铁路安全环境整治工作"),
        ("5.5", "推进行业文明建设"),
    ],
)
def test_measures_carry_the_text_of_the_seed(loaded, code, beginning):
    task, number = map(int, code.split("."))

    measure = Measure.objects.get(key_task__number=task, number=number)

    assert measure.text.startswith(beginning)


def test_every_measure_has_a_lead_unit_and_is_marked_as_demo(loaded):
    assert Measure.objects.count() == 22
    assert not Measure.objects.filter(lead_unit=None).exists()
    assert not Measure.objects.filter(is_demo=False).exists()


def test_the_demo_users_are_printed(db):
    output = load()

    assert "admin" in output
    assert User.objects.filter(is_demo=True, role=User.Role.UNIT_HEAD).count() == Unit.objects.count()


def test_a_second_run_changes_nothing(loaded):
    before_counts, before_stamps = counts(), stamps()

    load()

    assert counts() == before_counts  # LogEntry among them: nothing was written, so nothing was recorded
    assert stamps() == before_stamps
