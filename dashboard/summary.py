"""The year's summary (年度工作总结): a draft .docx the office edits, written from what the portal tracked.

``year_summary(year)`` gathers the figures (a fixed number of queries whatever the number of measures, projects or
hazards), reusing the dashboard's selectors so that each number in the summary is the dashboard's for that year;
``summary_docx(summary)`` writes them in the 公文 conventions (GB/T 9704): the title in 方正小标宋简体 二号, the body in
仿宋_GB2312 三号 (16 pt) at a fixed 28-pt line spacing, first-level headings "一、" in 黑体, second-level "（一）" in
楷体_GB2312. Fonts are named, not embedded: where one is missing, Word substitutes its own.

Like the dashboard, the summary counts every unit's data: only those who may view the dashboard download it.
"""

import datetime
import io
import itertools
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from checklists.selectors import ChecklistResult
from checklists.selectors import results as checklist_results
from core import clock
from core.choices import ProblemCategory, ReviewState
from inspections.models import Draw, Inspection
from plans.choices import MeasureStatus
from plans.models import Measure, ProgressReport, ReportProblem, WorkPlan
from projects.models import Blocker, Milestone

from . import selectors
from .selectors import KeyTaskFigures, ProjectFigures, SafetyFigures

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
LINE_SPACING = Pt(28)


# Data ---------------------------------------------------------------------------------------------------------------


@dataclass
class CompletedMeasure:
    code: str
    title: str
    lead_unit: str
    report_month: datetime.date | None
    report_text: str  # the text of its last accepted progress report ("" when none was accepted)


@dataclass
class TaskSummary:
    figures: KeyTaskFigures  # the dashboard's row for the key task
    completed: list[CompletedMeasure]


@dataclass
class UnfinishedMeasure:
    code: str
    title: str
    lead_unit: str
    status: str
    progress: int
    due_date: datetime.date | None
    problems: list[str]  # "类别：说明", from the year's reports on it (submitted or accepted)


@dataclass
class MilestoneReached:
    project: str
    phase: str
    date: datetime.date


@dataclass
class ProjectBlocker:
    project: str
    category: str
    description: str


@dataclass
class YearSummary:
    year: int
    today: datetime.date
    title: str
    key_tasks: list[TaskSummary]
    plan: KeyTaskFigures  # the dashboard's whole-plan figures
    projects: ProjectFigures  # the dashboard's investment by category, blockers by category
    milestones: list[MilestoneReached]
    safety: SafetyFigures  # the dashboard's hazards by field
    inspections: int  # inspections made in the year
    draws: int  # random draws (双随机) made in the year
    unfinished: list[UnfinishedMeasure]
    blockers: list[ProjectBlocker]
    checklists: list[ChecklistResult]  # the year's 督查激励 self-checks and acceptance checklists


def _year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The year in local time (Asia/Shanghai), as aware bounds [start, end)."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def _measures(year: int) -> tuple[dict[int, list[CompletedMeasure]], list[UnfinishedMeasure]]:
    """The year's completed measures by key task, each with its last accepted report's text, and its unfinished
    ones (cancelled aside) with the problems its reports named (2 queries)."""
    last_accepted = ProgressReport.objects.filter(measure=OuterRef("pk"), state=ReviewState.ACCEPTED).order_by("-month")
    measures = (
        Measure.objects.filter(key_task__plan__year=year)
        .exclude(status=MeasureStatus.CANCELLED)
        .select_related("key_task", "lead_unit")
        .annotate(
            report_text=Subquery(last_accepted.values("text")[:1]),
            report_month=Subquery(last_accepted.values("month")[:1]),
        )
        .order_by("key_task__number", "number")
    )
    completed: dict[int, list[CompletedMeasure]] = {}
    unfinished: dict[int, UnfinishedMeasure] = {}
    for measure in measures:
        unit = str(measure.lead_unit or "")
        if measure.status == MeasureStatus.COMPLETED:
            completed.setdefault(measure.key_task_id, []).append(
                CompletedMeasure(measure.code, measure.title, unit, measure.report_month, measure.report_text or "")
            )
        else:
            unfinished[measure.pk] = UnfinishedMeasure(
                measure.code,
                measure.title,
                unit,
                measure.get_status_display(),
                measure.progress,
                measure.due_date,
                [],
            )
    problems = (
        ReportProblem.objects.filter(report__measure__in=list(unfinished), report__state__in=ReviewState.counted())
        .order_by("report__month", "pk")
        .values_list("report__measure", "category", "description")
    )
    for measure_pk, category, description in problems:
        line = f"{ProblemCategory(category).label}：{description}"
        if line not in unfinished[measure_pk].problems:
            unfinished[measure_pk].problems.append(line)
    return completed, list(unfinished.values())


