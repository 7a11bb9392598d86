"""The pages: wiring, filters, and refusals through every door (pages and the admin site)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.models import Enterprise, Vehicle
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory

pytestmark = pytest.mark.django_db


def url(name, obj=None):
    return reverse(f"enterprises:{name}", args=[obj.pk] if obj is not None else [])


def enterprise_data(enterprise, **overrides) -> dict:
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "enterprise_type": enterprise.enterprise_type,
        "licence_number": "湘交运管许可长字430181000001号",
        "licence_expires_on": "2022-12-31",
        "address": "",
        "township": "",
        "contact_person": "刘",
        "contact_phone": "0731-83611201",
        "credit_rating": "AA",
        "supervising_unit": enterprise.supervising_unit_id,
    }
    data.update(overrides)
    return data


def vehicle_data(vehicle, **overrides) -> dict:
    data = {
        "plate": vehicle.plate,
        "enterprise": vehicle.enterprise_id,
        "vehicle_class": vehicle.vehicle_class,
        "seats": vehicle.seats or "",
        "tonnage": vehicle.tonnage or "",
        "certificate_number": "湘交运管长字430181000001号",
        "certificate_expires_on": "2022-06-30",
        "status": "operating",
    }
    data.update(overrides)
    return data


class TestReading:
    @pytest.mark.parametrize("persona", ["alice", "bob", "leo", "admin_user"])
    def test_every_bureau_user_reads_the_registers(self, request, login, persona, enterprise_a, vehicle_b):
        client = login(request.getfixturevalue(persona))
        assert enterprise_a.name in client.get(url("enterprise_list")).content.decode()
        assert client.get(url("enterprise_detail", enterprise_a)).status_code == 200
        assert "湘AD12345" in client.get(url("vehicle_list")).content.decode()
        assert client.get(url("vehicle_detail", vehicle_b)).status_code == 200

    def test_anonymous_visitors_are_sent_to_the_login(self, client, enterprise_a):
        response = client.get(url("enterprise_detail", enterprise_a))
        assert response.status_code == 302 and "login" in response.url

    def test_the_detail_shows_vehicles_and_history(self, login, alice, vehicle_a):
        page = login(alice).get(url("enterprise_detail", vehicle_a.enterprise)).content.decode()
        assert "湘A12345" in page and 'id="history"' in page and 'id="edit-enterprise"' in page

    def test_another_units_staff_see_no_edit_button(self, login, bob, enterprise_a):
        page = login(bob).get(url("enterprise_detail", enterprise_a)).content.decode()
        assert 'id="edit-enterprise"' not in page and 'id="listing-form"' not in page


class TestFilters:
    def test_enterprise_filters(self, login, leo, unit_a, huaichuan):
        today = timezone.localdate()
        bus = EnterpriseFactory(name="公交甲", enterprise_type="bus", township=huaichuan, credit_rating="AAA")
        taxi = EnterpriseFactory(
            name="出租乙", enterprise_type="taxi", licence_expires_on=today - datetime.timedelta(days=2)
        )
        soon = EnterpriseFactory(
            name="驾培丙", enterprise_type="driver_training", licence_expires_on=today + datetime.timedelta(days=10)
        )
        black = EnterpriseFactory(
            name="维修丁", enterprise_type="repair", list_status="black", list_reason="违规", list_start=today
        )
        client = login(leo)

        def names(query: str) -> set[str]:
            return {e.name for e in client.get(url("enterprise_list") + "?" + query).context["page_obj"]}

        assert names("enterprise_type=bus") == {bus.name}
        assert names(f"township={huaichuan.pk}") == {bus.name}
        assert names("credit_rating=AAA") == {bus.name}
        assert names("list_status=black") == {black.name}
        assert names("licence=expired") == {taxi.name}
        assert names("licence=expiring") == {soon.name}
        assert names("q=驾培") == {soon.name}
        assert names(f"q={bus.credit_code[:12]}") >= {bus.name}

    def test_vehicle_filters(self, login, leo, enterprise_a, enterprise_b):
        today = timezone.localdate()
        old = VehicleFactory(
            plate="湘A00001", enterprise=enterprise_a, certificate_expires_on=today - datetime.timedelta(days=1)
        )
        soon = VehicleFactory(
            plate="湘A00002",
            enterprise=enterprise_a,
            certificate_expires_on=today + datetime.timedelta(days=3),
            status="suspended",
        )
        tanker = VehicleFactory(
            plate="湘A00003D", enterprise=enterprise_b, vehicle_class="dangerous_goods", seats=None, tonnage=20
        )
        client = login(leo)

        def plates(query: str) -> set[str]:
            return {v.plate for v in client.get(url("vehicle_list") + "?" + query).context["page_obj"]}

        assert plates("vehicle_class=dangerous_goods") == {tanker.plate}
        assert plates("status=suspended") == {soon.plate}
        assert plates(f"enterprise={enterprise_b.pk}") == {tanker.plate}
        assert plates("certificate=expired") == {old.plate}
        assert plates("certificate=expiring") == {soon.plate}
        assert plates("plate=a00003") == {tanker.plate}

    def test_the_list_is_paginated(self, login, leo, settings):
        for _ in range(settings.PAGE_SIZE + 1):
            EnterpriseFactory()
        response = login(leo).get(url("enterprise_list") + "?page=2")
        assert len(response.context["page_obj"]) == 1


class TestWriting:
    def test_staff_register_an_enterprise(self, login, alice, unit_a, unit_b):
        data = {
            "name": "浏阳市新开运输有限公司",
            "credit_code": "91430181MA4TD6NX4G",
            "enterprise_type": "freight",
            "supervising_unit": unit_b.pk,  # ignored: the field is fixed to the user's unit
        }
        response = login(alice).post(url("enterprise_create"), data)
        enterprise = Enterprise.objects.get()
        assert response.status_code == 302 and response.url == enterprise.get_absolute_url()
        assert enterprise.supervising_unit == unit_a

    def test_a_bad_credit_code_is_shown_on_the_form(self, login, alice):
        data = {"name": "某公司", "credit_code": "91430181MA4TD6NX4H", "enterprise_type": "freight"}
        response = login(alice).post(url("enterprise_create"), data)
        assert response.status_code == 200
        assert "校验位不正确" in str(response.context["form"].errors["credit_code"])
        assert not Enterprise.objects.exists()

    def test_staff_edit_their_units_enterprise(self, login, alice, enterprise_a):
        response = login(alice).post(url("enterprise_edit", enterprise_a), enterprise_data(enterprise_a))
        assert response.status_code == 302
        enterprise_a.refresh_from_db()
        assert enterprise_a.credit_rating == "AA"

    def test_the_listing_form(self, login, carol, enterprise_a):
        client = login(carol)
        client.post(
            url("enterprise_listing", enterprise_a),
            {"action": "set", "status": "red", "reason": "信誉考核AAA", "start": "2021-01-01"},
        )
        enterprise_a.refresh_from_db()
        assert enterprise_a.list_status == "red"
        client.post(url("enterprise_listing", enterprise_a), {"action": "clear"})
        enterprise_a.refresh_from_db()
        assert enterprise_a.list_status == "none"

    def test_a_listing_without_reason_is_refused(self, login, carol, enterprise_a):
        login(carol).post(
            url("enterprise_listing", enterprise_a), {"action": "set", "status": "black", "start": "2021-01-01"}
        )
        enterprise_a.refresh_from_db()
        assert enterprise_a.list_status == "none"

    def test_a_listing_that_ends_before_it_starts_is_refused_with_the_models_message(self, login, carol, enterprise_a):
        listing = {
            "action": "set",
            "status": "red",
            "reason": "信誉考核AAA",
            "start": "2021-03-01",
            "end": "2021-02-01",
        }
        response = login(carol).post(url("enterprise_listing", enterprise_a), listing, follow=True)
        enterprise_a.refresh_from_db()
        assert enterprise_a.list_status == "none"
        with translation.override("zh-hans"):
            expected = translation.gettext("A listing cannot end before it starts.")
        assert [str(m) for m in response.context["messages"]] == [expected]

    def test_staff_register_a_vehicle(self, login, alice, enterprise_a):
        data = {
            "plate": "湘a 12345",
            "enterprise": enterprise_a.pk,
            "vehicle_class": "scheduled_bus",
            "seats": "45",
            "status": "operating",
        }
        response = login(alice).post(url("vehicle_create"), data)
        vehicle = Vehicle.objects.get()
        assert response.status_code == 302 and vehicle.plate == "湘A12345"

    def test_the_vehicle_form_names_the_missing_seats(self, login, alice, enterprise_a):
        data = {
            "plate": "湘A12345",
            "enterprise": enterprise_a.pk,
            "vehicle_class": "charter_bus",
            "status": "operating",
        }
        response = login(alice).post(url("vehicle_create"), data)
        assert response.status_code == 200 and "seats" in response.context["form"].errors

    def test_staff_edit_their_units_vehicle(self, login, alice, vehicle_a):
        response = login(alice).post(url("vehicle_edit", vehicle_a), vehicle_data(vehicle_a, status="suspended"))
        assert response.status_code == 302
        vehicle_a.refresh_from_db()
        assert vehicle_a.status == "suspended"


class TestRefusals:
    """Another unit's staff (bob, dave) and leaders (leo) may not change unit A's enterprise or vehicle."""

    @pytest.mark.parametrize("persona", ["bob", "dave", "leo"])
    def test_the_edit_pages_are_404(self, request, login, persona, enterprise_a, vehicle_a):
        client = login(request.getfixturevalue(persona))
        assert client.get(url("enterprise_edit", enterprise_a)).status_code == 404
        assert client.get(url("vehicle_edit", vehicle_a)).status_code == 404

    @pytest.mark.parametrize("persona", ["bob", "dave", "leo"])
    def test_posts_change_nothing(self, request, login, persona, enterprise_a, vehicle_a):
        client = login(request.getfixturevalue(persona))
        assert (
            client.post(url("enterprise_edit", enterprise_a), enterprise_data(enterprise_a, name="改")).status_code
            == 404
        )
        assert (
            client.post(url("vehicle_edit", vehicle_a), vehicle_data(vehicle_a, status="scrapped")).status_code == 404
        )
        listing = {"action": "set", "status": "black", "reason": "x", "start": "2021-01-01"}
        assert client.post(url("enterprise_listing", enterprise_a), listing).status_code == 404
        enterprise_a.refresh_from_db()
        vehicle_a.refresh_from_db()
        assert (enterprise_a.name, enterprise_a.list_status, vehicle_a.status) == (
            "浏阳市汽车运输有限公司",
            "none",
            "operating",
        )

    def test_staff_may_not_register_a_vehicle_for_another_units_enterprise(self, login, bob, enterprise_a):
        data = {
            "plate": "湘A54321",
            "enterprise": enterprise_a.pk,
            "vehicle_class": "other",
            "seats": "5",
            "status": "operating",
        }
        response = login(bob).post(url("vehicle_create"), data)
        assert response.status_code == 200 and "enterprise" in response.context["form"].errors
        assert not Vehicle.objects.exists()

    def test_staff_may_not_move_a_vehicle_to_another_units_enterprise(self, login, alice, vehicle_a, enterprise_b):
        response = login(alice).post(
            url("vehicle_edit", vehicle_a), vehicle_data(vehicle_a, enterprise=enterprise_b.pk)
        )
        assert response.status_code == 200
        vehicle_a.refresh_from_db()
        assert vehicle_a.enterprise_id != enterprise_b.pk

    def test_staff_may_not_hand_an_enterprise_to_another_unit(self, login, alice, enterprise_a, unit_b):
        login(alice).post(
            url("enterprise_edit", enterprise_a), enterprise_data(enterprise_a, supervising_unit=unit_b.pk)
        )
        enterprise_a.refresh_from_db()
        assert enterprise_a.supervising_unit_id != unit_b.pk

    def test_leaders_may_not_open_the_create_pages(self, login, leo):
        client = login(leo)
        assert client.get(url("enterprise_create")).status_code == 403
        assert client.get(url("vehicle_create")).status_code == 403


class TestAdmin:
    def test_the_administrator_opens_both_in_the_admin(self, login, admin_user, vehicle_a):
        client = login(admin_user)
        assert (
            client.get(reverse("admin:enterprises_enterprise_change", args=[vehicle_a.enterprise.pk])).status_code
            == 200
        )
        assert client.get(reverse("admin:enterprises_vehicle_change", args=[vehicle_a.pk])).status_code == 200
        assert client.get(reverse("admin:enterprises_enterprise_changelist")).status_code == 200

    @pytest.mark.parametrize("persona", ["alice", "bob", "leo"])
    def test_nobody_else_gets_in(self, request, login, persona, vehicle_a):
        client = login(request.getfixturevalue(persona))
        response = client.get(reverse("admin:enterprises_enterprise_change", args=[vehicle_a.enterprise.pk]))
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
        client.post(reverse("admin:enterprises_vehicle_change", args=[vehicle_a.pk]), {"plate": "湘A99999"})
        vehicle_a.refresh_from_db()
        assert vehicle_a.plate == "湘A12345"
