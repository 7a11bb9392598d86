"""The pages: wiring, forms, the steps offered, and a refusal for each door (pages, photos, admin)."""

import datetime
import re

import pytest
from django.urls import reverse

from safety import services
from safety.choices import HazardStatus
from safety.models import Hazard
from tests.factories import WorkPlanFactory

from .conftest import to_verifying
from .factories import png_upload, register_fields

pytestmark = pytest.mark.django_db
S = HazardStatus


def form_data(township, unit, **overrides) -> dict:
    data = {
        "field": "road_transport",
        "level": "general",
        "source": "inspection",
        "location": "淮川街道白沙西路客运站",
        "township": township.pk,
        "description": "安检制度落实不到位。",
        "found_on": "2020-05-10",
        "responsible_unit": unit.pk,
        "responsible_person": "张建军",
        "measures": "立即整改",
        "funds": "2.5",
        "deadline": "2020-06-30",
        "contingency_plan": "",
    }
    data.update(overrides)
    return data


def test_register_page_creates_a_hazard(login, eve, unit_a, huaichuan):
    client = login(eve)
    assert client.get(reverse("safety:hazard_create")).status_code == 200
    response = client.post(reverse("safety:hazard_create"), {**form_data(huaichuan, unit_a), "photos": [png_upload()]})
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    assert (hazard.code, hazard.found_by, hazard.responsible_unit) == ("YH-2020-0001", eve, unit_a)
    assert hazard.photos.count() == 1


def test_register_page_shows_row_errors(login, eve, unit_a, huaichuan):
    client = login(eve)
    response = client.post(
        reverse("safety:hazard_create"), form_data(huaichuan, unit_a, deadline="2020-05-01", funds="-3")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "deadline" in form.errors and "funds" in form.errors
    assert not Hazard.objects.exists()


def test_register_form_prefills_from_the_query_string(login, eve, huaichuan):
    response = login(eve).get(reverse("safety:hazard_create") + f"?township={huaichuan.pk}&source=public_report")
    form = response.context["form"]
    assert form.initial["township"] == str(huaichuan.pk) and form.initial["source"] == "public_report"


def test_hazard_form_accepts_initial_for_inspections(unit_a, huaichuan, alice):
    from safety.forms import HazardForm

    form = HazardForm(initial={"source": "inspection", "township": huaichuan.pk, "found_on": datetime.date(2020, 5, 1)})
    assert form["found_on"].value() == datetime.date(2020, 5, 1)
    data = form_data(huaichuan, unit_a)
    form = HazardForm(data)
    assert form.is_valid(), form.errors
    hazard = services.hazard_register(user=alice, **form.cleaned_data)  # as the inspections app calls it
    assert hazard.code.startswith("YH-2020-")


def test_detail_offers_only_the_legal_next_steps(login, hazard_a, alice, carol, eve, bob):
    url = hazard_a.get_absolute_url()
    assert set(login(alice).get(url).context["step_forms"]) == {"start"}
    services.hazard_start_rectification(user=alice, hazard=hazard_a)
    assert set(login(alice).get(url).context["step_forms"]) == {"report"}
    to_verifying_hazard = services.hazard_report_rectification(user=alice, hazard=hazard_a, note="完成")
    assert to_verifying_hazard.status == S.VERIFYING
    assert set(login(alice).get(url).context["step_forms"]) == set()  # the reporter: four eyes
    assert set(login(carol).get(url).context["step_forms"]) == {"verify"}
    assert set(login(bob).get(url).context["step_forms"]) == {"verify"}
    response = login(carol).get(url)
    assert b'id="verify-form"' in response.content and b'id="start-form"' not in response.content
    assert login(eve).get(url).status_code == 404


def test_steps_through_the_pages(login, hazard_a, alice, carol):
    client = login(alice)
    client.post(reverse("safety:hazard_start", args=[hazard_a.pk]), {"start-note": ""})
    client.post(
        reverse("safety:hazard_report", args=[hazard_a.pk]),
        {"report-note": "整改完成", "report-photos": [png_upload("整改.png")]},
    )
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.VERIFYING
    # alice may not verify her own report: refused with a message, nothing changes
    response = client.post(
        reverse("safety:hazard_verify", args=[hazard_a.pk]),
        {"verify-decision": "pass", "verify-note": "合格", "verify-photos": [png_upload()]},
        follow=True,
    )
    assert "整改报告人不能验收" in response.content.decode()
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.VERIFYING
    client = login(carol)
    response = client.post(
        reverse("safety:hazard_verify", args=[hazard_a.pk]), {"verify-decision": "pass", "verify-note": "合格"}
    )
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.VERIFYING  # no photo: the form refuses
    client.post(
        reverse("safety:hazard_verify", args=[hazard_a.pk]),
        {"verify-decision": "pass", "verify-note": "合格", "verify-photos": [png_upload()]},
    )
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.CLOSED


def test_step_pages_refuse_outsiders(login, hazard_a, eve):
    client = login(eve)
    for name in ("safety:hazard_start", "safety:hazard_report", "safety:hazard_sign_off", "safety:hazard_verify"):
        assert client.post(reverse(name, args=[hazard_a.pk]), {"note": "x"}).status_code == 404
    assert client.get(reverse("safety:hazard_edit", args=[hazard_a.pk])).status_code == 404
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.PENDING


def test_step_refused_by_the_rules_says_why(login, hazard_a, leo):
    response = login(leo).post(reverse("safety:hazard_start", args=[hazard_a.pk]), {"start-note": ""}, follow=True)
    assert response.status_code == 200
    assert "您无权对该隐患办理此环节" in response.content.decode()
    hazard_a.refresh_from_db()
    assert hazard_a.status == S.PENDING


def test_edit_page(login, hazard_a, carol, huaichuan, unit_a):
    client = login(carol)
    assert client.get(reverse("safety:hazard_edit", args=[hazard_a.pk])).status_code == 200
    response = client.post(
        reverse("safety:hazard_edit", args=[hazard_a.pk]), form_data(huaichuan, unit_a, measures="改后的措施")
    )
    assert response.status_code == 302
    hazard_a.refresh_from_db()
    assert hazard_a.measures == "改后的措施" and hazard_a.code == "YH-2020-0001"


def test_list_filters_and_visibility(login, alice, eve, leo, unit_a, unit_c):
    mine = services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    other = services.hazard_register(user=eve, **register_fields(responsible_unit=unit_c, level="major"))
    url = reverse("safety:hazard_list")
    assert [h.pk for h in login(alice).get(url).context["page_obj"]] == [mine.pk]
    assert {h.pk for h in login(leo).get(url).context["page_obj"]} == {mine.pk, other.pk}
    assert [h.pk for h in login(leo).get(url + "?level=major").context["page_obj"]] == [other.pk]
    assert [h.pk for h in login(leo).get(url + "?q=0001").context["page_obj"]] == [mine.pk]
    assert [h.pk for h in login(leo).get(url + f"?unit={unit_c.pk}").context["page_obj"]] == [other.pk]
    assert list(login(leo).get(url + "?year=2019").context["page_obj"]) == []
    assert list(login(leo).get(url + "?overdue=true").context["page_obj"])  # 2020 deadlines are long past


def test_photos_are_served_only_to_those_who_see_the_hazard(login, alice, eve, unit_a):
    hazard = services.hazard_register(user=alice, photos=[png_upload()], **register_fields(responsible_unit=unit_a))
    url = hazard.photos.get().get_absolute_url()
    response = login(alice).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert login(eve).get(url).status_code == 404


def test_zero_out_page(login, leo, alice, unit_a):
    WorkPlanFactory(year=2020)  # the data's year: the default year of every page (core.periods)
    services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a, level="major"))
    response = login(leo).get(reverse("safety:zero_out") + "?year=2020")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.totals.total == 1 and summary.totals.open == 1 and len(summary.open_major) == 1
    assert response.context["years"] == [2020]
    assert login(leo).get(reverse("safety:zero_out")).context["year"] == 2020  # not this year: it has no plan
    for year in ("99999", "abc"):  # out of range or not a number: the latest year, not an error
        assert login(leo).get(reverse("safety:zero_out") + f"?year={year}").context["year"] == 2020