def _milestones(year: int) -> list[MilestoneReached]:
    """Milestones reached in the year by the projects the year's plan names (its measures serve them) (1 query)."""
    rows = (
        Milestone.objects.filter(actual_date__year=year, project__measures__key_task__plan__year=year)
        .select_related("project")
        .distinct()
        .order_by("project__name", "actual_date", "pk")
    )
    return [MilestoneReached(row.project.name, row.get_phase_display(), row.actual_date) for row in rows]


def _blockers(year: int) -> list[ProjectBlocker]:
    """The blockers named in the year's counted monthly progress, once each (1 query)."""
    rows = (
        Blocker.objects.filter(progress__month__year=year, progress__state__in=ReviewState.counted())
        .order_by("progress__project__name", "category", "description")
        .values_list("progress__project__name", "category", "description")
        .distinct()
    )
    return [
        ProjectBlocker(name, str(ProblemCategory(category).label), description) for name, category, description in rows
    ]


def year_summary(year: int, today: datetime.date | None = None) -> YearSummary:
    """Every figure of the year's summary (16 queries whatever the rows: the plan's title 1, the dashboard's key
    tasks 1, the measures and their problems 2, the dashboard's projects 5 and safety 3 (hazards by field; its
    month's counts are not used), milestones 1, the year's inspections and draws 2, blockers 1) and the checklists'
    (``checklists.selectors.results``: 2, or 1 when the year has none): 18 in all."""
    today = today or clock.today()
    plan = WorkPlan.objects.filter(year=year).only("title").first()
    tasks = selectors.key_task_figures(year, today)
    completed, unfinished = _measures(year)
    start, end = _year_range(year)
    return YearSummary(
        year=year,
        today=today,
        title=_("%(year)s year-end work summary") % {"year": year} if plan is None else _summary_title(plan),
        key_tasks=[TaskSummary(task, completed.get(task.pk, [])) for task in tasks],
        plan=selectors.plan_totals(tasks),
        projects=selectors.project_figures(year, today),
        milestones=_milestones(year),
        safety=selectors.safety_figures(year, today),
        inspections=Inspection.objects.filter(date__year=year).count(),
        draws=Draw.objects.filter(made_at__gte=start, made_at__lt=end).count(),
        unfinished=unfinished,
        blockers=_blockers(year),
        checklists=checklist_results(year),
    )


def _summary_title(plan: WorkPlan) -> str:
    """ "浏阳市交通运输局2020年工作计划" → "浏阳市交通运输局2020年工作总结"."""
    if "工作计划" in plan.title:
        return plan.title.replace("工作计划", "工作总结")
    return _("%(year)s year-end work summary") % {"year": plan.year}


# The .docx ----------------------------------------------------------------------------------------------------------

NUMERALS = "一二三四五六七八九十"


def _set_font(target, name: str, size=None, bold: bool | None = None) -> None:
    """Set a run's or a style's font for Latin and East Asian text alike (python-docx sets only the Latin one)."""
    target.font.name = name
    target.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        target.font.size = size
    if bold is not None:
        target.font.bold = bold


def _money(value) -> str:
    return f"{value:,.2f}"


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


