"""The enterprise and vehicle imports check each row with the services the pages call (``enterprise_create`` /
``_update``, ``vehicle_create`` / ``_update``): the same refusals, word for word, under the column they are about,
and the same normalisation; the listing rules live on the model, for every door."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enterprises import services
from enterprises.models import Enterprise, Vehicle
from enterprises.resources import EnterpriseResource, VehicleResource

from .test_import import E_HEADERS, GOOD_CODE, V_HEADERS, run, workbook

pytestmark = pytest.mark.django_db


def refusal(call, **kwargs) -> str:
    with pytest.raises(PermissionDenied) as error:
        call(**kwargs)
    return str(error.value)


def test_a_new_enterprise_for_another_unit_is_refused_with_the_services_words(alice, unit_b):
    page = refusal(services.enterprise_create, user=alice, supervising_unit=unit_b, name="甲", credit_code=GOOD_CODE)
    outcome = run(EnterpriseResource, alice, workbook(E_HEADERS, [[GOOD_CODE, "甲", "Taxi", "", "", unit_b.name]]))
    assert [(issue.column, issue.message) for issue in outcome.issues] == [("Supervising unit", page)]
    assert not Enterprise.objects.exists()


def test_a_vehicle_of_another_units_enterprise_is_refused_with_the_services_words(alice, enterprise_b):
    page = refusal(services.vehicle_create, user=alice, enterprise=enterprise_b, plate="湘A12345")
    data = workbook(V_HEADERS, [["湘a·12345", enterprise_b.credit_code, "Other", 5, "", ""]])
    outcome = run(VehicleResource, alice, data)
    assert [(issue.column, issue.message) for issue in outcome.issues] == [("Enterprise credit code", page)]
    assert not Vehicle.objects.exists()


def test_the_import_stores_the_plate_and_credit_code_as_the_services_normalise_them(alice, enterprise_a):
    spaced = " ".join([GOOD_CODE[:9].lower(), GOOD_CODE[9:]])
    outcome = run(EnterpriseResource, alice, workbook(E_HEADERS, [[spaced, "乙", "Taxi", "", "", ""]]))
    assert outcome.ok, [str(issue) for issue in outcome.issues]
    assert Enterprise.objects.filter(credit_code=GOOD_CODE).exists()
    outcome = run(
        VehicleResource, alice, workbook(V_HEADERS, [["湘a·88888", enterprise_a.credit_code, "Other", 5, "", ""]])
    )
    assert outcome.ok, [str(issue) for issue in outcome.issues]
    assert Vehicle.objects.filter(plate="湘A88888").exists()


def test_a_listing_without_its_reason_is_refused_on_the_field_at_every_door(alice, admin_user, enterprise_a):
    with pytest.raises(ValidationError) as page:
        services.enterprise_list_set(
            user=admin_user, enterprise=enterprise_a, status="black", reason="", start=datetime.date(2020, 5, 1)
        )
    assert "list_reason" in page.value.message_dict
    data = workbook(["Unified social credit code", "Red/black list"], [[enterprise_a.credit_code, "Black list"]])
    outcome = run(EnterpriseResource, admin_user, data)
    columns = {issue.column: issue.message for issue in outcome.issues}
    assert page.value.message_dict["list_reason"][0] in columns.values()
    enterprise_a.refresh_from_db()
    assert enterprise_a.list_status == "none"
