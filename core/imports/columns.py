"""Finding a sheet's header and matching its columns to a register's fields, as bureaus keep their sheets.

- **The header row** is found, not assumed: title rows, blank rows and notes above it are skipped. Each of the
  first ``HEADER_SEARCH_ROWS`` rows — and each pair of consecutive rows, for a two-level header whose upper row
  groups columns (a merged 五定 over 责任单位 / 责任人 …) — is scored by how many of its cells name a column of the
  register; the best wins (the first of equals).
- **Merged cells** are filled from their top-left cell: across and down in the header, down only in the data
  (a township merged over the rows of its hazards), so that no value is lost and none lands in another column.
- **Columns** are matched by header in any of the portal's languages, by the register's synonyms (one place per
  register: the resource's ``header_synonyms``), by a mapping the user chose earlier for this register and unit
  (``core.models.ColumnMapping``), or by the user's choice in the mapping step. Headers are compared without
  spaces, in NFKC form (full-width brackets and letters as half-width), without required-markers (``*``) and
  case-insensitively; ``整改资金`` also matches ``整改资金（万元）``. A column nobody recognises is shown in the
  mapping step (map it or leave it out); nothing is dropped silently: every column left out is named in the
  preview.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .files import Sheet

#: Rows searched for the header (title rows, notes and blank rows above it are skipped).
HEADER_SEARCH_ROWS = 30

#: Headers that say which row a line is, never data: left out without asking, and named in the preview.
ROW_NUMBER_HEADERS = ("序号", "序", "行号", "编号序号", "no", "no.", "#")
IGNORE = ""  # the field name of a column that is not imported

_BRACKETED = re.compile(r"\([^()]*\)$")
_MARKERS = "*※:"


def header_key(header) -> str:
    """A header as compared: NFKC (full-width as half-width), without spaces and required-markers, casefolded."""
    text = unicodedata.normalize("NFKC", "" if header is None else str(header))
    text = "".join(text.split()).strip(_MARKERS).casefold()
    return text


def loose_key(key: str) -> str:
    """``header_key`` without a trailing bracketed unit or note: 整改资金(万元) → 整改资金."""
    stripped = _BRACKETED.sub("", key)
    return stripped or key


def cell_text(value) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def column_letter(number: int) -> str:
    """The spreadsheet letters of a 1-based column number: 1 → A, 28 → AB."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Merged cells ------------------------------------------------------------------------------------------------


def fill_merged(sheet: Sheet, header_rows: set[int]) -> list[str]:
    """Copy each merged range's top-left value into the range's other cells (in place): across and down in the
    header rows, down only (the first column of the range) in the data rows. Returns the ranges filled in the data,
    as A1 references, for the preview."""
    if not sheet.merged:
        return []
    rows = {number: values for number, values in sheet.rows}
    filled = []
    for first_row, first_col, last_row, last_col in sheet.merged:
        top = rows.get(first_row)
        if top is None or len(top) < first_col or top[first_col - 1] is None:
            continue
        value = top[first_col - 1]
        in_data = False
        for number in range(first_row, last_row + 1):
            header = number in header_rows
            columns = range(first_col, last_col + 1) if header else range(first_col, first_col + 1)
            if number == first_row and not header:
                continue
            values = rows.get(number)
            if values is None:
                continue  # a blank row inside a merge stays blank (it is not data)
            for column in columns:
                if (number, column) == (first_row, first_col):
                    continue
                if len(values) < column:
                    values.extend([None] * (column - len(values)))
                if values[column - 1] is None:
                    values[column - 1] = value
                    in_data = in_data or not header
        if in_data and last_row > first_row:
            filled.append(f"{column_letter(first_col)}{first_row}:{column_letter(first_col)}{last_row}")
    return filled


# The register's headers --------------------------------------------------------------------------------------


@dataclass
class HeaderIndex:
    """Every header a register's columns may be written with → the field name (built by the resource)."""

    exact: dict[str, str]
    loose: dict[str, str]

    @classmethod
    def build(cls, names: dict[str, list[str]], synonyms: dict[str, tuple[str, ...]] | None = None) -> "HeaderIndex":
        """``names``: field name → the headers the portal gives it (in each language); ``synonyms``: field name →
        the register's other names for it. A portal header wins over another field's synonym."""
        exact, loose, ambiguous = {}, {}, set()
        for source in (names, synonyms or {}):
            for field_name, headers in source.items():
                for header in headers:
                    key = header_key(header)
                    if key:
                        exact.setdefault(key, field_name)
        for key, field_name in exact.items():
            short = loose_key(key)
            if short in loose and loose[short] != field_name:
                ambiguous.add(short)
            loose.setdefault(short, field_name)
        for short in ambiguous:
            loose.pop(short, None)
        return cls(exact, loose)

    def match(self, header) -> str | None:
        key = header_key(header)
        if not key:
            return None
        found = self.exact.get(key)
        if found is None:
            found = self.loose.get(loose_key(key)) or self.exact.get(loose_key(key))
        return found


def is_row_number_header(header) -> bool:
    return header_key(header) in ROW_NUMBER_HEADERS


# Finding the header ------------------------------------------------------------------------------------------


@dataclass
class HeaderFound:
    """Where the header is: its row numbers (one or two), the texts of its cells by column, and the rows above it
    that were skipped (their first text, for the preview)."""

    rows: tuple[int, ...]
    texts: list[str]
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def last_row(self) -> int:
        return self.rows[-1]

    def describe(self) -> str:
        if len(self.rows) == 1:
            return _("Row %(row)s was taken as the header.") % {"row": self.rows[0]}
        return _("Rows %(first)s–%(last)s were taken as the header (two levels).") % {
            "first": self.rows[0],
            "last": self.rows[-1],
        }


