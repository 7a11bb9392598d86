"""A hazard that was ever major needs a leader's sign-off to close; downgrading one is a leader's recorded step with
a reason — at every door (service, page, admin; the import in test_import)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import clock
from safety import services
from safety.choices import HazardAction, HazardStatus
from safety.models import Hazard

from .conftest import to_verifying
from .factories import png_upload, register_fields
from .test_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifying_major(major_a, alice):
    return to_verifying(major_a, alice)


def test_the_reporter_cannot_edit_a_major_hazard_to_general_and_have_it_closed_unsigned(verifying_major, alice, carol):
    with pytest.raises(ValidationError) as error:
        services.hazard_update(user=alice, hazard=verifying_major, level="general")
    assert "level" in error.value.message_dict
    verifying_major.refresh_from_db()
    assert verifying_major.level == "major"
    with pytest.raises(ValidationError):  # the unit head's verify still needs the leader's sign-off
        services.hazard_verify(user=carol, hazard=verifying_major, passed=True, note="合格", photos=[png_upload()])
    assert Hazard.objects.get(pk=verifying_major.pk).status == HazardStatus.VERIFYING


def test_the_edit_page_refuses_the_downgrade_under_the_level(login, verifying_major, alice, unit_a, huaichuan):
    data = form_data(huaichuan, unit_a, level="general", deadline="2020-08-31")
    data["found_on"] = verifying_major.found_on.isoformat()
    response = login(alice).post(reverse("safety:hazard_edit", args=[verifying_major.pk]), data)
    assert response.status_code == 200
    assert "level" in response.context["form"].errors
    assert Hazard.objects.get(pk=verifying_major.pk).level == "major"


def test_the_admin_refuses_the_downgrade_under_the_level(login, verifying_major, admin_user):
    hazard = verifying_major
    data = {
        name: getattr(hazard, name + "_id", None) or getattr(hazard, name)
        for name in ("field", "source", "location", "description", "responsible_person", "measures")
    }
    data.update(
        level="general",
        township=hazard.township_id,
        responsible_unit=hazard.responsible_unit_id,
        found_on=hazard.found_on.isoformat(),
        deadline=hazard.deadline.isoformat(),
        funds="0.00",
        contingency_plan="",
        **{
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    response = login(admin_user).post(reverse("admin:safety_hazard_change", args=[hazard.pk]), data)
    assert response.status_code == 200  # the form again, with the service's refusal under the level
    assert "level" in response.context["adminform"].form.errors
    assert Hazard.objects.get(pk=hazard.pk).level == "major"


def test_a_leaders_downgrade_is_recorded_and_the_sign_off_is_still_needed(login, verifying_major, leo, carol, alice):
    with pytest.raises(PermissionDenied):
        services.hazard_downgrade(user=carol, hazard=verifying_major, reason="风险已降低")
    with pytest.raises(ValidationError):
        services.hazard_downgrade(user=leo, hazard=verifying_major, reason=" ")
    client = login(leo)
    page = client.get(verifying_major.get_absolute_url())
    assert b'id="downgrade-form"' in page.content
    client.post(reverse("safety:hazard_downgrade", args=[verifying_major.pk]), {"downgrade-reason": "经复核风险降低"})
    hazard = Hazard.objects.get(pk=verifying_major.pk)
    assert (hazard.level, hazard.ever_major) == ("general", True)
    step = hazard.transitions.get(action=HazardAction.DOWNGRADE)
    assert (step.by, step.note, step.from_status, step.to_status) == (leo, "经复核风险降低", "verifying", "verifying")
    with pytest.raises(ValidationError):
        services.hazard_verify(user=carol, hazard=hazard, passed=True, note="合格", photos=[png_upload()])
    services.hazard_sign_off(user=leo, hazard=hazard)
    hazard = services.hazard_verify(user=carol, hazard=hazard, passed=True, note="合格", photos=[png_upload()])
    assert hazard.status == HazardStatus.CLOSED and hazard.signed_off_by == leo


def test_staff_see_no_downgrade_form(login, verifying_major, alice):
    assert b'id="downgrade-form"' not in login(alice).get(verifying_major.get_absolute_url()).content


def test_found_in_the_future_is_refused_by_the_service(alice, unit_a):
    future = clock.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.hazard_register(
            user=alice, **register_fields(responsible_unit=unit_a, found_on=future, deadline=future)
        )
    assert "found_on" in error.value.message_dict
