"""Length caps and date bounds on a hazard, at every door: the page, the service, the import (a row error under the
Chinese column), the admin, and the database itself. A 3 MB description and a hazard found on 0001-01-01 (which
was numbered YH-1-0001) are refused with nothing written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.fields import NOTE_LENGTH
from safety import services
from safety.models import Hazard
from tests.safety.test_import import good_row, header, issues, run, workbook
from tests.safety.test_views import form_data

from .factories import register_fields

pytestmark = pytest.mark.django_db

HUGE = "隐" * 3_000_000


def test_the_page_refuses_a_description_past_the_cap_and_an_odd_date(login, eve, unit_a, huaichuan):
    client = login(eve)
    for field, value in (("description", "长" * (NOTE_LENGTH + 1)), ("found_on", "0001-01-01")):
        response = client.post(reverse("safety:hazard_create"), form_data(huaichuan, unit_a, **{field: value}))
        assert response.status_code == 200
        assert field in response.context["form"].errors
    assert not Hazard.objects.exists()
    page = client.get(reverse("safety:hazard_create")).content.decode()
    assert f'maxlength="{NOTE_LENGTH}"' in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", HUGE),
        ("measures", "措" * (NOTE_LENGTH + 1)),
        ("found_on", datetime.date(1, 1, 1)),
        ("found_on", datetime.date(1999, 12, 31)),
        ("deadline", datetime.date(9999, 12, 31)),
    ],
)
def test_the_service_refuses(alice, unit_a, field, value):
    with pytest.raises(ValidationError) as refused:
        services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a, **{field: value}))
    assert field in refused.value.message_dict
    assert not Hazard.objects.exists()


def test_the_bounds_themselves_are_accepted(alice, unit_a):
    hazard = services.hazard_register(
        user=alice,
        **register_fields(responsible_unit=unit_a, description="述" * NOTE_LENGTH, found_on=datetime.date(2000, 1, 1)),
    )
    assert hazard.code == "YH-2000-0001"


def test_the_import_names_the_column(alice):
    outcome = run(alice, workbook([good_row(description="长" * (NOTE_LENGTH + 1), found_on="0001-01-01")]))
    assert {(row, column) for row, column, _message in issues(outcome)} == {
        (2, header("description")),
        (2, header("found_on")),
    }
    assert not Hazard.objects.exists()


def test_the_admin_refuses(login, hazard_a, admin_user):
    response = login(admin_user).post(
        reverse("admin:safety_hazard_change", args=[hazard_a.pk]),
        {
            "field": hazard_a.field,
            "level": hazard_a.level,
            "source": hazard_a.source,
            "location": hazard_a.location,
            "township": hazard_a.township_id,
            "description": "长" * (NOTE_LENGTH + 1),
            "found_on": "0001-01-01",
            "responsible_unit": hazard_a.responsible_unit_id,
            "responsible_person": hazard_a.responsible_person,
            "measures": hazard_a.measures,
            "funds": "2.00",
            "deadline": "2020-06-30",
            "contingency_plan": "",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert {"description", "found_on"} <= set(response.context["adminform"].form.errors)
    hazard_a.refresh_from_db()
    assert hazard_a.description == register_fields()["description"]


@pytest.mark.parametrize(
    ("field", "value"), [("description", "长" * (NOTE_LENGTH + 1)), ("found_on", datetime.date(1999, 12, 31))]
)
def test_the_database_refuses_what_skips_the_model(hazard_a, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hazard.objects.filter(pk=hazard_a.pk).update(**{field: value})