def _texts(values: list) -> list[str]:
    return [cell_text(value) for value in values]


def _combined(upper: list[str], lower: list[str]) -> list[str]:
    """A two-level header: each column's lower text, or the upper one where the lower is empty."""
    width = max(len(upper), len(lower))
    upper, lower = upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower))
    return [low or high for high, low in zip(upper, lower, strict=True)]


def _score(texts: list[str], index: HeaderIndex) -> int:
    fields = {index.match(text) for text in texts if text}
    fields.discard(None)
    return len(fields)


def find_header(sheet: Sheet, index: HeaderIndex) -> HeaderFound | None:
    """The header of ``sheet`` (None if the sheet has no rows). Consecutive rows only pair if they are adjacent in
    the sheet (no blank row between)."""
    candidates = sheet.rows[:HEADER_SEARCH_ROWS]
    if not candidates:
        return None
    best, best_score = None, -1
    previous = None
    for position, (number, values) in enumerate(candidates):
        texts = _texts(values)
        options = [((number,), texts)]
        if previous is not None and previous[0] == number - 1:
            options.append(((previous[0], number), _combined(previous[1], texts)))
        for rows, combined in options:
            score = _score(combined, index)
            # a two-level header must name more columns than its lower row alone to be preferred
            if score > best_score:
                best, best_score = (rows, combined, position - len(rows) + 1), score
        previous = (number, texts)
    if best_score <= 0:  # nothing recognised: the first row is the header, every column goes to the mapping step
        number, values = candidates[0]
        return HeaderFound(rows=(number,), texts=_texts(values))
    rows, texts, first_position = best
    skipped = []
    for number, values in candidates[:first_position]:
        text = next((t for t in _texts(values) if t), "")
        skipped.append((number, text))
    while texts and not texts[-1]:
        texts.pop()
    return HeaderFound(rows=rows, texts=texts, skipped=skipped)


# Matching the columns ----------------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of the file: its position (1-based), its header as written, the field it is imported into
    (``IGNORE`` if none) and how that was decided."""

    position: int
    header: str
    field: str
    how: str  # "header", "saved", "chosen", "row_number", "reference", "unknown", "duplicate", "empty"
    key: str = ""

    @property
    def letter(self) -> str:
        return column_letter(self.position)

    @property
    def label(self) -> str:
        return self.header or _("column %(letter)s (no header)") % {"letter": self.letter}


def match_columns(
    texts: list[str],
    index: HeaderIndex,
    *,
    importable: set[str],
    reference_only: set[str],
    saved: dict[str, str] | None = None,
    chosen: dict[str, str] | None = None,
    width: int | None = None,
    filled: set[int] | None = None,
) -> list[Column]:
    """Decide, for each column of the header (``width`` columns at least, for data without a header), which field
    it goes to (``filled``: the positions of columns with data, so that a column with neither header nor data is
    left out without asking). ``chosen`` (the mapping step's answers, header key → field or IGNORE) wins over ``saved`` (a
    mapping kept for this register and unit), which wins over the register's own headers. A field named by two
    columns takes the first; the second is marked "duplicate"."""
    saved, chosen = saved or {}, chosen or {}
    columns, taken = [], set()
    count = max(len(texts), width or 0)
    for position in range(1, count + 1):
        header = texts[position - 1] if position <= len(texts) else ""
        key = header_key(header) or f"#{column_letter(position)}"
        if key in chosen:
            name, how = chosen[key], "chosen"
        elif key in saved:
            name, how = saved[key], "saved"
        elif header and (matched := index.match(header)) is not None:
            name = matched
            how = "reference" if matched in reference_only and matched not in importable else "header"
        elif header and is_row_number_header(header):
            name, how = IGNORE, "row_number"
        elif not header and filled is not None and position not in filled:
            name, how = IGNORE, "empty"
        else:
            name, how = IGNORE, "unknown"
        if how == "reference":
            name = IGNORE
        if name and name not in importable:
            name, how = IGNORE, "unknown"
        if name and name in taken:
            name, how = IGNORE, "duplicate"
        if name:
            taken.add(name)
        columns.append(Column(position=position, header=header, field=name, how=how, key=key))
    return columns


def needs_mapping(columns: list[Column]) -> bool:
    """Whether the mapping step must be shown: a column with a header (or with data) nobody recognised."""
    return any(column.how == "unknown" for column in columns)


# Mappings kept per register and unit -------------------------------------------------------------------------


def saved_mapping(register: str, user) -> dict[str, str]:
    """The mapping step's earlier answers for ``register`` in the user's unit (header key → field or IGNORE)."""
    from core.models import ColumnMapping

    rows = ColumnMapping.objects.filter(register=register, unit_id=getattr(user, "unit_id", None))
    return dict(rows.values_list("header_key", "field"))


def save_mapping(register: str, user, chosen: dict[str, str]) -> None:
    """Keep the mapping step's answers for the next import of ``register`` in the user's unit (audited)."""
    from core.audit import set_actor
    from core.models import ColumnMapping

    unit_id = getattr(user, "unit_id", None)
    with set_actor(user):
        for key, field_name in chosen.items():
            ColumnMapping.objects.update_or_create(
                register=register,
                unit_id=unit_id,
                header_key=key,
                defaults={"field": field_name, "updated_by": user},
            )
