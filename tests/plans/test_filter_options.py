"""The list filters whose rows grow with the data (units, key tasks) carry only the empty and the chosen option
on the page, and load the others on demand (``core.forms.OnDemandSelect``, ``core.views.filter_options``)."""

import re

import pytest
from django.urls import reverse

from organisation.models import Unit
from tests.factories import KeyTaskFactory, UnitFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db


def options(html: str, name: str) -> list[tuple[str, bool]]:
    """(value, selected) of each option of the select ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [(value, bool(chosen)) for value, chosen in re.findall(r'<option value="([^"]*)"( selected)?', select)]


def test_the_measure_list_carries_the_empty_and_the_chosen_option_only(login, leo, unit_a):
    UnitFactory.create_batch(3)
    task = KeyTaskFactory()
    client = login(leo)
    page = client.get(reverse("plans:measure_list"))
    assert options(page.text, "unit") == [("", True)]
    assert options(page.text, "key_task") == [("", True)]
    assert f'hx-get="{reverse("plans:measure_filter_options", args=["unit"])}"' in page.text
    page = client.get(reverse("plans:measure_list"), {"unit": unit_a.pk, "key_task": task.pk})
    assert options(page.text, "unit") == [("", False), (str(unit_a.pk), True)]
    assert options(page.text, "key_task") == [("", False), (str(task.pk), True)]
    page = client.get(reverse("plans:measure_list"), {"unit": "abc"})  # not a key: a form error, no option
    assert options(page.text, "unit") == [("", False)]


def test_a_staff_member_sees_her_own_unit_chosen(login, alice, unit_a):
    page = login(alice).get(reverse("plans:measure_list"))
    assert options(page.text, "unit") == [("", False), (str(unit_a.pk), True)]


def test_the_units_load_on_demand_with_the_chosen_one_selected(login, leo, unit_a):
    UnitFactory.create_batch(3)
    response = login(leo).get(reverse("plans:measure_filter_options", args=["unit"]), {"unit": unit_a.pk})
    listed = options(f'<select name="unit">{response.text}</select>', "unit")
    assert [value for value, _ in listed] == ["", *(str(pk) for pk in Unit.objects.values_list("pk", flat=True))]
    assert [value for value, chosen in listed if chosen] == [str(unit_a.pk)]


def test_the_key_tasks_load_for_the_chosen_year(login, leo):
    this_year = KeyTaskFactory.create_batch(2, plan=WorkPlanFactory(year=2020))
    KeyTaskFactory(plan=WorkPlanFactory(year=2019))
    url = reverse("plans:measure_filter_options", args=["key_task"])
    client = login(leo)
    listed = options(f'<select name="key_task">{client.get(url, {"year": 2020}).text}</select>', "key_task")
    assert [value for value, _ in listed] == ["", *(str(task.pk) for task in this_year)]
    every_year = options(f'<select name="key_task">{client.get(url).text}</select>', "key_task")
    assert len(every_year) == 4


def test_only_the_on_demand_filters_answer(client, login, leo):
    url = reverse("plans:measure_filter_options", args=["unit"])
    assert client.get(url).status_code == 302  # to the login page
    client = login(leo)
    assert client.get(reverse("plans:measure_filter_options", args=["status"])).status_code == 404
    assert client.get(reverse("plans:measure_filter_options", args=["nothing"])).status_code == 404


def test_the_registry_loads_its_units_on_demand(login, leo, unit_a):
    client = login(leo)
    page = client.get(reverse("projects:project_list"))
    assert options(page.text, "unit") == [("", True)]
    response = client.get(reverse("projects:filter_options", args=["unit"]), {"unit": unit_a.pk})
    listed = options(f'<select name="unit">{response.text}</select>', "unit")
    assert len(listed) == Unit.objects.count() + 1 and (str(unit_a.pk), True) in listed
