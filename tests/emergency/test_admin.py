"""Issue 12 at the admin door of the emergency app: special periods, drills and duties are added, changed and
deleted through the services the pages call (the keeper rule, the model's checks, the audit history with the
administrator as the actor); a drill's photos are added on its page only."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from emergency.choices import SpecialPeriodKind
from emergency.models import Drill, DutyAssignment, SpecialPeriod
from tests.emergency.factories import DrillFactory, DutyAssignmentFactory, SpecialPeriodFactory
from tests.enterprises.test_admin import form_errors

pytestmark = pytest.mark.django_db


def delete_selected(client, changelist: str, objects) -> None:
    response = client.post(
        reverse(changelist), {"action": "delete_selected", "_selected_action": [o.pk for o in objects], "post": "yes"}
    )
    assert response.status_code == 302


class TestSpecialPeriods:
    def test_an_administrator_adds_one_through_the_service(self, login, admin_user):
        response = login(admin_user).post(
            reverse("admin:emergency_specialperiod_add"),
            {"kind": SpecialPeriodKind.FLOOD_SEASON, "name": "  2020年汛期  ", "start_date": "2020-04-01",
             "end_date": "2020-09-30"},
        )  # fmt: skip
        assert response.status_code == 302, form_errors(response)
        period = SpecialPeriod.objects.get()
        assert period.name == "2020年汛期"  # the service strips it, as on the page
        assert LogEntry.objects.get_for_object(period).filter(actor=admin_user, action=LogEntry.Action.CREATE)

    def test_an_end_before_the_start_is_refused_and_nothing_changes(self, login, admin_user):
        period = SpecialPeriodFactory()
        response = login(admin_user).post(
            reverse("admin:emergency_specialperiod_change", args=[period.pk]),
            {"kind": period.kind, "name": period.name, "start_date": "2020-03-01", "end_date": "2020-02-01"},
        )
        assert response.status_code == 200
        assert form_errors(response)
        period.refresh_from_db()
        assert period.end_date == datetime.date(2020, 2, 18)

    def test_the_delete_action_deletes_through_the_service_with_the_actor(self, login, admin_user):
        periods = [SpecialPeriodFactory(), SpecialPeriodFactory(name="国庆")]
        delete_selected(login(admin_user), "admin:emergency_specialperiod_changelist", periods)
        assert not SpecialPeriod.objects.exists()
        deletions = LogEntry.objects.filter(action=LogEntry.Action.DELETE, content_type__model="specialperiod")
        assert {entry.actor for entry in deletions} == {admin_user}
        assert deletions.count() == 2


class TestDrills:
    def test_a_drill_without_units_is_refused_under_its_units(self, login, admin_user):
        response = login(admin_user).post(
            reverse("admin:emergency_drill_add"),
            {"date": "2020-06-16", "scenario": "防汛演练", "participants": "30", "summary": "", "location": ""},
        )
        assert response.status_code == 200
        assert set(form_errors(response)) == {"units"}
        assert not Drill.objects.exists()

    def test_an_administrator_records_one_as_its_author(self, login, admin_user, unit_a, unit_b):
        response = login(admin_user).post(
            reverse("admin:emergency_drill_add"),
            {"date": "2020-06-16", "scenario": " 防汛演练 ", "participants": "30", "summary": "", "location": "",
             "units": [unit_a.pk, unit_b.pk], "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"},
        )  # fmt: skip
        assert response.status_code == 302, form_errors(response)
        drill = Drill.objects.get()
        assert (drill.scenario, drill.created_by, set(drill.units.all())) == ("防汛演练", admin_user, {unit_a, unit_b})

    def test_its_photos_are_not_added_or_removed_in_the_admin(self, login, admin_user):
        drill = DrillFactory()
        page = login(admin_user).get(reverse("admin:emergency_drill_change", args=[drill.pk]))
        formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.prefix.startswith("photos"))
        assert not formset.has_add_permission
        assert not formset.has_delete_permission


def test_the_duty_delete_action_removes_through_the_service(login, admin_user, alice):
    duty = DutyAssignmentFactory(person=alice)
    delete_selected(login(admin_user), "admin:emergency_dutyassignment_changelist", [duty])
    assert not DutyAssignment.objects.exists()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE, actor=admin_user).exists()
