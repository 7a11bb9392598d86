"""The measure list's unit and key-task filters load their options when first used (htmx), keep the chosen one,
and reload the key tasks when the year changes. Elements are found by id, never by visible text."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import KeyTaskFactory, MeasureFactory, WorkPlanFactory

pytestmark = pytest.mark.browser


def test_the_filters_load_their_options_on_demand(page, log_in, leo, unit_a, unit_b):
    task_2020 = KeyTaskFactory(plan=WorkPlanFactory(year=2020))
    task_2019 = KeyTaskFactory(plan=WorkPlanFactory(year=2019))
    measure = MeasureFactory(key_task=task_2020, lead_unit=unit_b)
    log_in(leo)
    page.goto(reverse("plans:measure_list") + "?year=2020")
    units = page.locator("#id_unit option")
    expect(units).to_have_count(1)
    page.hover("#id_unit")
    expect(page.locator(f'#id_unit option[value="{unit_b.pk}"]')).to_have_count(1)
    page.select_option("#id_unit", str(unit_b.pk))
    page.hover("#id_key_task")
    expect(page.locator(f'#id_key_task option[value="{task_2020.pk}"]')).to_have_count(1)
    expect(page.locator(f'#id_key_task option[value="{task_2019.pk}"]')).to_have_count(0)
    page.select_option("#id_key_task", str(task_2020.pk))
    page.locator("#id_unit").evaluate("select => select.form.requestSubmit()")
    expect(page.locator(f'a[href="{measure.get_absolute_url()}"]')).to_have_count(1)
    expect(page.locator("#id_unit option:checked")).to_have_attribute("value", str(unit_b.pk))
    page.fill("#id_year", "2019")
    page.locator("#id_year").dispatch_event("change")
    expect(page.locator(f'#id_key_task option[value="{task_2019.pk}"]')).to_have_count(1)
    assert page.problems["http_errors"] == [] and page.problems["console"] == [], page.problems
