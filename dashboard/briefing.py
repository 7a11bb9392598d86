"""The weekly-meeting briefing (周例会简报): what happened in a week, as an .xlsx workbook and a PDF.

``weekly_briefing_files(week_start)`` is the public door (the dashboard's download buttons and the reminders'
Monday digest use it). Behind it: ``week_briefing`` reads the week's figures (a fixed number of queries),
``briefing_xlsx`` and ``briefing_pdf`` write them. The PDF embeds a Chinese font found by ``briefing_font``
(``settings.BRIEFING_FONT_PATH``, else the usual places); without one it raises ``BriefingFontMissing``.
"""

import datetime
import functools
import io
import logging
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import clock
from monitoring import figures as monitoring_figures
from monitoring.models import DailyRollup
from organisation.models import User
from plans.choices import MeasureStatus
from plans.models import Measure
from projects import selectors as project_selectors
from safety.choices import HazardField, HazardLevel, HazardStatus
from safety.models import Hazard

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIMETYPE = "application/pdf"
#: A PDF section lists at most this many rows (the .xlsx lists them all): a briefing is read at a meeting.
PDF_ROW_LIMIT = 200

#: Where a CJK font is usually found (Debian/Ubuntu fonts-noto-cjk and fonts-wqy-*, Fedora/Arch noto-cjk, Windows).
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


class BriefingFontMissing(RuntimeError):
    """No font with Chinese glyphs to embed in the PDF."""


# Data ---------------------------------------------------------------------------------------------------------------


@dataclass
class MeasureRow:
    code: str
    title: str
    key_task: str
    unit: str
    unit_leader: str
    responsible_leader: str
    due_date: datetime.date | None
    progress: int


@dataclass
class UnitOverdueRow:
    unit: str
    leader: str
    overdue: int
    overdue_major: int


@dataclass
class FieldRow:
    label: str
    new: int
    new_major: int
    closed: int


@dataclass
class ProjectRow:
    code: str
    name: str
    unit: str
    leader: str
    planned_finish: datetime.date | None


@dataclass
class WeekBriefing:
    week_start: datetime.date
    week_end: datetime.date
    as_of: datetime.date
    completed_measures: list[MeasureRow]
    overdue_measures: list[MeasureRow]
    overdue_hazards_by_unit: list[UnitOverdueRow]
    hazards_by_field: list[FieldRow]
    investment: project_selectors.AnnualCompletion
    investment_by_category: list[project_selectors.Figures]
    behind_schedule: list[ProjectRow]
    monitoring_month: datetime.date  # the month before the week's last day
    monitoring_by_enterprise: list[monitoring_figures.Figure]


def _name(user: User | None) -> str:
    return str(user) if user else ""


