"""A signed submission as an .xlsx file in the one fixed format the province receives: a title row, then the
columns 序号, 指标, 单位, 目标值, 完成值, 自评分, 满分, 说明, 佐证材料, 牵头单位, one row per item, and a total."""

import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

COLUMNS = ["序号", "指标", "单位", "目标值", "完成值", "自评分", "满分", "说明", "佐证材料", "牵头单位"]
WIDTHS = [6, 36, 10, 14, 12, 10, 8, 40, 36, 20]


def _number(value: str | None):
    return None if value is None else float(Decimal(value))


def submission_xlsx(submission, rows: list[dict]) -> bytes:
    """``rows``: the submission's rows the reader may see (``selectors.submission_rows``)."""
    checklist = submission.checklist
    book = Workbook()
    sheet = book.active
    sheet.title = "自评表"
    signed_at = timezone.localtime(submission.signed_at)
    sheet.append([f"{checklist.year}年{checklist.title}"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([f"签发：{submission.signed_by}　{signed_at:%Y-%m-%d %H:%M}"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    sheet.append(COLUMNS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row["number"],
                row["name"],
                row["unit_of_measure"],
                row["target"],
                _number(row["value"]),
                _number(row["self_score"]),
                _number(row["full_marks"]),
                row["explanation"],
                "；".join(file["name"] for file in row["evidence"]),
                row["lead_unit"],
            ]
        )
    sheet.append(
        [
            "合计",
            None,
            None,
            None,
            None,
            sum(_number(row["self_score"]) for row in rows),
            sum(_number(row["full_marks"]) for row in rows),
        ]
    )
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