class _Writer:
    def __init__(self):
        self.document = Document()
        section = self.document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        normal = self.document.styles["Normal"]
        _set_font(normal, BODY_FONT, BODY_SIZE)
        layout = normal.paragraph_format
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = LINE_SPACING
        layout.space_before = layout.space_after = Pt(0)
        self.headings = 0

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = Pt(36)
        _set_font(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)
        self.document.add_paragraph()

    def heading(self, text: str) -> None:
        """A first-level heading, numbered 一、二、…"""
        self.headings += 1
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
        _set_font(paragraph.add_run(f"{NUMERALS[self.headings - 1]}、{text}"), HEADING_FONT, BODY_SIZE)
        self.subheadings = 0

    def subheading(self, text: str) -> None:
        """A second-level heading, numbered （一）（二）… under its heading."""
        self.subheadings += 1
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
        _set_font(paragraph.add_run(f"（{NUMERALS[self.subheadings - 1]}）{text}"), SUBHEADING_FONT, BODY_SIZE)

    def text(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
        _set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _key_tasks(writer: _Writer, summary: YearSummary) -> None:
    writer.heading(_("How the key tasks were done"))
    plan = summary.plan
    writer.text(
        _(
            "The plan set %(total)s measures under %(tasks)s key tasks: %(completed)s completed (%(rate)s), "
            "%(overdue)s overdue, average progress %(progress)s%%."
        )
        % {
            "total": plan.total,
            "tasks": len(summary.key_tasks),
            "completed": plan.completed,
            "rate": _rate(plan.done_rate),
            "overdue": plan.overdue,
            "progress": plan.average_progress,
        }
    )
    for task in summary.key_tasks:
        figures = task.figures
        writer.subheading(figures.title)
        writer.text(
            _("%(completed)s of %(total)s measures completed; on-time rate %(on_time)s.")
            % {"completed": figures.completed, "total": figures.total, "on_time": _rate(figures.on_time_rate)}
        )
        for measure in task.completed:
            done = f"{measure.code} {measure.title}（{measure.lead_unit}）"
            writer.text(f"{done}：{measure.report_text}" if measure.report_text else done)


def _investment(writer: _Writer, summary: YearSummary) -> None:
    projects = summary.projects
    writer.heading(_("Project investment completed"))
    writer.text(
        _(
            "%(projects)s projects planned %(planned)s (10k yuan) for the year and completed %(completed)s, "
            "%(rate)s of the plan."
        )
        % {
            "projects": projects.projects,
            "planned": _money(projects.planned),
            "completed": _money(projects.completed),
            "rate": _rate(projects.rate),
        }
    )
    for row in projects.by_category:
        writer.text(
            _("%(category)s: %(projects)s projects, planned %(planned)s, completed %(completed)s (%(rate)s).")
            % {
                "category": row.label,
                "projects": row.projects,
                "planned": _money(row.planned),
                "completed": _money(row.completed),
                "rate": _rate(row.rate),
            }
        )
    if summary.milestones:
        writer.subheading(_("Milestones reached"))
        for project, reached in itertools.groupby(summary.milestones, key=lambda milestone: milestone.project):
            writer.text(f"{project}：" + "、".join(f"{row.phase}（{row.date:%Y-%m-%d}）" for row in reached))


def _safety(writer: _Writer, summary: YearSummary) -> None:
    safety = summary.safety
    writer.heading(_("Safety and inspections"))
    writer.text(
        _("%(total)s hazards were found in the year and %(closed)s closed (%(rate)s); %(open)s remain open.")
        % {
            "total": safety.totals.total,
            "closed": safety.totals.closed,
            "rate": _rate(safety.totals.rate),
            "open": safety.totals.open,
        }
    )
    for row in safety.by_field:
        if row.total:
            writer.text(
                _("%(field)s: %(total)s found, %(closed)s closed, %(open)s open.")
                % {"field": row.label, "total": row.total, "closed": row.closed, "open": row.open}
            )
    writer.text(
        _("%(inspections)s inspections were made and %(draws)s random draws published.")
        % {"inspections": summary.inspections, "draws": summary.draws}
    )


def _checklists(writer: _Writer, summary: YearSummary) -> None:
    """Each checklist's self-check: its score against full marks, signed or still being filled, and each item's
    value against its target."""
    if not summary.checklists:
        return
    writer.heading(_("Indicator self-checks and acceptance checklists"))
    for checklist in summary.checklists:
        writer.subheading(checklist.title)
        state = _("signed") if checklist.signed else _("not yet signed")
        writer.text(
            _("%(kind)s, %(state)s: self-assessed %(score)s of %(full)s points.")
            % {"kind": checklist.kind, "state": state, "score": checklist.score, "full": checklist.full_marks}
        )
        for item in checklist.items:
            value = "—" if item.value is None else f"{item.value}{item.unit_of_measure}"
            score = "—" if item.score is None else item.score
            writer.text(
                _("%(number)s. %(name)s: target %(target)s, done %(value)s, %(score)s of %(full)s points.")
                % {
                    "number": item.number,
                    "name": item.name,
                    "target": item.target or "—",
                    "value": value,
                    "score": score,
                    "full": item.full_marks,
                }
            )


def _unfinished(writer: _Writer, summary: YearSummary) -> None:
    writer.heading(_("What remains unfinished, and why"))
    if not summary.unfinished:
        writer.text(_("Every measure of the plan is completed."))
    for measure in summary.unfinished:
        due = f"{measure.due_date:%Y-%m-%d}" if measure.due_date else "—"
        line = _("%(measure)s (%(unit)s): %(status)s, %(progress)s%%, due %(due)s.") % {
            "measure": f"{measure.code} {measure.title}",
            "unit": measure.lead_unit,
            "status": measure.status,
            "progress": measure.progress,
            "due": due,
        }
        writer.text(" ".join([line, *measure.problems]))
    if summary.blockers:
        writer.subheading(_("What blocks the projects"))
        for blocker in summary.blockers:
            writer.text(f"{blocker.project}：{blocker.category}，{blocker.description}")


def summary_docx(summary: YearSummary) -> bytes:
    """The summary as a .docx (no query)."""
    writer = _Writer()
    writer.title(summary.title)
    for section in (_key_tasks, _investment, _safety, _checklists, _unfinished):
        section(writer, summary)
    return writer.content()


def summary_filename(year: int) -> str:
    return f"{year}-year-end-summary.docx"
