"""The year's summary (``dashboard.summary``): its figures are the dashboard's for the year, the .docx follows
the 公文 conventions, its queries do not grow with the data, and only those who see the dashboard download it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from core.choices import ReviewState
from dashboard import selectors
from dashboard.summary import DOCX_MIMETYPE, summary_docx, year_summary
from inspections.models import Inspection
from plans.choices import MeasureStatus
from plans.models import Measure, ProgressReport
from tests.factories import KeyTaskFactory, MeasureFactory, ProgressReportFactory, ReportProblemFactory, WorkPlanFactory
from tests.projects.factories import (
    BlockerFactory,
    InvestmentPlanFactory,
    MilestoneFactory,
    MonthlyProgressFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

AFTER_THE_YEAR = datetime.date(2021, 1, 15)


def east_asian_font(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_2020_summary_has_the_dashboards_figures_and_the_documents_conventions(db):
    call_command("load_demo_data", stdout=io.StringIO())

    summary = year_summary(2020, AFTER_THE_YEAR)
    dashboard = selectors.dashboard_figures(2020, AFTER_THE_YEAR)

    assert [task.figures for task in summary.key_tasks] == dashboard.key_tasks
    assert summary.plan == dashboard.plan
    assert summary.projects.by_category == dashboard.projects.by_category
    assert (summary.projects.planned, summary.projects.completed) == (
        dashboard.projects.planned,
        dashboard.projects.completed,
    )
    assert summary.safety.by_field == dashboard.safety.by_field
    assert summary.safety.totals == dashboard.safety.totals
    assert summary.inspections == Inspection.objects.filter(date__year=2020).count()
    completed = Measure.objects.filter(key_task__plan__year=2020, status=MeasureStatus.COMPLETED)
    assert sum(len(task.completed) for task in summary.key_tasks) == completed.count() == dashboard.plan.completed
    first = summary.key_tasks[0].completed[0]
    last_accepted = ProgressReport.objects.filter(measure__key_task__plan__year=2020, state=ReviewState.ACCEPTED)
    assert (
        first.report_text == last_accepted.filter(measure__key_task__number=1, measure__number=1).latest("month").text
    )
    assert [measure.code for measure in summary.unfinished] == ["1.2", "1.3", "2.3", "3.3", "4.2"]
    assert summary.milestones and summary.blockers

    document = Document(io.BytesIO(summary_docx(summary)))
    paragraphs = [paragraph for paragraph in document.paragraphs if paragraph.text]
    title = paragraphs[0]
    assert title.text == "浏阳市交通运输局2020年工作总结"
    assert (east_asian_font(title.runs[0]), title.runs[0].font.size) == ("方正小标宋简体", Pt(22))
    headings = [paragraph.text for paragraph in paragraphs if paragraph.text[1:2] == "、"]
    assert headings == [
        "一、重点工作完成情况",
        "二、项目建设投资完成情况",
        "三、安全生产和执法检查情况",
        "四、督查激励指标自查与验收",  # the demo's two checklists
        "五、未完成事项及原因",
    ]
    heading = next(paragraph for paragraph in paragraphs if paragraph.text == headings[0])
    assert east_asian_font(heading.runs[0]) == "黑体"
    body = paragraphs[2]
    assert body.text == (
        f"全年计划5项重点工作、22项举措，已完成{dashboard.plan.completed}项（{dashboard.plan.done_rate}%），"
        f"逾期{dashboard.plan.overdue}项，平均进度{dashboard.plan.average_progress}%。"
    )
    assert (east_asian_font(body.runs[0]), body.runs[0].font.size) == ("仿宋_GB2312", Pt(16))
    assert document.styles["Normal"].paragraph_format.line_spacing == Pt(28)
    text = "\n".join(paragraph.text for paragraph in paragraphs)
    assert f"完成投资{dashboard.projects.completed:,.2f}万元" in text
    assert "（一）全力推进交通项目建设" in text
    assert f"{first.code} {first.title}（{first.lead_unit}）：{first.report_text}" in text


def build(measures: int) -> None:
    """A year with ``measures`` completed and as many unfinished measures, each with reports and problems, and as
    many projects with plans, milestones and blockers."""
    plan = WorkPlanFactory(year=2020)
    task = plan.key_tasks.first() or KeyTaskFactory(plan=plan, number=1)
    start = Measure.objects.count()
    for number in range(start + 1, start + measures + 1):
        done = MeasureFactory(key_task=task, number=2 * number, status=MeasureStatus.COMPLETED, progress=100)
        ProgressReportFactory(
            measure=done, submitted=True, state=ReviewState.ACCEPTED, month=datetime.date(2020, 11, 1)
        )
        open_measure = MeasureFactory(key_task=task, number=2 * number + 1)
        report = ProgressReportFactory(measure=open_measure, submitted=True, state=ReviewState.ACCEPTED)
        ReportProblemFactory(report=report)
        project = ProjectFactory()
        project.measures.add(open_measure)
        InvestmentPlanFactory(project=project, year=2020)
        MilestoneFactory(project=project, actual_date=datetime.date(2020, 3, 5))
        BlockerFactory(progress=MonthlyProgressFactory(project=project, accepted=True, month=datetime.date(2020, 4, 1)))


def test_the_summary_takes_the_same_queries_whatever_the_number_of_measures():
    build(1)
    with CaptureQueriesContext(connection) as few:
        summary_docx(year_summary(2020, AFTER_THE_YEAR))
    build(6)
    with CaptureQueriesContext(connection) as many:
        summary = year_summary(2020, AFTER_THE_YEAR)
        summary_docx(summary)

    assert len(many) == len(few) == 17  # no checklist here: 1 query for them
    assert len(summary.unfinished) == 7 and summary.unfinished[0].problems == ["资金：资金缺口较大"]


def test_leaders_and_administrators_download_the_summary_from_the_plans_page(login, leo, admin_user):
    plan = WorkPlanFactory(year=2020)
    for user in (leo, admin_user):
        client = login(user)
        assert 'id="year-summary"' in client.get(plan.get_absolute_url()).content.decode()

        response = client.get(reverse("plans:plan_summary", args=[2020]))

        assert response.status_code == 200 and response["Content-Type"] == DOCX_MIMETYPE
        assert Document(io.BytesIO(response.content)).paragraphs[0].text == "浏阳市交通运输局2020年工作总结"
    assert login(leo).get(reverse("plans:plan_summary", args=[2019])).status_code == 404


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_unit_staff_and_heads_may_not_download_the_summary(request, login, persona):
    plan = WorkPlanFactory(year=2020)
    client = login(request.getfixturevalue(persona))

    assert 'id="year-summary"' not in client.get(plan.get_absolute_url()).content.decode()
    assert client.get(reverse("plans:plan_summary", args=[2020])).status_code == 403
