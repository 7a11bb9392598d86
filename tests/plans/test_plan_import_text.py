"""The plan text import page: an administrator previews what the parser found, then confirms to create the plan.

Nothing is created before the confirmation, nor when the text is broken or the year taken.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from plans.models import KeyTask, Measure, WorkPlan
from tests.factories import WorkPlanFactory, upload

pytestmark = pytest.mark.django_db

PAGE = reverse("plans:plan_import_text")
SEED = (Path(__file__).resolve().parents[2] / "plans" / "demo" / "plan_2020.txt").read_text(encoding="utf-8")
BROKEN = "2021年工作计划\n\n1.全力推进交通项目建设。一是做好规划编制。\n三是扎实推进项目。\n"  # 二是 is missing


@pytest.fixture
def admin_client(login, admin_user):
    return login(admin_user)


def preview(client, **data):
    return client.post(PAGE, {"year": 2021, "title": "", "text": "", "preview": "1", **data})


def confirm(client, **data):
    return client.post(PAGE, {"year": 2021, "title": "", "text": "", "confirm": "1", **data})


def resent(response) -> dict:
    """What the browser posts back from the page it was shown: the form's fields as rendered (file inputs are
    always empty again)."""
    form = response.context["form"]
    return {name: form[name].value() or "" for name in ("year", "title", "text")}


def created() -> tuple[int, int, int]:
    return WorkPlan.objects.count(), KeyTask.objects.count(), Measure.objects.count()


def parsed_tasks(response) -> list[tuple[int, int]]:
    return [(task.number, len(task.measures)) for task in response.context["parsed"].key_tasks]


def test_the_preview_lists_what_was_found_and_creates_nothing(admin_client):
    response = preview(admin_client, text=SEED)

    assert response.status_code == 200
    assert parsed_tasks(response) == [(1, 4), (2, 4), (3, 4), (4, 5), (5, 5)]
    page = response.content.decode()
    assert 'id="confirm-plan"' in page
    assert "1.1 做好规划编制" in page
    assert created() == (0, 0, 0)


def test_confirming_creates_the_plan_its_key_tasks_and_measures(admin_client):
    response = confirm(admin_client, text=SEED, title="浏阳市交通运输局2021年工作计划")

    plan = WorkPlan.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("plans:plan_overview", args=[2021])
    assert (plan.year, plan.title, plan.source_text) == (2021, "浏阳市交通运输局2021年工作计划", SEED)
    assert created() == (1, 5, 22)
    assert Measure.objects.get(key_task__number=4, number=5).text.startswith("继续做好铁路安全环境整治工作")


def test_without_a_title_the_plan_takes_the_title_of_the_text(admin_client):
    confirm(admin_client, text=SEED)

    assert WorkPlan.objects.get().title == "浏阳市交通运输局2020年工作计划"


def test_a_preview_confirmed_from_the_page_creates_the_plan(admin_client):
    shown = preview(admin_client, text=SEED)

    confirm(admin_client, **resent(shown))

    assert created() == (1, 5, 22)


@pytest.mark.parametrize("action", [preview, confirm], ids=["preview", "confirm"])
def test_a_broken_text_names_the_line_and_creates_nothing(admin_client, action):
    response = action(admin_client, text=BROKEN)

    assert response.status_code == 200
    assert [line for line, _message in response.context["errors"]] == [4]
    assert response.context["parsed"] is None
    assert 'id="confirm-plan"' not in response.content.decode()
    assert created() == (0, 0, 0)


def test_a_year_that_has_a_plan_is_a_form_error_and_creates_nothing(admin_client):
    WorkPlanFactory(year=2021)

    response = confirm(admin_client, text=SEED)

    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert created() == (1, 0, 0)


def test_an_empty_text_is_a_form_error(admin_client):
    response = preview(admin_client, text="   ")

    assert response.context["form"].non_field_errors()
    assert response.context["parsed"] is None


# Text files --------------------------------------------------------------------------------------------------------

# The seed as a Chinese Windows editor saves it: GBK (which has no no-break space and no bullet).
SEED_GBK = SEED.replace("\xa0", " ").replace("•", "").encode("gbk")


def test_a_gbk_text_file_is_previewed(admin_client):
    response = preview(admin_client, file=upload("计划.txt", SEED_GBK, "text/plain"))

    assert parsed_tasks(response) == [(1, 4), (2, 4), (3, 4), (4, 5), (5, 5)]
    assert created() == (0, 0, 0)


def test_a_gbk_text_file_is_imported(admin_client):
    confirm(admin_client, file=upload("计划.txt", SEED_GBK, "text/plain"))

    assert created() == (1, 5, 22)
    assert Measure.objects.get(key_task__number=1, number=1).title == "做好规划编制"


def test_a_utf8_file_with_a_byte_order_mark_is_imported(admin_client):
    confirm(admin_client, file=upload("plan.txt", SEED.encode("utf-8-sig"), "text/plain"))

    assert created() == (1, 5, 22)


def test_a_gbk_file_previewed_and_confirmed_from_the_page_creates_the_plan(admin_client):
    shown = preview(admin_client, file=upload("计划.txt", SEED_GBK, "text/plain"))

    confirm(admin_client, **resent(shown))

    assert created() == (1, 5, 22)
