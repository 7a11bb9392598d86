"""No page makes a query per row: each page costs as many queries with 3N rows as with N.

Each test renders its page once to warm the caches (content types, sessions), then counts the queries of a
page with N rows and of the same page after 2N more rows were added. The comment on each test lists the queries
the page is expected to make, whatever the number of rows.
"""

import datetime
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.choices import ReviewState
from plans import services
from tests.factories import (
    CheckpointFactory,
    LeaderFactory,
    MeasureCommentFactory,
    MeasureFactory,
    ProgressReportFactory,
    ReportAttachmentFactory,
    ReportProblemFactory,
    UnitFactory,
    UserFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db

N = 4
SUPERVISED = datetime.datetime(2020, 6, 1, tzinfo=datetime.UTC)


def queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def without_values(sql: str) -> str:
    return re.sub(r"'[^']*'", "?", sql)


def assert_same_cost(client, path: str, add_rows) -> None:
    """The page's queries with N rows and with 3N rows (after ``add_rows(n)`` twice more) are as many."""
    add_rows(N)
    queries(client, path)  # warm-up
    few = queries(client, path)
    add_rows(2 * N)
    many = queries(client, path)
    extra = Counter(map(without_values, many)) - Counter(map(without_values, few))
    assert len(many) == len(few), "queries added by the rows:\n" + "\n".join(f"{n} × {sql}" for sql, n in extra.items())


def months(count: int, start: int = 0) -> list[datetime.date]:
    """Distinct first days of months from January 2010 on (a measure takes one report a month)."""
    return [datetime.date(2010 + (start + i) // 12, (start + i) % 12 + 1, 1) for i in range(count)]


def test_measure_list(login, leo):
    # session, user; unit and key task choices of the filter form; count, the page's keys, its measures (with key
    # task, plan, lead unit, responsible leader in the same query)
    def add_rows(n):
        for _ in range(n):
            measure = MeasureFactory(responsible_leader=LeaderFactory(), supervised_by=leo, supervised_at=SUPERVISED)
            measure.cooperating_units.add(UnitFactory())

    assert_same_cost(login(leo), reverse("plans:measure_list") + "?unit=", add_rows)


def test_measure_list_of_a_unit(login, alice, unit_a):
    # as above; the unit filter (lead or cooperating unit) is in the same queries
    def add_rows(n):
        for _ in range(n):
            MeasureFactory(lead_unit=unit_a, responsible_leader=LeaderFactory())
            MeasureFactory(lead_unit=UnitFactory()).cooperating_units.add(unit_a)

    assert_same_cost(login(alice), reverse("plans:measure_list"), add_rows)


def test_plan_overview(login, leo):
    # session, user; the plan; key tasks with their counts; their measures (with lead unit and leader);
    # the plans for the year switcher
    plan = WorkPlanFactory(year=2020)

    def add_rows(n):
        for _ in range(n):
            task_measures = MeasureFactory.create_batch(2, key_task__plan=plan, responsible_leader=LeaderFactory())
            task_measures[1].key_task = task_measures[0].key_task
            task_measures[1].save()

    assert_same_cost(login(leo), reverse("plans:plan_overview", args=[2020]), add_rows)


def test_review_queue(login, carol, unit_a):
    # session, user (with the unit for the navigation bar); count, page of reports (with measure, key task,
    # plan, lead unit, author and reviewer)
    def add_rows(n):
        for _ in range(n):
            ProgressReportFactory(measure__lead_unit=unit_a, author=UserFactory(unit=unit_a), submitted=True)

    assert_same_cost(login(carol), reverse("plans:review_queue"), add_rows)


def test_measure_detail(login, alice, leo, measure_a):
    # session, user, unit; the measure (with key task, plan, lead unit, leader); may the user change it;
    # cooperating units; reports (with author); checkpoints; comments (with author); the history (with actor and
    # content type)
    taken = []

    def add_rows(n):
        for month in months(n, start=len(taken)):
            ProgressReportFactory(measure=measure_a, month=month, author=UserFactory(unit=measure_a.lead_unit))
            CheckpointFactory(measure=measure_a, title=f"节点{month:%Y%m}")
            MeasureCommentFactory(measure=measure_a, author=LeaderFactory())
            measure_a.cooperating_units.add(UnitFactory())
            services.measure_update(user=alice, measure=measure_a, target=f"目标{month:%Y%m}")  # a history row
            taken.append(month)

    assert_same_cost(login(leo), reverse("plans:measure_detail", args=[measure_a.pk]), add_rows)


@pytest.mark.usefixtures("tmp_media")
def test_report_detail(login, alice, carol, measure_a):
    # session, user, unit; the report (with measure, key task, plan, lead unit, author, reviewer); problems;
    # attachments; may the user change it; may the user review it; the history (with actor and content type)
    report = ProgressReportFactory(measure=measure_a, author=alice, state=ReviewState.DRAFT)

    def add_rows(n):
        for i in range(n):
            ReportProblemFactory(report=report)
            ReportAttachmentFactory(report=report, uploaded_by=UserFactory(unit=measure_a.lead_unit))
            services.progress_report_update(user=alice, report=report, text=f"第{i}次修改", progress=i)

    assert_same_cost(login(carol), reverse("plans:report_detail", args=[report.pk]), add_rows)
