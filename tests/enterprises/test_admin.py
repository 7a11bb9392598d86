"""Issue 12 at the admin door of enterprises and vehicles: the add and change views save through the services
(enterprise_create / enterprise_update / vehicle_create / vehicle_update), so the credit code and the plate are
normalised and the services' refusals show in the form; the red/black listing is read only (it has its own
services); nobody but an administrator gets in."""

import pytest
from django.urls import reverse

from enterprises.demo import credit_code
from enterprises.models import Enterprise, Vehicle

pytestmark = pytest.mark.django_db

CODE = credit_code("TFADMXN1")


def management(response) -> dict:
    """The management forms of the page's inlines, as the browser would send them back."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
    return data


def post(client, url: str, data: dict):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**management(page), **data})


def form_errors(response):
    return response.context["adminform"].form.errors if response.status_code == 200 else None


def enterprise_data(unit, **changes) -> dict:
    return {
        "name": "浏阳市新开运输有限公司",
        "credit_code": CODE,
        "enterprise_type": "passenger",
        "credit_rating": "",
        "supervising_unit": unit.pk,
        **changes,
    }


def vehicle_data(enterprise, **changes) -> dict:
    return {
        "plate": "湘A54321",
        "enterprise": enterprise.pk,
        "vehicle_class": "scheduled_bus",
        "seats": 45,
        "status": "operating",
        **changes,
    }


def spaced(code: str) -> str:
    return f"{code[:4]} {code[4:10].lower()} {code[10:]}"


class TestAnAdministratorSavesThroughTheServices:
    def test_a_new_enterprise_has_its_credit_code_normalised(self, login, admin_user, unit_a):
        response = post(
            login(admin_user),
            reverse("admin:enterprises_enterprise_add"),
            enterprise_data(unit_a, credit_code=spaced(CODE)),
        )

        assert response.status_code == 302, form_errors(response)
        assert Enterprise.objects.get(name="浏阳市新开运输有限公司").credit_code == CODE

    def test_a_changed_credit_code_is_normalised(self, login, admin_user, enterprise_a):
        url = reverse("admin:enterprises_enterprise_change", args=[enterprise_a.pk])
        data = enterprise_data(enterprise_a.supervising_unit, name=enterprise_a.name, credit_code=spaced(CODE))

        response = post(login(admin_user), url, data)

        assert response.status_code == 302, form_errors(response)
        enterprise_a.refresh_from_db()
        assert enterprise_a.credit_code == CODE

    def test_a_wrong_credit_code_is_refused_under_its_field(self, login, admin_user, unit_a):
        wrong = CODE[:17] + ("0" if CODE[17] != "0" else "1")

        response = post(
            login(admin_user), reverse("admin:enterprises_enterprise_add"), enterprise_data(unit_a, credit_code=wrong)
        )

        assert response.status_code == 200 and form_errors(response)["credit_code"]
        assert not Enterprise.objects.filter(name="浏阳市新开运输有限公司").exists()

    def test_the_listing_is_read_only(self, login, admin_user, enterprise_a):
        url = reverse("admin:enterprises_enterprise_change", args=[enterprise_a.pk])
        client = login(admin_user)

        form = client.get(url).context["adminform"].form
        assert not {"list_status", "list_reason", "list_start", "list_end"} & set(form.fields)
        post(client, url, enterprise_data(enterprise_a.supervising_unit, name=enterprise_a.name, list_status="black"))

        enterprise_a.refresh_from_db()
        assert enterprise_a.list_status == "none"

    def test_a_new_vehicle_has_its_plate_normalised(self, login, admin_user, enterprise_a):
        response = post(
            login(admin_user), reverse("admin:enterprises_vehicle_add"), vehicle_data(enterprise_a, plate="湘a·54321")
        )

        assert response.status_code == 302, form_errors(response)
        assert Vehicle.objects.get(enterprise=enterprise_a).plate == "湘A54321"

    def test_a_changed_plate_is_normalised(self, login, admin_user, vehicle_a):
        url = reverse("admin:enterprises_vehicle_change", args=[vehicle_a.pk])

        response = post(login(admin_user), url, vehicle_data(vehicle_a.enterprise, plate=" 湘a 6789 8 "))

        assert response.status_code == 302, form_errors(response)
        vehicle_a.refresh_from_db()
        assert vehicle_a.plate == "湘A67898"

    def test_a_bad_plate_is_refused_under_its_field(self, login, admin_user, enterprise_a):
        response = post(
            login(admin_user), reverse("admin:enterprises_vehicle_add"), vehicle_data(enterprise_a, plate="湘AI2345")
        )

        assert response.status_code == 200 and form_errors(response)["plate"]
        assert not Vehicle.objects.exists()

    def test_vehicles_are_not_added_through_the_enterprise_page(self, login, admin_user, enterprise_a):
        page = login(admin_user).get(reverse("admin:enterprises_enterprise_change", args=[enterprise_a.pk]))

        (inline,) = page.context["inline_admin_formsets"]
        assert not inline.has_add_permission and not inline.has_change_permission


class TestNobodyElseSavesInTheAdmin:
    @pytest.mark.parametrize("persona", ["alice", "carol", "leo"])
    def test_adding_an_enterprise_is_refused(self, request, login, persona, unit_a):
        client = login(request.getfixturevalue(persona))
        url = reverse("admin:enterprises_enterprise_add")

        assert client.get(url).url.startswith(reverse("admin:login"))
        response = client.post(url, enterprise_data(unit_a))

        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
        assert not Enterprise.objects.filter(name="浏阳市新开运输有限公司").exists()

    @pytest.mark.parametrize("persona", ["alice", "carol", "leo"])
    def test_changing_a_vehicle_is_refused(self, request, login, persona, vehicle_a):
        client = login(request.getfixturevalue(persona))

        response = client.post(
            reverse("admin:enterprises_vehicle_change", args=[vehicle_a.pk]), vehicle_data(vehicle_a.enterprise)
        )

        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
        vehicle_a.refresh_from_db()
        assert vehicle_a.plate == "湘A12345"
