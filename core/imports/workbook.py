"""The .xlsx a register exports, which is also its import template: the rows on the first sheet (what an
import reads), a 填写说明 sheet saying for each column whether it must be filled, what it may hold and an example,
with an example row, and Excel drop-downs on the columns with a fixed list of values (their lists on a hidden
sheet, so that a long list is not cut at Excel's 255 characters).

Every workbook the portal writes puts its cells through ``neutralise``: a register's rows on export
(``PortalResource.export_field``, the .xlsx and the .csv), every other sheet through ``append_row`` (the instructions
here, the weekly briefing)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from tablib.formats._xlsx import XLSXFormat

from .resources import export_text

# Drop-downs cover this many rows below the header even in an empty template.
DROPDOWN_ROWS = 2000
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def export_workbook(resource, dataset) -> bytes:
    """``dataset`` (exported by ``resource``) as a workbook with the instructions and drop-downs."""
    book = Workbook()
    rows = book.active
    rows.title = _sheet_title(dataset.title or _("Data"))
    XLSXFormat.dset_sheet(dataset, rows, freeze_panes=True)
    XLSXFormat._adapt_column_width(rows, "adaptive")

    columns = resource.template_columns()
    _add_instructions(book.create_sheet(_("Instructions")), columns)
    lists = book.create_sheet(_("Allowed values"))
    lists.sheet_state = "hidden"
    headers = list(dataset.headers or [])
    last_row = max(DROPDOWN_ROWS, dataset.height + 1)
    for list_column, column in enumerate((c for c in columns if c["values"] and c["header"] in headers), start=1):
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=column["header"])
        for offset, value in enumerate(column["values"], start=2):
            lists.cell(row=offset, column=list_column, value=export_text(value))
        source = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(column['values']) + 1}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",  # a value the list lacks may still be one the import knows (a synonym)
            errorTitle=column["header"],
            error=_("Choose one of the values in the list."),
        )
        target = get_column_letter(headers.index(column["header"]) + 1)
        validation.add(f"{target}2:{target}{last_row}")
        rows.add_data_validation(validation)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def append_row(sheet, values) -> None:
    """Append ``values`` as a row of ``sheet``, text that a spreadsheet would run as a formula quoted (and
    characters a workbook cannot hold dropped); numbers and dates stay what they are."""
    sheet.append([export_text(value) for value in values])


def _add_instructions(sheet, columns: list[dict]) -> None:
    sheet.append([_("How to fill in this sheet")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            _(
                "Fill in the first sheet, one row per record, and import it on the portal's import page. The header "
                "row must stay; columns may be in any order, and a column left out is not changed."
            )
        ]
    )
    sheet.append([])
    sheet.append([_("Column"), _("Required"), _("What it holds"), _("Example")])
    for cell in sheet[sheet.max_row]:
        cell.font = _BOLD
    for column in columns:
        append_row(sheet, [column["header"], _("Yes") if column["required"] else "", column["rule"], column["example"]])
        for cell in sheet[sheet.max_row]:
            cell.alignment = _WRAP
    sheet.append([])
    sheet.append([_("An example row:")])
    sheet[f"A{sheet.max_row}"].font = _BOLD
    sheet.append([column["header"] for column in columns])
    for cell in sheet[sheet.max_row]:
        cell.font = _BOLD
    append_row(sheet, [column["example"] for column in columns])
    for letter, width in zip("ABCD", (22, 8, 70, 28), strict=True):
        sheet.column_dimensions[letter].width = width


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of : \\ / ? * [ ]."""
    for character in ":\\/?*[]":
        title = title.replace(character, "-")
    return title[:31]
