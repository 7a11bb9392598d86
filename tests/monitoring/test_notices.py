"""Supervision notices (督办) and the drivers listed for education: an enterprise above the threshold in a closed
month gets exactly one notice (running again, by an import or the daily task, raises nothing new); its reply is
due in the reminders registry and recorded by staff who may; refusals read like missing; query counts."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring import selectors, services, tasks
from monitoring.models import SupervisionNotice, Threshold, VehicleDayMileage
from monitoring.resources import AlarmResource
from reminders import registry
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory
from tests.factories import UserFactory

from .factories import DriverFactory
from .test_import import ALARM_HEADERS, FATIGUE, gbk_csv, run
from .world import NOVEMBER, alarm, at, build

pytestmark = pytest.mark.django_db
D = datetime.date
NOTICES = reverse("monitoring:notice_list")
EDUCATION = reverse("monitoring:education")


@pytest.fixture
def world(vehicle_a, driver_a, vehicle_b, driver_b):
    build(vehicle_a, driver_a, vehicle_b, driver_b)


@pytest.fixture
def threshold(db):
    """From January 2020: above 2 alarms per 1,000 km (enterprise_a's November is 4.00, enterprise_b's 1.00)."""
    return Threshold.objects.create(valid_from=D(2020, 1, 1), per_1000_km=Decimal("2.00"), education_months=2)


@pytest.fixture
def december(settings):
    settings.PORTAL_TODAY = D(2020, 12, 3)


@pytest.fixture
def notice(world, threshold, december):
    (issued,) = services.notices_issue(month=NOVEMBER)
    return issued


def test_an_enterprise_above_the_threshold_gets_one_notice_for_the_month(world, threshold, december, enterprise_a):
    issued = services.notices_issue(month=NOVEMBER)

    assert [(n.enterprise, n.month, n.alarms, n.km, n.per_1000_km, n.threshold, n.due_on) for n in issued] == [
        (enterprise_a, NOVEMBER, 4, Decimal("1000.0"), Decimal("4.00"), Decimal("2.00"), D(2020, 12, 18))
    ]
    assert services.notices_issue(month=NOVEMBER) == []  # idempotent: running twice raises nothing new
    assert tasks.notices_sweep_task.apply().get() == 0
    assert SupervisionNotice.objects.count() == 1
    assert LogEntry.objects.get_for_object(issued[0]).count() == 1  # issuing is in the audit history


def test_the_daily_task_issues_last_months_notices_once(world, threshold, december, enterprise_a):
    assert tasks.notices_sweep_task.apply().get() == 1
    assert tasks.notices_sweep_task.apply().get() == 0
    assert SupervisionNotice.objects.get().enterprise == enterprise_a


def test_no_threshold_or_a_higher_one_issues_nothing(world, december):
    assert services.notices_issue(month=NOVEMBER) == []
    Threshold.objects.create(valid_from=D(2020, 11, 1), per_1000_km=Decimal("4.00"))  # 4.00 is not above it
    assert services.notices_issue(month=NOVEMBER) == []


def test_the_threshold_in_force_is_the_latest_that_started(threshold):
    later = Threshold.objects.create(valid_from=D(2020, 12, 1), per_1000_km=Decimal("1.00"))
    assert services.threshold_for(NOVEMBER) == threshold
    assert services.threshold_for(D(2021, 3, 1)) == later
    assert services.threshold_for(D(2019, 12, 1)) is None


def test_only_administrators_set_thresholds(admin_user, bob):
    saved = services.threshold_save(user=admin_user, valid_from=D(2021, 2, 14), per_1000_km=Decimal("3"))
    assert saved.valid_from == D(2021, 2, 1)
    with pytest.raises(PermissionDenied):
        services.threshold_save(user=bob, threshold=saved, per_1000_km=Decimal("1"))


def test_an_import_of_a_closed_month_issues_the_notice(bob, vehicle_a, driver_a, threshold, december):
    services.mileage_record(
        user=bob, mileage=VehicleDayMileage(vehicle=vehicle_a, driver=driver_a, day=D(2020, 11, 3), km=100)
    )
    outcome = run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [FATIGUE]))

    assert outcome.ok
    notice = SupervisionNotice.objects.get()
    assert (notice.enterprise, notice.per_1000_km) == (vehicle_a.enterprise, Decimal("10.00"))


def test_an_import_of_the_current_month_issues_nothing_yet(bob, vehicle_a, driver_a, threshold, settings):
    settings.PORTAL_TODAY = D(2020, 11, 20)
    services.mileage_record(
        user=bob, mileage=VehicleDayMileage(vehicle=vehicle_a, driver=driver_a, day=D(2020, 11, 3), km=100)
    )
    assert run(AlarmResource, bob, gbk_csv(ALARM_HEADERS, [FATIGUE])).ok
    assert not SupervisionNotice.objects.exists()


# The reply ---------------------------------------------------------------------------------------------------------


def test_the_reply_is_due_in_the_reminders_registry_until_it_is_recorded(notice, alice, unit_a, enterprise_a):
    source = registry.source("monitoring.notice")
    (item,) = source.items(today=D(2020, 12, 3), last_day=D(2020, 12, 31))
    assert (item.key, item.due_date, item.unit_id, item.url) == (
        str(notice.pk),
        D(2020, 12, 18),
        unit_a.pk,
        notice.get_absolute_url(),
    )
    assert enterprise_a.name in item.title and "2020-11" in item.title

    services.notice_reply_record(
        user=alice, notice=notice, reply="已约谈企业负责人，整改完毕", replied_on=D(2020, 12, 3)
    )

    assert list(source.items(today=D(2020, 12, 3), last_day=D(2020, 12, 31))) == []
    assert [done.key for done in source.completed(D(2020, 12, 1), D(2020, 12, 7))] == [str(notice.pk)]
    notice.refresh_from_db()
    assert (notice.reply_recorded_by, notice.replied_on) == (alice, D(2020, 12, 3))


def test_a_reply_needs_text_and_a_date_not_in_the_future(notice, alice):
    with pytest.raises(ValidationError) as error:
        services.notice_reply_record(user=alice, notice=notice, reply=" ", replied_on=D(2020, 12, 4))
    assert set(error.value.error_dict) == {"reply", "replied_on"}


def test_another_units_staff_may_not_record_the_reply(notice, bob, leo):
    # bob is the safety-supervising unit: he may; leo (a leader) reads everything but records nothing
    services.notice_reply_record(user=bob, notice=notice, reply="已整改", replied_on=D(2020, 12, 1))
    with pytest.raises(PermissionDenied):
        services.notice_reply_record(user=leo, notice=notice, reply="已整改", replied_on=D(2020, 12, 1))


def test_the_notice_page_records_the_reply(notice, login, alice):
    url = notice.get_absolute_url()
    response = login(alice).post(url, {"reply": "已约谈企业负责人", "replied_on": "2020-12-02"})

    assert response.status_code == 302 and response.url == url
    page = login(alice).get(url).content.decode()
    assert "已约谈企业负责人" in page and "notice-reply-form" in page


@pytest.fixture
def charlie(db):
    """Staff of a third unit, which supervises neither enterprise."""
    return UserFactory(username="charlie", full_name="陈查理")


def test_the_notice_reads_as_missing_to_a_unit_that_does_not_supervise_the_enterprise(notice, login, charlie):
    client = login(charlie)

    assert client.get(notice.get_absolute_url()).status_code == 404
    assert client.post(notice.get_absolute_url(), {"reply": "x", "replied_on": "2020-12-02"}).status_code == 404
    assert client.get(NOTICES).context["page_obj"].paginator.count == 0
    with pytest.raises(PermissionDenied):
        services.notice_reply_record(user=charlie, notice=notice, reply="已整改", replied_on=D(2020, 12, 1))


def test_a_leader_sees_the_notice_without_the_reply_form_and_may_not_post(notice, login, leo):
    client = login(leo)

    response = client.get(notice.get_absolute_url())
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(notice.get_absolute_url(), {"reply": "x", "replied_on": "2020-12-02"}).status_code == 403


def test_the_notice_list_query_count_does_not_grow_with_the_rows(notice, login, bob, december):
    client = login(bob)
    with CaptureQueriesContext(connection) as one:
        assert client.get(NOTICES).status_code == 200
    for number in range(5):
        SupervisionNotice.objects.create(
            enterprise=EnterpriseFactory(),
            month=D(2020, 10 - number, 1),
            km=1000,
            alarms=9,
            per_1000_km=Decimal("9.00"),
            threshold=Decimal("2.00"),
            due_on=D(2020, 12, 18),
        )
    with CaptureQueriesContext(connection) as six:
        page = client.get(NOTICES)
    assert page.context["page_obj"].paginator.count == 6
    assert len(six) == len(one)


# Education ---------------------------------------------------------------------------------------------------------


def second_month(vehicle, driver, km: int, alarms: int) -> None:
    """October 2020 for ``driver``: ``km`` km on the 6th and ``alarms`` fatigue alarms."""
    day = D(2020, 10, 6)
    VehicleDayMileage.objects.create(vehicle=vehicle, driver=driver, day=day, km=km)
    for minute in range(alarms):
        alarm(vehicle, driver, "fatigue", at(day, 9, minute))
    services.rollup_rebuild(keys=[(vehicle.pk, day)])


def test_a_driver_above_the_threshold_for_the_consecutive_months_is_listed(
    world, threshold, vehicle_a, driver_a, vehicle_b, driver_b, admin_user
):
    second_month(vehicle_a, driver_a, km=1000, alarms=3)  # 3.00 in October, 4.00 in November: listed
    second_month(vehicle_b, driver_b, km=1000, alarms=9)  # 9.00 in October, but 1.00 in November

    listed = selectors.education_list(user=admin_user, month=NOVEMBER)

    assert listed.months == [D(2020, 10, 1), NOVEMBER]
    assert [(row.driver, row.rates) for row in listed.rows] == [(driver_a, [Decimal("3.00"), Decimal("4.00")])]


def test_one_month_above_is_not_enough(world, threshold, admin_user):
    assert selectors.education_list(user=admin_user, month=NOVEMBER).rows == []


def test_the_education_page_lists_only_what_the_user_may_see(
    world, threshold, vehicle_a, driver_a, login, charlie, bob
):
    second_month(vehicle_a, driver_a, km=1000, alarms=3)

    assert driver_a.name in login(bob).get(EDUCATION, {"month": "2020-11"}).content.decode()
    assert driver_a.name not in login(charlie).get(EDUCATION, {"month": "2020-11"}).content.decode()


def test_the_education_page_query_count_does_not_grow_with_the_drivers(
    world, threshold, vehicle_a, driver_a, login, bob
):
    # the session and user, the thresholds, the rollups by driver and month, the drivers listed (and their enterprise)
    second_month(vehicle_a, driver_a, km=1000, alarms=3)
    client = login(bob)
    with CaptureQueriesContext(connection) as before:
        client.get(EDUCATION, {"month": "2020-11"})
    for number in range(4):
        enterprise = EnterpriseFactory()
        vehicle = VehicleFactory(plate=f"湘A9000{number}", enterprise=enterprise)
        driver = DriverFactory(enterprise=enterprise)
        second_month(vehicle, driver, km=100, alarms=5)
        day = D(2020, 11, 7)
        VehicleDayMileage.objects.create(vehicle=vehicle, driver=driver, day=day, km=100)
        alarm(vehicle, driver, "phone", at(day, 9))
        services.rollup_rebuild(keys=[(vehicle.pk, day)])
    with CaptureQueriesContext(connection) as after:
        response = client.get(EDUCATION, {"month": "2020-11"})
    assert len(response.context["listed"].rows) == 5
    assert len(after) == len(before)


def test_the_daily_check_is_in_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="monitoring.notices_sweep")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("6", "30")


def test_an_administrator_sets_a_threshold_in_the_admin_through_the_service(login, admin_user):
    response = login(admin_user).post(
        reverse("admin:monitoring_threshold_add"),
        {"valid_from": "2021-03-15", "per_1000_km": "2.50", "reply_days": "10", "education_months": "3"},
    )

    assert response.status_code == 302
    threshold = Threshold.objects.get()
    assert (threshold.valid_from, threshold.per_1000_km) == (D(2021, 3, 1), Decimal("2.50"))
    assert LogEntry.objects.get_for_object(threshold).get().actor == admin_user


def test_the_notices_are_read_only_in_the_admin(notice, login, admin_user):
    client = login(admin_user)
    assert client.get(reverse("admin:monitoring_supervisionnotice_changelist")).status_code == 200
    assert client.get(reverse("admin:monitoring_supervisionnotice_add")).status_code == 403