# Admin --------------------------------------------------------------------------------------------------------


def test_admin_refuses_everyone_but_administrators(login, hazard_a, carol, leo):
    for user in (carol, leo):
        response = login(user).get(reverse("admin:safety_hazard_change", args=[hazard_a.pk]))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_admin_cannot_add_delete_or_move_status(login, hazard_a, admin_user):
    client = login(admin_user)
    assert client.get(reverse("admin:safety_hazard_add")).status_code == 403
    assert client.post(reverse("admin:safety_hazard_delete", args=[hazard_a.pk]), {"post": "yes"}).status_code == 403
    page = client.get(reverse("admin:safety_hazard_change", args=[hazard_a.pk]))
    assert page.status_code == 200
    assert not re.search(rb'name="status"', page.content)  # shown read-only
    data = {
        "field": hazard_a.field,
        "level": hazard_a.level,
        "source": hazard_a.source,
        "location": hazard_a.location,
        "township": hazard_a.township_id,
        "description": hazard_a.description,
        "found_on": "2020-05-10",
        "responsible_unit": hazard_a.responsible_unit_id,
        "responsible_person": "新责任人",
        "measures": hazard_a.measures,
        "funds": "2.00",
        "deadline": "2020-06-30",
        "contingency_plan": "",
        "status": "closed",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:safety_hazard_change", args=[hazard_a.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    hazard_a.refresh_from_db()
    assert hazard_a.responsible_person == "新责任人"  # through hazard_update
    assert hazard_a.status == S.PENDING  # the status field was ignored


def test_admin_shows_a_closed_hazard_read_only(login, verifying_a, admin_user, dave):
    services.hazard_verify(user=dave, hazard=verifying_a, passed=True, note="合格", photos=[png_upload()])
    page = login(admin_user).get(reverse("admin:safety_hazard_change", args=[verifying_a.pk]))
    assert page.status_code == 200
    assert b'name="measures"' not in page.content


def test_transitions_are_read_only_in_admin(login, verifying_a, admin_user):
    step = verifying_a.transitions.first()
    client = login(admin_user)
    assert client.get(reverse("admin:safety_hazardtransition_changelist")).status_code == 200
    response = client.post(reverse("admin:safety_hazardtransition_change", args=[step.pk]), {"note": "改"})
    assert response.status_code == 403


def test_unused_fixture_free_helper(hazard_a, carol):
    """to_verifying is the conftest's way to reach 待验收; it leaves the reporter recorded."""
    hazard = to_verifying(hazard_a, carol)
    assert hazard.rectification_reported_by == carol
