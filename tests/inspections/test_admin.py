"""Issue 12 at the admin door of inspections: added and changed through ``inspection_create`` / ``_update``
(a drawn inspection keeps what its draw decided; at least one inspector), findings shown only — they are added on
the inspection's page, where one may go to the hazard register."""

import datetime

import pytest
from django.urls import reverse

from inspections import services
from inspections.choices import InspectionKind
from inspections.models import Inspection
from tests.enterprises.test_admin import form_errors
from tests.inspections.factories import InspectionFactory
from tests.inspections.test_draws import make

pytestmark = pytest.mark.django_db


def inspection_data(inspection, **changes) -> dict:
    return {
        "kind": inspection.kind,
        "date": f"{inspection.date:%Y-%m-%d}",
        "inspectors": [u.pk for u in inspection.inspectors.all()],
        "enterprises": [e.pk for e in inspection.enterprises.all()],
        "projects": [p.pk for p in inspection.projects.all()],
        "summary": inspection.summary,
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
        **changes,
    }


def test_a_routine_inspection_without_enterprises_or_projects_takes_the_services_message(
    login, admin_user, brigade, eve
):
    response = login(admin_user).post(
        reverse("admin:inspections_inspection_add"),
        {"kind": InspectionKind.ROUTINE, "date": "2020-05-12", "lead_unit": brigade.pk, "inspectors": [eve.pk],
         "summary": "日常检查", "findings-TOTAL_FORMS": "0", "findings-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert form_errors(response) == {"enterprises": ["请填写被检查的企业或项目。"]}
    assert not Inspection.objects.exists()


def test_an_administrator_adds_one_as_its_author(login, admin_user, brigade, eve, enterprises):
    response = login(admin_user).post(
        reverse("admin:inspections_inspection_add"),
        {"kind": InspectionKind.ROUTINE, "date": "2020-05-12", "lead_unit": brigade.pk, "inspectors": [eve.pk],
         "enterprises": [enterprises[0].pk], "summary": " 日常检查 ", "findings-TOTAL_FORMS": "0",
         "findings-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302, form_errors(response)
    inspection = Inspection.objects.get()
    assert (inspection.created_by, inspection.summary, list(inspection.enterprises.all())) == (
        admin_user, "日常检查", [enterprises[0]]
    )  # fmt: skip


@pytest.mark.usefixtures("pool")
def test_a_drawn_inspection_keeps_its_enterprises_in_the_admin(login, admin_user, eve, enterprises):
    draw = make(eve)
    inspection = services.draw_create_inspections(user=eve, draw=draw, date=datetime.date(2020, 5, 20))[0]
    drawn = list(inspection.enterprises.all())
    other = next(e for e in enterprises if e not in drawn)
    response = login(admin_user).post(
        reverse("admin:inspections_inspection_change", args=[inspection.pk]),
        inspection_data(inspection, enterprises=[other.pk]),
    )
    assert response.status_code == 200
    assert "由抽取结果确定" in str(form_errors(response))
    assert list(inspection.enterprises.all()) == drawn


def test_findings_are_shown_not_added_in_the_admin(login, admin_user, brigade, eve):
    inspection = InspectionFactory(lead_unit=brigade, inspectors=[eve])
    page = login(admin_user).get(reverse("admin:inspections_inspection_change", args=[inspection.pk]))
    (formset,) = page.context["inline_admin_formsets"]
    assert not formset.has_add_permission
    assert not formset.has_change_permission
    assert not formset.has_delete_permission
