"""Running an import: checks, reading, header matching, then django-import-export's ``import_data`` inside one
transaction under the importing user (so the audit history names them), all rows or none.

``run_import(dry_run=True)`` is the preview: the rows are written and always rolled back, so database rules are
checked too. ``run_import(dry_run=False)`` writes, and rolls everything back if any row has a problem.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import RowResult

from core import clock
from core.audit import set_actor

from . import checked as kept
from .columns import HEADER_SEARCH_ROWS, Column, fill_merged, find_header, match_columns, needs_mapping
from .files import Sheet, check_import_data, read_sheet
from .resources import PortalModelResource
from .widgets import is_blank

logger = logging.getLogger(__name__)

#: Data rows read below the header to decide the columns (their first values are shown in the mapping step).
INSPECTED_ROWS = 50

NEW = "new"
UPDATED = "update"
UNCHANGED = "unchanged"
INVALID = "invalid"

KIND_LABELS = {
    NEW: gettext_lazy("new"),
    UPDATED: gettext_lazy("updated"),
    UNCHANGED: gettext_lazy("unchanged"),
    INVALID: gettext_lazy("error"),
}
_KINDS = {
    RowResult.IMPORT_TYPE_NEW: NEW,
    RowResult.IMPORT_TYPE_UPDATE: UPDATED,
    RowResult.IMPORT_TYPE_SKIP: UNCHANGED,
    RowResult.IMPORT_TYPE_INVALID: INVALID,
    RowResult.IMPORT_TYPE_ERROR: INVALID,
}


@dataclass(frozen=True)
class Issue:
    """One problem: its spreadsheet row (the header is row 1; None for the whole file), the column header
    ('' for the whole row) and what is wrong."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is not None and self.column:
            return _("Row %(row)s, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class RowOutcome:
    row: int
    kind: str
    label: str = ""
    changed: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


@dataclass
class ImportOutcome:
    """What an import did (or, at a dry run, would do). A large import on the fast path keeps no rows, only
    ``totals`` by kind and the first problems (``row_issues``; ``more_issues`` counts those left out)."""

    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    file_issues: list[Issue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    row_issues: list[Issue] = field(default_factory=list)
    more_issues: int = 0
    #: How the sheet was read: which row is the header, the rows above it that were skipped, each column's field.
    header: str = ""
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    #: Columns nobody recognised: the mapping step comes first (``sample``: a column's first values by position).
    needs_mapping: bool = False
    #: A dry run's checked rows for its confirmation (``run_import(keep_check=True)``), signed, in an open
    #: temporary file (``core.imports.checked.store`` keeps it); else None.
    checked: object | None = None
    sample: dict[int, list[str]] = field(default_factory=dict)
    #: What the user should know but does not stop the import (a formula read as its text, merged cells).
    warnings: list[Issue] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return self.totals.get(kind, 0) + sum(1 for row in self.rows if row.kind == kind)

    @property
    def new(self) -> int:
        return self.count(NEW)

    @property
    def updated(self) -> int:
        return self.count(UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def invalid(self) -> int:
        return self.count(INVALID)

    @property
    def total(self) -> int:
        return sum(self.totals.values()) + len(self.rows)

    @property
    def issues(self) -> list[Issue]:
        return self.file_issues + self.row_issues + [issue for row in self.rows for issue in row.issues]

    @property
    def ok(self) -> bool:
        """True when every row can be imported (and there is at least one row)."""
        return self.total > 0 and not self.issues and not self.more_issues


def run_import(
    *,
    resource: PortalModelResource,
    data: bytes,
    fmt: str,
    user,
    dry_run: bool,
    name: str = "",
    progress: Callable[[int, int], None] | None = None,
    before_commit: Callable[[ImportOutcome], None] | None = None,
    saved_mapping: dict[str, str] | None = None,
    mapping: dict[str, str] | None = None,
    keep_check: bool = False,
    checked=None,
) -> ImportOutcome:
    """Check, read and import a file with ``resource`` as ``user``, in one transaction: all rows or none.

    Fast path only: ``keep_check`` at a dry run whose rows all pass puts what they would write in
    ``outcome.checked``; given back as ``checked`` to the confirmation, it is written without the file being
    read and checked again, if it still holds (``core.imports.checked``; else the file is checked again).

    ``progress(done, total)`` is called now and then while the rows are checked; ``before_commit(outcome)``
    is called inside the transaction of a real import that succeeds, before it commits (an exception from it
    rolls the import back). A resource with ``bulk = True`` takes the fast path (``core.imports.bulk``).
    ``saved_mapping`` and ``mapping`` say which fields the file's unrecognised columns go to (see
    ``prepare_dataset``); a file whose columns still need mapping returns with ``outcome.needs_mapping``."""
    outcome = ImportOutcome(dry_run=dry_run)
    bulk = getattr(resource, "bulk", False)
    if bulk and (keep_check or checked is not None):
        fingerprint = kept.fingerprint(
            user=user, resource=resource, data=data, mapping={**(saved_mapping or {}), **(mapping or {})}
        )
    if bulk and checked is not None and not dry_run:
        with checked:
            payload = kept.load(checked)
        if payload is not None and kept.still_holds(payload, resource=resource, user=user, fingerprint_now=fingerprint):
            resource.source_name, resource.source_data, resource.dry_run = name, data, False
            from .bulk import write_checked

            with set_actor(user):
                write_checked(resource, payload, outcome, before_commit=before_commit)
            outcome.warnings.extend(Issue(None, "", note) for note in payload.get("notes", ()))
            return outcome
    try:
        check_import_data(data, fmt, name=name)
        sheet = read_sheet(data, fmt, name=name)
    except ValidationError as error:
        outcome.file_issues = [Issue(None, "", message) for message in error.messages]
        return outcome
    resource.source_name, resource.source_data, resource.dry_run = name, data, dry_run
    dataset, sheet_rows = prepare_dataset(resource, sheet, outcome, saved=saved_mapping, chosen=mapping)
    del sheet
    if outcome.file_issues or outcome.needs_mapping:
        return outcome
    if bulk:
        from .bulk import import_in_bulk

        def keep(payload):
            payload.update(fingerprint=fingerprint, checked_at=timezone.now(), notes=resource.import_notes())
            outcome.checked = kept.dump(payload)

        with set_actor(user), clock.one_day():
            import_in_bulk(
                resource,
                dataset,
                sheet_rows,
                outcome,
                dry_run=dry_run,
                progress=progress,
                before_commit=before_commit,
                keep_rows=getattr(settings, "IMPORT_BACKGROUND_ROWS", 1000),
                keep=keep if keep_check else None,
            )
        outcome.warnings.extend(Issue(None, "", note) for note in resource.import_notes())
        if not outcome.ok and outcome.checked is not None:
            outcome.checked.close()
            outcome.checked = None
        return outcome
    resource.progress = progress
    with set_actor(user), clock.one_day(), transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,  # all or nothing (the library's default is False)
            sheet_rows=sheet_rows,
        )
        _collect(resource, dataset, sheet_rows, result, outcome)
        outcome.warnings.extend(Issue(None, "", note) for note in resource.import_notes())
        if dry_run or not outcome.ok:
            transaction.set_rollback(True)
        elif before_commit is not None:
            before_commit(outcome)
    return outcome


def inspect_columns(
    *,
    resource: PortalModelResource,
    data: bytes,
    fmt: str,
    name: str = "",
    saved_mapping: dict[str, str] | None = None,
    mapping: dict[str, str] | None = None,
) -> ImportOutcome:
    """Only the top of the sheet: its header and which field each column goes to, so that the mapping step comes
    before a file is checked row by row (or sent to a background job). Nothing is imported."""
    outcome = ImportOutcome(dry_run=True)
    try:
        check_import_data(data, fmt, name=name)
        sheet = read_sheet(data, fmt, name=name, max_rows=HEADER_SEARCH_ROWS + INSPECTED_ROWS)
    except ValidationError as error:
        outcome.file_issues = [Issue(None, "", message) for message in error.messages]
        return outcome
    prepare_dataset(resource, sheet, outcome, saved=saved_mapping, chosen=mapping)
    return outcome


def prepare_dataset(
    resource: PortalModelResource,
    sheet: Sheet,
    outcome: ImportOutcome,
    *,
    saved: dict[str, str] | None = None,
    chosen: dict[str, str] | None = None,
):
    """Find the sheet's header, match its columns to the resource's fields (``saved``: the mapping kept for this
    register and unit; ``chosen``: the user's answers in the mapping step) and build the dataset of the rows below
    the header. Problems with the file as a whole go to ``outcome.file_issues``; columns nobody recognised set
    ``outcome.needs_mapping`` (and nothing is read further)."""
    index = resource.header_index()
    found = find_header(sheet, index)
    merged_in_data = fill_merged(sheet, set(found.rows))
    if sheet.merged:
        found = find_header(sheet, index)  # the header's merged cells are filled in now
    outcome.header = found.describe()
    outcome.skipped_rows = found.skipped
    data = [(number, values) for number, values in sheet.rows if number > found.last_row]
    width = max([len(found.texts), *(len(values) for _number, values in data)])
    filled = set()
    for _number, values in data:
        filled.update(position for position, value in enumerate(values, start=1) if not is_blank(value))
    columns = match_columns(
        found.texts,
        index,
        importable=resource.recognised_columns(),
        reference_only=set(),
        saved=saved,
        chosen=chosen,
        width=width,
        filled=filled,
    )
    outcome.columns = columns
    if needs_mapping(columns):
        outcome.needs_mapping = True
        outcome.sample = {column.position: _samples(data, column.position) for column in columns}
        return None, []
    for column in columns:
        if column.how == "duplicate":
            outcome.file_issues.append(
                Issue(
                    None, column.label, _("The column “%(column)s” appears more than once.") % {"column": column.label}
                )
            )
        elif not column.field and column.how != "empty":
            outcome.ignored_columns.append(column.label)
    mapped = [column for column in columns if column.field]
    names = {column.field for column in mapped}
    missing = [resource.fields[name].column_name for name in resource.required_columns if name not in names]
    if missing:
        outcome.file_issues.append(
            Issue(None, "", _("The file lacks these required columns: %(columns)s.") % {"columns": "、".join(missing)})
        )
    if not data:
        outcome.file_issues.append(Issue(None, "", _("The file has no rows to import.")))
    by_cell = {(row, col): formula for row, col, formula in sheet.formulas}
    for number, _values in data:
        for column in mapped:
            if (number, column.position) in by_cell:
                cell, formula = f"{column.letter}{number}", by_cell[number, column.position]
                if formula is None:
                    message = _(
                        "Cell %(cell)s holds a formula; an Excel 97-2003 (.xls) file is read with its last computed "
                        "value. Save the file as .xlsx to import the formula's text."
                    ) % {"cell": cell}
                elif formula:
                    message = _(
                        "Cell %(cell)s holds a formula; it is imported as its text “%(formula)s”, not its result."
                    ) % {"cell": cell, "formula": formula}
                else:
                    message = _(
                        "Cell %(cell)s holds a formula whose text is kept elsewhere in the workbook; its last "
                        "computed value is imported."
                    ) % {"cell": cell}
                outcome.warnings.append(Issue(number, resource.fields[column.field].column_name, message))
    for cells in merged_in_data:
        outcome.warnings.append(
            Issue(None, "", _("The merged cells %(cells)s were read as the same value in each row.") % {"cells": cells})
        )
    dataset = tablib.Dataset(headers=[resource.fields[column.field].column_name for column in mapped])
    positions = [column.position - 1 for column in mapped]
    for _number, values in data:
        dataset.append([values[position] if position < len(values) else None for position in positions])
    return dataset, [number for number, _values in data]


def _samples(data, position: int, count: int = 3) -> list[str]:
    """The first few values of a column, for the mapping step."""
    values = []
    for _number, row in data:
        if position <= len(row) and not is_blank(row[position - 1]):
            values.append(str(row[position - 1]))
            if len(values) == count:
                break
    return values


def _collect(resource, dataset, sheet_rows, result, outcome: ImportOutcome) -> None:
    for error in result.base_errors:
        outcome.file_issues.append(Issue(None, "", error_message(resource, error.error)))
    if len(result.rows) != len(dataset):  # the import stopped before the rows (see the file issues)
        if not outcome.file_issues:
            outcome.file_issues.append(Issue(None, "", _("The file could not be imported.")))
        return
    for index, (row_result, values) in enumerate(zip(result.rows, dataset, strict=True)):
        number = sheet_rows[index]
        row = dict(zip(dataset.headers, values, strict=False))
        kind = _KINDS.get(row_result.import_type, INVALID)
        issues = []
        if row_result.validation_error is not None:
            for key, messages in _message_dict(row_result.validation_error).items():
                column = resource.column_for(key)
                issues.extend(Issue(number, column, message) for message in messages)
        for error in row_result.errors:
            issues.append(Issue(number, "", error_message(resource, error.error)))
        outcome.rows.append(
            RowOutcome(
                row=number,
                kind=INVALID if issues else kind,
                label=resource.row_label(row) or (row_result.object_repr or ""),
                changed=list(getattr(row_result, "changed_columns", [])),
                issues=issues,
            )
        )


def _message_dict(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def error_message(resource, error: Exception) -> str:
    """A message for an unexpected error in a row: the rule a database constraint states, else a general
    message (the details go to the log, not to the page)."""
    if isinstance(error, IntegrityError):
        text = str(error)
        for constraint in resource._meta.model._meta.constraints:
            if constraint.name in text:
                return str(constraint.get_violation_error_message())
        return _("This row breaks a rule of the database and cannot be saved.")
    logger.error("import row failed", exc_info=error)
    return _("This row could not be imported because of an unexpected error.")
