"""The emergency pages: wiring, the month view fit for printing, and refusals through every door."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from emergency.choices import DutyRole
from emergency.models import Drill, DutyAssignment, SpecialPeriod
from tests.emergency.factories import DrillFactory, DutyAssignmentFactory, SpecialPeriodFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keeper")]

DAY = datetime.date(2020, 1, 25)
DAY_URL = reverse("emergency:roster_day", args=[DAY.isoformat()])


class TestRosterMonth:
    def test_everyone_reads_the_month_with_duties_phones_and_periods(self, login, alice, leo):
        leo.phone = "0731-83612004"
        leo.save()
        DutyAssignmentFactory(date=DAY, person=leo, role=DutyRole.LEADER)
        DutyAssignmentFactory(date=DAY, person=alice, phone="13873100001")
        SpecialPeriodFactory()
        response = login(alice).get(reverse("emergency:roster_month", args=[2020, 1]))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('data-date="2020-01-') == 31
        row = html.split('data-date="2020-01-25"')[1].split("</tr>")[0]
        assert "李局长" in row and "0731-83612004" in row and "孙爱丽" in row and "13873100001" in row
        assert "roster-special" in html.split('data-date="2020-01-10"')[0].rsplit("<tr", 1)[1]
        assert "emergency/roster.css" in html

    def test_the_print_stylesheet_is_a4_landscape_without_navigation(self):
        from django.contrib.staticfiles import finders

        css = open(finders.find("emergency/roster.css"), encoding="utf-8").read()
        assert "@media print" in css and "size: A4 landscape" in css and "nav" in css

    def test_an_impossible_month_is_404(self, login, alice):
        assert login(alice).get(reverse("emergency:roster_month", args=[2020, 13])).status_code == 404

    def test_anonymous_users_are_sent_to_log_in(self, client):
        response = client.get(reverse("emergency:roster_month", args=[2020, 1]))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_the_current_month_redirects(self, login, alice):
        assert login(alice).get(reverse("emergency:roster_current")).status_code == 302


class TestRosterDay:
    def test_bob_adds_a_duty(self, login, bob, alice):
        response = login(bob).post(DAY_URL, {"date": DAY.isoformat(), "role": DutyRole.STAFF, "person": alice.pk})
        assert response.status_code == 302
        assert DutyAssignment.objects.get().person == alice

    def test_the_page_refuses_the_same_person_twice(self, login, bob, alice):
        DutyAssignmentFactory(date=DAY, person=alice)
        response = login(bob).post(DAY_URL, {"date": DAY.isoformat(), "role": DutyRole.LEADER, "person": alice.pk})
        assert response.status_code == 200
        assert "此人当天已有值班安排" in response.content.decode()
        assert DutyAssignment.objects.count() == 1

    def test_alice_reads_the_day_without_the_form(self, login, alice):
        response = login(alice).get(DAY_URL)
        assert response.status_code == 200 and 'id="duty-form"' not in response.content.decode()

    def test_alice_may_not_add_a_duty(self, login, alice):
        response = login(alice).post(DAY_URL, {"date": DAY.isoformat(), "role": DutyRole.STAFF, "person": alice.pk})
        assert response.status_code == 403
        assert not DutyAssignment.objects.exists()

    def test_alice_may_not_remove_a_duty(self, login, alice, bob):
        duty = DutyAssignmentFactory(date=DAY, person=alice)
        assert login(alice).post(reverse("emergency:duty_delete", args=[duty.pk])).status_code == 404
        assert DutyAssignment.objects.exists()
        assert login(bob).post(reverse("emergency:duty_delete", args=[duty.pk])).status_code == 302
        assert not DutyAssignment.objects.exists()

    def test_a_malformed_day_is_404(self, login, alice):
        assert login(alice).get(reverse("emergency:roster_day", args=["2020-02-30"])).status_code == 404


class TestPeriods:
    data = {"kind": "flood_season", "name": "2020年汛期", "start_date": "2020-04-01", "end_date": "2020-09-30"}

    def test_bob_marks_a_period(self, login, bob):
        assert login(bob).post(reverse("emergency:period_list"), self.data).status_code == 302
        assert SpecialPeriod.objects.get().name == "2020年汛期"

    def test_alice_may_not(self, login, alice):
        assert login(alice).post(reverse("emergency:period_list"), self.data).status_code == 403
        period = SpecialPeriodFactory()
        assert login(alice).post(reverse("emergency:period_delete", args=[period.pk])).status_code == 404
        assert SpecialPeriod.objects.count() == 1


@pytest.mark.usefixtures("tmp_media")
class TestDrills:
    def data(self, unit, **changes):
        return {
            "date": "2020-06-16",
            "scenario": "危险货物运输车辆泄漏事故应急演练",
            "location": "浏阳经开区",
            "units": [unit.pk],
            "participants": "40",
            "summary": "检验联动处置能力。",
            **changes,
        }

    def test_bob_records_a_drill_with_a_photo_and_everyone_reads_it(self, login, bob, alice, png, client):
        response = login(bob).post(reverse("emergency:drill_create"), self.data(bob.unit, photos=[png()]))
        drill = Drill.objects.get()
        assert response.status_code == 302 and response["Location"] == drill.get_absolute_url()
        client.force_login(alice)
        assert client.get(reverse("emergency:drill_list")).status_code == 200
        page = client.get(drill.get_absolute_url())
        assert page.status_code == 200 and "浏阳经开区" in page.content.decode()
        photo = drill.photos.get()
        assert client.get(photo.get_absolute_url()).status_code == 200

    def test_the_form_refuses_zero_participants_and_a_pdf(self, login, bob, pdf):
        client = login(bob)
        response = client.post(reverse("emergency:drill_create"), self.data(bob.unit, participants="0"))
        assert response.status_code == 200 and not Drill.objects.exists()
        response = client.post(reverse("emergency:drill_create"), self.data(bob.unit, photos=[pdf]))
        assert response.status_code == 200 and "不是照片" in response.content.decode()
        assert not Drill.objects.exists()

    def test_alice_may_not_record_or_edit_a_drill(self, login, alice):
        client = login(alice)
        assert client.get(reverse("emergency:drill_create")).status_code == 403
        assert client.post(reverse("emergency:drill_create"), self.data(alice.unit)).status_code == 403
        drill = DrillFactory()
        assert client.get(reverse("emergency:drill_edit", args=[drill.pk])).status_code == 404
        assert (
            not client.get(drill.get_absolute_url())
            .content.decode()
            .count(reverse("emergency:drill_edit", args=[drill.pk]))
        )

    def test_bob_edits_a_drill(self, login, bob):
        drill = DrillFactory(units=[bob.unit])
        response = login(bob).post(
            reverse("emergency:drill_edit", args=[drill.pk]), self.data(bob.unit, participants="66")
        )
        assert response.status_code == 302
        drill.refresh_from_db()
        assert drill.participants == 66

    def test_the_list_filters_by_unit(self, login, alice, unit_a, unit_b):
        DrillFactory(units=[unit_a], scenario="甲")
        DrillFactory(units=[unit_b], scenario="乙")
        html = login(alice).get(reverse("emergency:drill_list") + f"?unit={unit_a.pk}").content.decode()
        assert "甲" in html and "乙" not in html


class TestAdmin:
    def test_only_the_administrator_uses_the_admin(self, login, admin_user, bob):
        url = reverse("admin:emergency_dutyassignment_changelist")
        assert login(admin_user).get(url).status_code == 200
        assert login(bob).get(url).status_code == 302  # to the admin's login

    def test_an_administrator_adds_a_duty_through_the_service(self, login, admin_user, alice, leo):
        DutyAssignmentFactory(date=DAY, person=leo, role=DutyRole.LEADER)
        client = login(admin_user)
        url = reverse("admin:emergency_dutyassignment_add")
        data = {"date": DAY.isoformat(), "role": DutyRole.STAFF, "person": alice.pk, "phone": " 13873100001 "}
        assert client.post(url, {**data, "note": " 春节 "}).status_code == 302
        duty = DutyAssignment.objects.get(person=alice)
        assert (duty.phone, duty.note) == ("13873100001", "春节")  # the service strips what it is given
        assert LogEntry.objects.get_for_object(duty).filter(actor=admin_user).exists()

        second_leader = client.post(url, {**data, "person": admin_user.pk, "role": DutyRole.LEADER})
        assert second_leader.status_code == 200 and DutyAssignment.objects.count() == 2
