"""The to-do page (待办): each group shows exactly what awaits each persona, nothing of another unit; the header's
count is the sum of the page's lists; constant queries as rows grow; where each role lands; lines open the step."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.choices import ReviewState
from core.imports.choices import JobPhase, JobState
from core.models import ImportJob
from plans.choices import MeasureStatus
from projects.choices import ProjectStage
from safety.choices import HazardLevel, HazardStatus
from tests.factories import MeasureFactory, ProgressReportFactory, UnitFactory, UserFactory
from tests.projects.factories import MonthlyProgressFactory, ProjectFactory
from tests.safety.factories import HazardFactory
from todo.selectors import todo_counts, todo_groups

TODAY = datetime.date(2020, 11, 30)
NOVEMBER = datetime.date(2020, 11, 1)
TODO = reverse("todo:todo_list")


@pytest.fixture(autouse=True)
def _demo_day(settings):
    settings.PORTAL_TODAY = TODAY


@pytest.fixture
def unit_c(db):
    """A unit nobody of the personas belongs to, overseen by another leader."""
    from tests.factories import LeaderFactory

    return UnitFactory(name="运输管理科", overseeing_leader=LeaderFactory(username="lin"))


def keys(user) -> dict[str, set[str]]:
    """Per source, the titles of the lines ``user``'s to-do shows."""
    return {part.source.key: {line.title for line in part.lines} for g in todo_groups(user) for part in g.parts}


def urls(user) -> dict[str, list[str]]:
    return {part.source.key: [line.url for line in part.lines] for g in todo_groups(user) for part in g.parts}


# Reports to review: the unit head, their own unit only, never their own -------------------------------------------


def test_reports_to_review_reach_the_unit_head_of_their_unit_only(alice, carol, bob, dave, measure_a, measure_b):
    report = ProgressReportFactory(measure=measure_a, author=alice, month=NOVEMBER, submitted=True)
    own = ProgressReportFactory(
        measure=MeasureFactory(lead_unit=carol.unit), author=carol, month=NOVEMBER, submitted=True
    )
    ProgressReportFactory(measure=measure_b, author=bob, month=NOVEMBER, submitted=True)
    progress = MonthlyProgressFactory(project=ProjectFactory(responsible_unit=carol.unit), author=alice, submitted=True)
    assert [u.split("#")[0] for u in urls(carol)["plans.review"]] == [report.get_absolute_url()]
    assert urls(carol)["plans.review"][0].endswith("#review-form")
    assert str(own.measure.title) not in " ".join(keys(carol)["plans.review"])  # four eyes
    assert [u.split("#")[0] for u in urls(carol)["projects.review"]] == [progress.get_absolute_url()]
    for staff in (alice, bob):
        assert "plans.review" not in keys(staff) and "projects.review" not in keys(staff)
    assert len(keys(dave)["plans.review"]) == 1 and "projects.review" not in keys(dave)


# Returned to me, with the reason ------------------------------------------------------------------------------------


def test_a_returned_report_reaches_its_author_with_the_reason(client, login, alice, carol, bob, measure_a):
    report = ProgressReportFactory(
        measure=measure_a,
        author=alice,
        month=NOVEMBER,
        state=ReviewState.RETURNED,
        submitted_at=timezone.now(),
        reviewed_by=carol,
        reviewed_at=timezone.now(),
        return_reason="数据有误，请核实",
    )
    progress = MonthlyProgressFactory(
        project=ProjectFactory(responsible_unit=alice.unit),
        author=alice,
        state=ReviewState.RETURNED,
        submitted_at=timezone.now(),
        return_reason="投资额偏高",
    )
    assert urls(alice)["plans.returned"] == [reverse("plans:report_edit", args=[report.pk])]
    assert urls(alice)["projects.returned"] == [reverse("projects:progress_edit", args=[progress.pk])]
    page = login(alice).get(TODO).content.decode()
    assert "数据有误，请核实" in page and "投资额偏高" in page
    for other in (carol, bob):
        assert "plans.returned" not in keys(other) and "projects.returned" not in keys(other)


# This month's reports to write ------------------------------------------------------------------------------------


