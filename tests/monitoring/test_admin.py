"""The admin door of drivers saves through the services (the ID number normalised and checked); alarms, mileage
and rollups are read only there; nobody but an administrator gets in."""

import pytest
from django.urls import reverse

from monitoring.models import Alarm, Driver

pytestmark = pytest.mark.django_db


def driver_data(enterprise, **values) -> dict:
    return {
        "name": "王强",
        "id_number": "11010519491231002x",
        "certificate_number": "430181000001",
        "qualification_class": "passenger",
        "qualification_expires_on": "2022-06-30",
        "enterprise": enterprise.pk,
        "status": "active",
        **values,
    }


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors if response.context else {}


def test_an_administrator_adds_a_driver_with_the_id_number_normalised(login, admin_user, enterprise_a):
    response = login(admin_user).post(reverse("admin:monitoring_driver_add"), driver_data(enterprise_a))

    assert response.status_code == 302, form_errors(response)
    assert Driver.objects.get(name="王强").id_number == "11010519491231002X"


def test_a_wrong_id_number_is_refused_under_its_field(login, admin_user, enterprise_a):
    response = login(admin_user).post(
        reverse("admin:monitoring_driver_add"), driver_data(enterprise_a, id_number="110105194912310021")
    )

    assert response.status_code == 200 and form_errors(response)["id_number"]
    assert not Driver.objects.exists()


def test_alarms_are_read_only(login, admin_user, vehicle_a):
    client = login(admin_user)
    assert client.get(reverse("admin:monitoring_alarm_changelist")).status_code == 200
    assert client.get(reverse("admin:monitoring_alarm_add")).status_code == 403
    assert not Alarm.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "leo"])
def test_nobody_else_adds_a_driver_in_the_admin(request, login, persona, enterprise_a):
    client = login(request.getfixturevalue(persona))

    response = client.post(reverse("admin:monitoring_driver_add"), driver_data(enterprise_a))

    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not Driver.objects.exists()