def _measure_row(measure: Measure) -> MeasureRow:
    unit = measure.lead_unit
    return MeasureRow(
        code=measure.code,
        title=measure.title,
        key_task=str(measure.key_task),
        unit=str(unit) if unit else "",
        unit_leader=_name(unit.overseeing_leader) if unit else "",
        responsible_leader=_name(measure.responsible_leader),
        due_date=measure.due_date,
        progress=measure.progress,
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in Asia/Shanghai, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def completed_in_week_ids(start: datetime.date, end: datetime.date):
    """Ids of the measures whose status was set to completed between ``start`` and ``end`` (inclusive days),
    read from the audit log (the status change is recorded there, never stored twice), as a subquery."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Measure),
        action=LogEntry.Action.UPDATE,
        timestamp__gte=_day_start(start),
        timestamp__lt=_day_start(end + datetime.timedelta(days=1)),
        changes__status__1=MeasureStatus.COMPLETED,
    ).values("object_id")


def week_briefing(week_start: datetime.date, *, today: datetime.date | None = None) -> WeekBriefing:
    """The figures of the week ``week_start`` … ``week_start`` + 6 days. Overdue is counted as of the week's
    last day, or today while the week is not over. Queries: a fixed number, whatever the rows."""
    today = today or clock.today()
    week_end = week_start + datetime.timedelta(days=6)
    as_of = min(week_end, today)
    measures = Measure.objects.select_related("key_task", "lead_unit__overseeing_leader", "responsible_leader")
    completed = measures.filter(
        status=MeasureStatus.COMPLETED, pk__in=completed_in_week_ids(week_start, week_end)
    ).order_by("key_task__number", "number")
    overdue = measures.overdue(as_of).order_by("lead_unit__sort_order", "due_date", "key_task__number", "number")

    overdue_hazards = (
        Hazard.objects.overdue(as_of)
        .order_by()
        .values("responsible_unit__name", "responsible_unit__sort_order", "responsible_unit__overseeing_leader")
        .annotate(count=Count("pk"), major=Count("pk", filter=Q(level=HazardLevel.MAJOR)))
        .order_by("-count", "responsible_unit__sort_order")
    )
    overdue_hazards = list(overdue_hazards)
    leaders = User.objects.in_bulk(
        {row["responsible_unit__overseeing_leader"] for row in overdue_hazards} - {None}
    )  # one query

    found = Q(found_on__gte=week_start, found_on__lte=week_end)
    closed = Q(
        status=HazardStatus.CLOSED,
        closed_at__gte=_day_start(week_start),
        closed_at__lt=_day_start(week_end + datetime.timedelta(days=1)),
    )
    by_field = {
        row["field"]: row
        for row in Hazard.objects.filter(found | closed)
        .order_by()
        .values("field")
        .annotate(
            new=Count("pk", filter=found),
            new_major=Count("pk", filter=found & Q(level=HazardLevel.MAJOR)),
            closed=Count("pk", filter=closed),
        )
    }
    empty = {"new": 0, "new_major": 0, "closed": 0}

    year = as_of.year
    behind = project_selectors.projects_behind_schedule(today=as_of).select_related("leader").order_by("code", "name")
    return WeekBriefing(
        week_start=week_start,
        week_end=week_end,
        as_of=as_of,
        completed_measures=[_measure_row(measure) for measure in completed],
        overdue_measures=[_measure_row(measure) for measure in overdue],
        overdue_hazards_by_unit=[
            UnitOverdueRow(
                unit=row["responsible_unit__name"],
                leader=_name(leaders.get(row["responsible_unit__overseeing_leader"])),
                overdue=row["count"],
                overdue_major=row["major"],
            )
            for row in overdue_hazards
        ],
        hazards_by_field=[
            FieldRow(str(label), **{key: by_field.get(value, empty)[key] for key in empty})
            for value, label in HazardField.choices
        ],
        investment=project_selectors.annual_completion(year),
        investment_by_category=project_selectors.investment_by_category(year),
        behind_schedule=[
            ProjectRow(
                code=project.code,
                name=project.name,
                unit=str(project.responsible_unit or ""),
                leader=_name(project.leader),
                planned_finish=project.planned_finish,
            )
            for project in behind
        ],
        monitoring_month=monitoring_figures.previous_month(as_of),
        monitoring_by_enterprise=sorted(
            monitoring_figures.by(
                month=monitoring_figures.previous_month(as_of),
                dimension="enterprise",
                rollups=DailyRollup.objects.all(),
            ),
            key=lambda figure: (-(figure.per_1000_km or 0), figure.label),
        ),
    )


# Tables: one description of each section, written by both writers --------------------------------------------------


@dataclass
class Table:
    title: str
    summary: str  # what the section counts, in words ("3 项举措", "2 个单位共 5 个逾期隐患"), not its table rows
    headers: list[str]
    rows: list[list]
    widths: tuple[int, ...]  # relative column widths in the PDF


def _rate(value) -> str:
    return "" if value is None else f"{value}%"


def _money(value: Decimal) -> str:
    """万元 in the PDF as in the workbook's number format: two decimals and thousands separators."""
    return f"{value:,.2f}"


#: The workbook's number format for money (万元), the same as ``_money`` writes in the PDF
MONEY_FORMAT = "#,##0.00"


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _leaders(row: MeasureRow) -> str:
    """The lead unit's overseeing leader and the measure's responsible leader: one name when they are the same
    person (the usual case), else both, "overseeing / responsible"."""
    names = dict.fromkeys(name for name in (row.unit_leader, row.responsible_leader) if name)
    return " / ".join(names)


def _measure_table(title: str, rows: list[MeasureRow]) -> Table:
    """The measures, with one column for their leaders (``_leaders``), so no two columns say the same."""
    return Table(
        title,
        ngettext("%(count)s measure", "%(count)s measures", len(rows)) % {"count": len(rows)},
        [
            _("No."),
            _("Measure"),
            _("Key task"),
            _("Lead unit"),
            _("Overseeing / responsible leader"),
            _("Due date"),
            _("Progress %"),
        ],
        [[r.code, r.title, r.key_task, r.unit, _leaders(r), _date(r.due_date), r.progress] for r in rows],
        (8, 44, 30, 24, 20, 15, 10),
    )


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _monitoring_table(briefing: WeekBriefing) -> Table:
    """Last month's alarms per 1,000 km by enterprise, the highest first, with 处置率 and 处理率."""
    rows = briefing.monitoring_by_enterprise
    km, alarms = sum(f.km for f in rows), sum(f.alarms for f in rows)
    return Table(
        _("Two-passenger one-dangerous monitoring %(month)s") % {"month": f"{briefing.monitoring_month:%Y-%m}"},
        _("%(alarms)s alarms in %(km)s km") % {"alarms": alarms, "km": km},
        [
            _("Enterprise"),
            _("Kilometres"),
            _("Alarms"),
            _("Alarms per 1,000 km"),
            _("Same month last year"),
            _("Change"),
            _("Disposal rate"),
            _("Handling rate"),
        ],
        [
            [
                f.label,
                f.km,
                f.alarms,
                f.per_1000_km,
                f.per_1000_km_last_year if f.per_1000_km_last_year is not None else "",
                _percent(f.change),
                _percent(f.disposal_rate),
                _percent(f.handling_rate),
            ]
            for f in rows
        ],
        (40, 14, 10, 14, 14, 10, 12, 12),
    )


def _projects(count: int) -> str:
    return ngettext("%(count)s project", "%(count)s projects", count) % {"count": count}


def briefing_tables(briefing: WeekBriefing) -> list[Table]:
    """The briefing's sections, in order (the .xlsx has a sheet for each, the PDF a table)."""
    investment = briefing.investment
    overdue_hazards = sum(r.overdue for r in briefing.overdue_hazards_by_unit)
    total = [
        _("Total"),
        "",
        "",
        investment.planned,
        investment.completed,
        _rate(investment.rate),
    ]
    return [
        _measure_table(_("Measures completed"), briefing.completed_measures),
        _measure_table(_("Overdue measures"), briefing.overdue_measures),
        Table(
            _("Overdue hazards by unit"),
            ngettext(
                "%(count)s overdue hazard in %(units)s units",
                "%(count)s overdue hazards in %(units)s units",
                overdue_hazards,
            )
            % {"count": overdue_hazards, "units": len(briefing.overdue_hazards_by_unit)},
            [_("Responsible unit"), _("Overseeing leader"), _("Overdue hazards"), _("Of which major")],
            [[r.unit, r.leader, r.overdue, r.overdue_major] for r in briefing.overdue_hazards_by_unit],
            (40, 20, 20, 20),
        ),
        Table(
            _("New and closed hazards"),
            _("%(new)s new hazards, %(closed)s closed")
            % {
                "new": sum(r.new for r in briefing.hazards_by_field),
                "closed": sum(r.closed for r in briefing.hazards_by_field),
            },
            [_("Field"), _("New hazards"), _("Of which major"), _("Closed hazards")],
            [[r.label, r.new, r.new_major, r.closed] for r in briefing.hazards_by_field],
            (40, 20, 20, 20),
        ),
        Table(
            _("Project investment %(year)s (10k yuan)") % {"year": briefing.as_of.year},
            _projects(sum(f.projects for f in briefing.investment_by_category)),
            [
                _("Category"),
                _("Projects"),
                _("Total investment"),
                _("Planned this year"),
                _("Completed this year"),
                _("Completion rate"),
            ],
            [
                [f.label, f.projects, f.total_investment, f.planned, f.completed, _rate(f.rate)]
                for f in briefing.investment_by_category
            ]
            + [total],
            (30, 12, 18, 18, 18, 14),
        ),
        Table(
            _("Projects behind schedule"),
            _projects(len(briefing.behind_schedule)),
            [_("Code"), _("Project"), _("Responsible unit"), _("Leader"), _("Planned finish")],
            [[p.code, p.name, p.unit, p.leader, _date(p.planned_finish)] for p in briefing.behind_schedule],
            (16, 50, 24, 14, 16),
        ),
        _monitoring_table(briefing),
    ]


def _title(briefing: WeekBriefing) -> str:
    return _("Weekly meeting briefing %(start)s – %(end)s") % {
        "start": briefing.week_start.isoformat(),
        "end": briefing.week_end.isoformat(),
    }


# Writers ------------------------------------------------------------------------------------------------------------


def briefing_xlsx(briefing: WeekBriefing) -> bytes:
    """A workbook with a sheet per section; numbers stay numbers (money with two decimals), text that a spreadsheet
    would run as a formula is quoted (``core.imports.workbook.append_row``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from core.imports.workbook import append_row

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in briefing_tables(briefing):
        sheet = workbook.create_sheet(title=table.title[:31].replace("/", "-"))
        sheet.append([_title(briefing), table.summary])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(table.headers)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for number, row in enumerate(table.rows, start=3):
            append_row(sheet, row)
            for column, value in enumerate(row, start=1):
                if isinstance(value, Decimal):
                    sheet.cell(row=number, column=column).number_format = MONEY_FORMAT
        for index, width in enumerate(table.widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = max(10, width * 0.8)
        sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@functools.lru_cache(maxsize=8)
def _collection_index(path: str) -> int:
    """The face to use in a font collection (.ttc): the Simplified Chinese one if the family names one."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    for index, font in enumerate(collection.fonts):
        family = font["name"].getDebugName(1) or ""
        if family.endswith(" SC"):
            return index
    return 0


def _fontconfig_match() -> str | None:
    """The file fontconfig would use for Simplified Chinese, if fontconfig is installed."""
    if not shutil.which("fc-match"):
        return None
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    # fontconfig falls back to any font when none covers the language: accept only known CJK families.
    if found and any(word in Path(found).name.lower() for word in ("cjk", "wqy", "hei", "song", "kai", "ming")):
        return found
    return None


def briefing_font() -> tuple[str, int]:
    """The font file (and face in a collection) to embed: ``settings.BRIEFING_FONT_PATH`` when set, else the
    first of ``FONT_CANDIDATES`` that exists, else what fontconfig finds for Chinese."""
    configured = getattr(settings, "BRIEFING_FONT_PATH", "")
    if configured:
        if not Path(configured).is_file():
            raise BriefingFontMissing(
                _(
                    "The Chinese font set in BRIEFING_FONT_PATH was not found (%(path)s), so the PDF cannot be made; "
                    "the Excel version works without it."
                )
                % {"path": configured}
            )
        return configured, _collection_index(configured)
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate, _collection_index(candidate)
    found = _fontconfig_match()
    if found:
        return found, _collection_index(found)
    raise BriefingFontMissing(
        _(
            "No Chinese font is installed, so the PDF cannot be made. Install fonts-noto-cjk (or set "
            "BRIEFING_FONT_PATH to a Chinese .ttf/.otf/.ttc font); the Excel version works without it."
        )
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    return _money(value) if isinstance(value, Decimal) else str(value)


def briefing_pdf(briefing: WeekBriefing) -> bytes:
    """A landscape A4 PDF with the Chinese font embedded (subset); each section lists at most ``PDF_ROW_LIMIT``
    rows."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    path, index = briefing_font()
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter logs every table at INFO
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_title(_title(briefing))
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(text=_title(briefing), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(
        text=_("Overdue as of %(date)s. Money in 10k yuan.") % {"date": briefing.as_of.isoformat()},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    heading = FontFace(emphasis="", fill_color=(225, 232, 240))
    for table in briefing_tables(briefing):
        pdf.ln(4)
        pdf.set_font("cjk", size=12)
        pdf.cell(text=f"{table.title}（{table.summary}）", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font("cjk", size=8)
        if not table.rows:
            pdf.cell(text=_("None."), new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(col_widths=table.widths, headings_style=heading, line_height=5, first_row_as_headings=True) as t:
            t.row([str(header) for header in table.headers])
            for row in table.rows[:PDF_ROW_LIMIT]:
                t.row([_cell_text(value) for value in row])
        if len(table.rows) > PDF_ROW_LIMIT:
            more = len(table.rows) - PDF_ROW_LIMIT
            pdf.cell(text=_("… and %(count)s more rows: see the Excel version.") % {"count": more})
            pdf.ln()
    return bytes(pdf.output())


def briefing_filename(week_start: datetime.date, extension: str) -> str:
    return f"weekly-briefing-{week_start.isoformat()}.{extension}"


def weekly_briefing_files(week_start: datetime.date) -> list[tuple[str, bytes, str]]:
    """The week's briefing as [(filename, bytes, mimetype)]: the .xlsx, then the PDF — in the site's language
    (Chinese), whatever language the caller (a Celery task, a view) has active. Raises ``BriefingFontMissing``
    when no Chinese font is installed."""
    with translation.override(settings.LANGUAGE_CODE):
        briefing = week_briefing(week_start)
        return [
            (briefing_filename(week_start, "xlsx"), briefing_xlsx(briefing), XLSX_MIMETYPE),
            (briefing_filename(week_start, "pdf"), briefing_pdf(briefing), PDF_MIMETYPE),
        ]