def test_this_months_reports_to_write_for_the_units_measures_and_projects(alice, carol, bob, measure_a, measure_b):
    written = MeasureFactory(lead_unit=alice.unit, key_task=measure_a.key_task)
    ProgressReportFactory(measure=written, author=alice, month=NOVEMBER, submitted=True)
    drafted = MeasureFactory(lead_unit=alice.unit, key_task=measure_a.key_task)
    draft = ProgressReportFactory(measure=drafted, author=alice, month=NOVEMBER)
    MeasureFactory(lead_unit=alice.unit, key_task=measure_a.key_task, status=MeasureStatus.COMPLETED)
    building = ProjectFactory(responsible_unit=alice.unit)
    ProjectFactory(responsible_unit=alice.unit, stage=ProjectStage.COMPLETED)
    reported = ProjectFactory(responsible_unit=alice.unit)
    MonthlyProgressFactory(project=reported, month=NOVEMBER, author=alice, submitted=True)
    ProjectFactory(responsible_unit=bob.unit)
    for member in (alice, carol):
        assert sorted(urls(member)["plans.to_write"]) == sorted(
            [reverse("plans:report_create", args=[measure_a.pk]), reverse("plans:report_edit", args=[draft.pk])]
        )
        assert urls(member)["projects.to_write"] == [reverse("projects:progress_create", args=[building.pk])]
    assert urls(bob)["plans.to_write"] == [reverse("plans:report_create", args=[measure_b.pk])]
    assert "projects.to_write" in keys(bob) and building.name not in " ".join(keys(bob)["projects.to_write"])


# Hazards: the step is mine ------------------------------------------------------------------------------------------


def test_hazard_steps_by_role_and_unit(alice, carol, bob, dave, leo, unit_a, unit_c):
    pending = HazardFactory(responsible_unit=unit_a, deadline=datetime.date(2020, 12, 20))
    rectifying = HazardFactory(responsible_unit=unit_a, status=HazardStatus.RECTIFYING)
    verifying = HazardFactory(
        responsible_unit=unit_a,
        status=HazardStatus.VERIFYING,
        rectification_reported_by=alice,
        rectification_reported_at=timezone.now(),
    )
    major = HazardFactory(
        responsible_unit=unit_a,
        status=HazardStatus.VERIFYING,
        level=HazardLevel.MAJOR,
        ever_major=True,
        rectification_reported_by=alice,
        rectification_reported_at=timezone.now(),
    )
    HazardFactory(responsible_unit=unit_c)  # another unit's
    other_major = HazardFactory(  # another leader's unit's major hazard
        responsible_unit=unit_c,
        status=HazardStatus.VERIFYING,
        level=HazardLevel.MAJOR,
        ever_major=True,
        rectification_reported_by=alice,
        rectification_reported_at=timezone.now(),
    )

    def hazards(user, key):
        return {url.split("#")[0] for url in urls(user).get(key, [])}

    for member in (alice, carol):
        assert hazards(member, "safety.start") == {pending.get_absolute_url()}
        assert hazards(member, "safety.report") == {rectifying.get_absolute_url()}
    assert hazards(alice, "safety.verify") == set()  # staff do not verify, and she reported both
    assert hazards(carol, "safety.verify") == {verifying.get_absolute_url(), major.get_absolute_url()}
    # the safety-supervising unit verifies every unit's hazards (hazard_rule), so it sees unit C's too
    assert (
        hazards(bob, "safety.verify")
        == hazards(dave, "safety.verify")
        == {verifying.get_absolute_url(), major.get_absolute_url(), other_major.get_absolute_url()}
    )
    assert hazards(bob, "safety.start") == set()  # supervising safety is verifying, not rectifying others' hazards
    assert hazards(leo, "safety.sign_off") == {major.get_absolute_url()}
    assert urls(carol)["safety.start"][0].endswith("#steps")


# 督办 and overdue ----------------------------------------------------------------------------------------------------


def test_supervised_and_overdue_items_of_my_unit_and_a_leaders_overseen_units(alice, bob, leo, unit_a, unit_c):
    supervised = MeasureFactory(
        lead_unit=unit_a,
        due_date=datetime.date(2020, 10, 24),
        supervised_at=timezone.now(),
        supervised_by=leo,
        supervision_note="务必月底前完成",
    )
    late = MeasureFactory(lead_unit=unit_a, due_date=datetime.date(2020, 11, 1))
    MeasureFactory(lead_unit=unit_a, due_date=datetime.date(2020, 11, 1), status=MeasureStatus.COMPLETED)
    MeasureFactory(lead_unit=unit_c, due_date=datetime.date(2020, 11, 1))
    hazard = HazardFactory(
        responsible_unit=unit_a,
        status=HazardStatus.VERIFYING,
        deadline=datetime.date(2020, 11, 10),
        rectification_reported_by=alice,
        rectification_reported_at=timezone.now(),
    )
    HazardFactory(responsible_unit=unit_c, deadline=datetime.date(2020, 11, 10))

    for user in (alice, leo):
        assert urls(user)["plans.supervised"] == [supervised.get_absolute_url()]
        assert urls(user)["plans.overdue"] == [late.get_absolute_url()]
        assert [u.split("#")[0] for u in urls(user)["safety.overdue"]] == [hazard.get_absolute_url()]
    line = next(p.lines[0] for g in todo_groups(alice) for p in g.parts if p.source.key == "plans.supervised")
    assert line.overdue_days == 37 and line.note == "务必月底前完成"
    assert "plans.overdue" not in keys(bob) and "plans.supervised" not in keys(bob)


