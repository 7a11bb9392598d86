"""Inspections, findings and the finding → hazard flow; pages and refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inspections import services
from inspections.choices import InspectionKind
from inspections.forms import InspectionForm
from inspections.models import Finding, Inspection
from organisation.models import User
from safety.models import Hazard
from tests.inspections.factories import EnterpriseFactory, InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(eve, brigade):
    enterprise = EnterpriseFactory(name="浏阳市捞刀河客运有限公司", address="浏阳市集里街道某路1号")
    return services.inspection_create(
        user=eve,
        kind=InspectionKind.UNANNOUNCED,
        date=datetime.date(2020, 5, 20),
        inspectors=[eve],
        enterprises=[enterprise],
        summary="两会期间暗查暗访",
    )


class TestInspections:
    def test_eve_of_the_brigade_records_an_inspection(self, inspection, eve):
        assert inspection.lead_unit == eve.unit and inspection.created_by == eve

    @pytest.mark.parametrize("who", ["alice", "leo"])
    def test_others_may_not(self, request, who, login):
        user = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            services.inspection_create(
                user=user,
                kind=InspectionKind.ROUTINE,
                date=datetime.date(2020, 5, 1),
                inspectors=[user],
                enterprises=[EnterpriseFactory()],
            )
        assert login(user).get(reverse("inspections:inspection_create")).status_code == 403

    def test_a_unit_whose_flag_is_cleared_no_longer_inspects(self, inspection, brigade, eve, login):
        """The brigade stops enforcing the law (an administrator clears the flag): eve may neither record a new
        inspection nor change the one she made."""
        brigade.enforces_law = False
        brigade.save()
        eve = User.objects.get(pk=eve.pk)
        with pytest.raises(PermissionDenied):
            services.inspection_create(
                user=eve,
                kind=InspectionKind.ROUTINE,
                date=datetime.date(2020, 5, 1),
                inspectors=[eve],
                enterprises=[EnterpriseFactory()],
            )
        assert not Inspection.objects.restrict(eve, "change").filter(pk=inspection.pk).exists()
        assert login(eve).get(reverse("inspections:inspection_create")).status_code == 403

    def test_administrators_choose_the_lead_unit_among_the_law_enforcement_units(self, admin_user, brigade, unit_a):
        form = InspectionForm(user=admin_user)
        assert list(form.fields["lead_unit"].queryset) == [brigade]

    def test_a_random_inspection_comes_from_a_draw(self, eve):
        with pytest.raises(ValidationError, match="from a random draw"):
            services.inspection_create(
                user=eve,
                kind=InspectionKind.RANDOM,
                date=datetime.date(2020, 5, 1),
                inspectors=[eve],
                enterprises=[EnterpriseFactory()],
            )

    def test_an_inspection_has_inspectors_and_something_inspected(self, eve):
        with pytest.raises(ValidationError) as error:
            services.inspection_create(
                user=eve, kind=InspectionKind.ROUTINE, date=datetime.date(2020, 5, 1), inspectors=[]
            )
        assert set(error.value.message_dict) == {"inspectors", "enterprises"}

    def test_the_page_creates_and_the_unit_head_edits(self, login, eve, frank):
        enterprise = EnterpriseFactory()
        data = {
            "kind": "routine",
            "date": "2020-05-12",
            "inspectors": [eve.pk],
            "enterprises": [enterprise.pk],
            "summary": "日常",
        }
        response = login(eve).post(reverse("inspections:inspection_create"), data)
        inspection = Inspection.objects.get()
        assert response.status_code == 302
        response = login(frank).post(
            reverse("inspections:inspection_edit", args=[inspection.pk]), {**data, "summary": "改"}
        )
        assert response.status_code == 302
        inspection.refresh_from_db()
        assert inspection.summary == "改"

    def test_bob_of_another_unit_may_read_but_not_edit(self, login, bob, inspection):
        client = login(bob)
        assert client.get(inspection.get_absolute_url()).status_code == 200
        assert client.get(reverse("inspections:inspection_edit", args=[inspection.pk])).status_code == 404
        response = client.post(reverse("inspections:finding_add", args=[inspection.pk]), {"text": "x"})
        assert response.status_code == 404 and not Finding.objects.exists()

    def test_the_list_filters(self, login, alice, brigade, unit_a):
        a = EnterpriseFactory(name="甲公司")
        InspectionFactory(
            kind="routine", date=datetime.date(2020, 3, 1), lead_unit=brigade, enterprises=[a], summary="一"
        )
        InspectionFactory(kind="special", date=datetime.date(2020, 8, 1), lead_unit=unit_a, summary="二")
        client = login(alice)
        url = reverse("inspections:inspection_list")

        def dates(query):
            page = client.get(url + query).context["page_obj"]
            return [i.date.month for i in page]

        assert dates("") == [8, 3]
        assert dates("?kind=routine") == [3]
        assert dates("?date_from=2020-06-01") == [8]
        assert dates("?date_to=2020-06-01") == [3]
        assert dates(f"?unit={unit_a.pk}") == [8]
        assert dates(f"?enterprise={a.pk}") == [3]

    def test_anonymous_users_are_sent_to_log_in(self, client):
        response = client.get(reverse("inspections:inspection_list"))
        assert response.status_code == 302 and reverse("login") in response["Location"]


class TestFindings:
    def test_a_finding_about_an_enterprise_that_was_not_inspected_is_refused(self, eve, inspection):
        with pytest.raises(ValidationError, match="not inspected"):
            services.finding_add(user=eve, inspection=inspection, text="x", enterprise=EnterpriseFactory())

    def test_the_hazard_form_is_pre_filled_from_the_finding(self, login, eve, inspection):
        finding = services.finding_add(user=eve, inspection=inspection, text="驾驶员连续驾驶超过4小时")
        response = login(eve).get(reverse("inspections:finding_hazard", args=[finding.pk]))
        assert response.status_code == 200
        form = response.context["form"]
        enterprise = inspection.enterprises.get()
        assert form.initial["source"] == "inspection"
        assert form.initial["found_on"] == datetime.date(2020, 5, 20)
        assert form.initial["enterprise"] == enterprise.pk
        assert form.initial["description"] == "驾驶员连续驾驶超过4小时"
        assert form.initial["field"] == "road_transport"
        assert "驾驶员连续驾驶超过4小时" in response.content.decode()

    def test_saving_registers_the_hazard_and_links_the_finding(self, login, eve, inspection, township):
        finding = services.finding_add(user=eve, inspection=inspection, text="车辆卫星定位装置不在线")
        enterprise = inspection.enterprises.get()
        data = {
            "field": "road_transport",
            "level": "general",
            "source": "inspection",
            "location": "集里街道",
            "township": township.pk,
            "enterprise": enterprise.pk,
            "description": finding.text,
            "found_on": "2020-05-20",
            "responsible_unit": eve.unit_id,
            "responsible_person": "邱依娃",
            "measures": "限期整改",
            "funds": "0",
            "deadline": "2020-06-30",
            "contingency_plan": "",
        }
        response = login(eve).post(reverse("inspections:finding_hazard", args=[finding.pk]), data)
        assert response.status_code == 302, response.context["form"].errors
        hazard = Hazard.objects.get()
        finding.refresh_from_db()
        assert finding.hazard == hazard and hazard.found_by == eve and hazard.enterprise == enterprise
        assert hazard.source == "inspection"
        # once linked, the page leads to the hazard and a second one is refused
        again = login(eve).get(reverse("inspections:finding_hazard", args=[finding.pk]))
        assert again.status_code == 302 and again["Location"] == hazard.get_absolute_url()
        with pytest.raises(ValidationError, match="已录入隐患台账"):
            services.finding_register_hazard(user=eve, finding=finding, **{})
        with pytest.raises(ValidationError):
            services.finding_delete(user=eve, finding=finding)

    def test_alice_may_not_make_a_hazard_from_the_brigades_finding(self, login, eve, alice, inspection):
        finding = services.finding_add(user=eve, inspection=inspection, text="x")
        assert login(alice).get(reverse("inspections:finding_hazard", args=[finding.pk])).status_code == 404
        with pytest.raises(PermissionDenied):
            services.finding_register_hazard(user=alice, finding=finding, description="x")
        assert not Hazard.objects.exists()