def test_import_jobs_waiting_for_my_confirmation(alice, bob):
    def job(user, **fields):
        values = {"phase": JobPhase.PREVIEW, "state": JobState.SUCCEEDED, "stored_file": "imports/x.xlsx"}
        values.update(fields)
        return ImportJob.objects.create(
            user=user,
            flow_key="safety.hazard",
            resource="r",
            file_name="台账.xlsx",
            file_format="xlsx",
            rows_total=1500,
            **values,
        )

    waiting = job(alice)
    job(alice, issue_count=3)
    job(alice, phase=JobPhase.CONFIRM)
    job(bob)
    assert urls(alice)["core.import_job"] == [reverse("import_job", args=[waiting.pk])]


# The header, the home page, the caps ---------------------------------------------------------------------------------


def _world(unit, author, head, size: int):
    measure = MeasureFactory(lead_unit=unit, due_date=datetime.date(2020, 11, 1))
    for index in range(size):
        m = MeasureFactory(lead_unit=unit, key_task=measure.key_task, due_date=datetime.date(2020, 11, 1))
        ProgressReportFactory(measure=m, author=author, month=NOVEMBER, submitted=True)
        HazardFactory(responsible_unit=unit, deadline=datetime.date(2020, 11, 2 + index % 20))
        MonthlyProgressFactory(project=ProjectFactory(responsible_unit=unit), author=author, submitted=True)


def test_the_header_count_is_the_sum_of_the_pages_lists(login, alice, carol, unit_a):
    _world(unit_a, alice, carol, 3)
    client = login(carol)
    response = client.get(TODO)
    groups = response.context["groups"]
    lines = sum(len(part.lines) for group in groups for part in group.parts)
    assert response.context["total"] == sum(todo_counts(carol).values()) == lines > 0
    badge = client.get(reverse("todo:todo_badge")).content.decode()  # loaded into the header by htmx
    assert f'data-count="{lines}"' in badge and f">{lines}</span>" in badge
    other_page = client.get(reverse("plans:measure_list")).content.decode()
    assert f'hx-get="{reverse("todo:todo_badge")}" hx-trigger="load"' in other_page


def test_long_groups_are_capped_with_the_count_and_a_link(settings, login, alice, carol, unit_a):
    settings.TODO_GROUP_ROWS = 2
    _world(unit_a, alice, carol, 5)
    part = next(p for g in todo_groups(carol) for p in g.parts if p.source.key == "plans.review")
    assert (part.count, len(part.lines), part.more) == (5, 2, 3) and part.more_url == reverse("plans:review_queue")
    assert sum(todo_counts(carol).values()) == sum(p.count for g in todo_groups(carol) for p in g.parts)
    assert reverse("plans:review_queue") in login(carol).get(TODO).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_constant_queries_on_the_page_and_the_header_as_rows_grow(login, alice, carol, unit_a):
    client = login(carol)
    _world(unit_a, alice, carol, 2)
    badge = reverse("todo:todo_badge")
    small_page, small_badge = _queries(client, TODO), _queries(client, badge)
    _world(unit_a, alice, carol, 15)
    assert _queries(client, TODO) == small_page
    assert _queries(client, badge) == small_badge
    with CaptureQueriesContext(connection) as queries:
        todo_counts(carol)
    assert len(queries) == 1  # every source's count in one SELECT


def test_home_redirect_per_role(login, alice, carol, leo, admin_user):
    assert login(alice).get(reverse("home")).url == TODO
    assert login(carol).get(reverse("home")).url == TODO
    assert login(leo).get(reverse("home")).url == reverse("dashboard:dashboard")
    assert login(admin_user).get(reverse("home")).url == reverse("plans:plan_current")


def test_every_line_opens_a_page_its_user_may_open(login, alice, carol, leo, unit_a):
    _world(unit_a, alice, carol, 2)
    HazardFactory(
        responsible_unit=unit_a,
        status=HazardStatus.VERIFYING,
        level=HazardLevel.MAJOR,
        ever_major=True,
        rectification_reported_by=alice,
        rectification_reported_at=timezone.now(),
    )
    for user in (alice, carol, leo):
        client = login(user)
        for source_urls in urls(user).values():
            for url in source_urls:
                assert client.get(url.split("#")[0]).status_code == 200, url


def test_another_units_staff_sees_nothing_of_unit_a(alice, carol, unit_a, unit_c):
    _world(unit_a, alice, carol, 3)
    stranger = UserFactory(username="chen", unit=unit_c)
    assert sum(todo_counts(stranger).values()) == 0
    assert todo_groups(stranger) == []
