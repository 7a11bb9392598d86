"""Import files: checked before anything parses them, read into a plain table, kept server-side between the
preview and the confirmation.

The checks run on the raw bytes: the size limit, content that matches the extension, bounded unpacked size and
compression ratio for .xlsx (a zip), every XML part of the workbook parsed with defusedxml (no DTD, no entities,
no external references), and for .csv a text encoding the bureau's Excel really writes (UTF-8, with or without
BOM, or GB18030/GBK) with no NUL bytes. Only then does openpyxl or the csv module read the file.
"""

import csv
import datetime
import io
import posixpath
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from core.uploads import check_size

XLSX = "xlsx"
CSV = "csv"
IMPORT_FORMATS = (XLSX, CSV)

# A real workbook's XML compresses 5-20 times; several hundred times is a zip bomb. Small members are not
# judged by their ratio (a few repeated bytes compress very well).
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 2000
_XLSX_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_ZIP_SIGNATURE = b"PK\x03\x04"
_UTF8_BOM = b"\xef\xbb\xbf"

STORAGE_DIR = "imports"
DEFAULT_MAX_ROWS = 5000  # settings.IMPORT_MAX_ROWS overrides
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_SHEET_TARGET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\b(?:\w+:)?id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')
MAX_COLUMNS = 200


@dataclass
class Table:
    """A sheet as read from a file: the header row and the data rows, each with its row number in the
    spreadsheet (the header is row 1), blank rows left out."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)


# Checks ----------------------------------------------------------------------------------------------------


def import_format(name: str) -> str:
    """The import format a file name asks for, or a ValidationError naming what is accepted."""
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    if extension not in IMPORT_FORMATS:
        raise ValidationError(
            _("%(name)s: only Excel workbooks (.xlsx) and CSV files (.csv) can be imported.") % {"name": name},
            code="file_type",
        )
    return extension


def check_import_upload(upload) -> tuple[str, bytes]:
    """Check an uploaded import file before anything parses it; return its format and its bytes."""
    check_size(upload.name, upload.size, settings.IMPORT_MAX_BYTES)
    fmt = import_format(upload.name)
    upload.seek(0)
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    upload.seek(0)
    check_import_data(data, fmt, name=upload.name)
    return fmt, data


def check_import_data(data: bytes, fmt: str, *, name: str = "") -> None:
    """The checks on the bytes of an import file (also re-run on a stored file before it is imported)."""
    check_size(name, len(data), settings.IMPORT_MAX_BYTES)
    if fmt == XLSX:
        _check_xlsx(data, name)
    elif fmt == CSV:
        decode_csv(data, name=name)
    else:
        raise ValueError(f"unknown import format {fmt!r}")


def _check_xlsx(data: bytes, name: str) -> None:
    if not data.startswith(_ZIP_SIGNATURE):
        raise ValidationError(
            _("%(name)s is not an Excel workbook (.xlsx), whatever its name says.") % {"name": name}, code="not_xlsx"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ValidationError(
            _("%(name)s is damaged: it cannot be opened.") % {"name": name}, code="damaged"
        ) from error
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if not all(part in names for part in _XLSX_REQUIRED_PARTS):
            raise ValidationError(
                _("%(name)s is not an Excel workbook (.xlsx), whatever its name says.") % {"name": name},
                code="not_xlsx",
            )
        _check_unpacked_sizes(members, name)
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                _check_xml_part(archive, member, name)


def _check_unpacked_sizes(members, name: str) -> None:
    too_much = ValidationError(
        _("%(name)s unpacks to more than %(limit)s; it cannot be imported.")
        % {"name": name, "limit": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES)},
        code="zip_bomb",
    )
    if len(members) > MAX_ZIP_MEMBERS:
        raise too_much
    if sum(member.file_size for member in members) > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise too_much
    for member in members:
        if member.flag_bits & 0x1:
            raise ValidationError(
                _("%(name)s is protected by a password; save it without one and try again.") % {"name": name},
                code="encrypted",
            )
        if member.file_size >= RATIO_CHECK_FROM_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise ValidationError(
                _("%(name)s is compressed suspiciously well (a zip bomb?); it cannot be imported.") % {"name": name},
                code="zip_bomb",
            )


def _check_xml_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    """Parse one XML part as a stream (a part can be large) with expat and defusedxml's rules: a DTD, an entity
    declaration or an external reference is refused before openpyxl, whose sheet reader is not defused, sees
    the file. No Python handler runs per element, so even a sheet of a million cells is checked quickly."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid(DTDForbidden)
    parser.EntityDeclHandler = _forbid(EntitiesForbidden)
    parser.UnparsedEntityDeclHandler = _forbid(EntitiesForbidden)
    parser.ExternalEntityRefHandler = _forbid(ExternalReferenceForbidden)
    try:
        with archive.open(member) as stream:
            parser.ParseFile(stream)
    except DefusedXmlException as error:
        raise ValidationError(
            _("%(name)s contains XML that is not allowed (a DTD or entity declaration in %(part)s).")
            % {"name": name, "part": member.filename},
            code="unsafe_xml",
        ) from error
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise ValidationError(
            _("%(name)s is damaged: %(part)s cannot be read.") % {"name": name, "part": member.filename},
            code="damaged",
        ) from error


def _forbid(exception):
    arity = {DTDForbidden: 3, EntitiesForbidden: 6, ExternalReferenceForbidden: 4}[exception]

    def handler(*args):
        raise exception(*(list(args[:1]) + [None] * (arity - 1)))

    return handler


def decode_csv(data: bytes, *, name: str = "") -> str:
    """The text of a CSV file: UTF-8 (with or without BOM, as Excel's 'CSV UTF-8' writes it) or GB18030 (what
    Chinese Excel writes as plain 'CSV'); NUL bytes mean it is not a text file at all."""
    if b"\x00" in data:
        raise ValidationError(
            _("%(name)s is not a text CSV file (it contains NUL bytes).") % {"name": name}, code="not_csv"
        )
    if data.startswith(_UTF8_BOM):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("%(name)s is neither UTF-8 nor GB18030 (GBK) text; save it from Excel as “CSV UTF-8” and try again.")
        % {"name": name},
        code="encoding",
    )


# Counting rows cheaply --------------------------------------------------------------------------------------


def estimate_rows(data: bytes, fmt: str) -> int | None:
    """An upper bound of a checked file's data rows, without parsing its cells: the line ends of a CSV file,
    the ``<row>`` elements of a workbook's first sheet (its XML decompressed as a stream and scanned).
    None if the sheet cannot be found (then treat the file as large)."""
    if fmt == CSV:
        return max(data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1, 0)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _first_sheet_path(archive)
            if path is None:
                return None
            count, tail = 0, b""
            with archive.open(path) as stream:
                while chunk := stream.read(1024 * 1024):
                    block = tail + chunk
                    cut = max(len(block) - 32, 0)  # a tag across the cut is counted with the next chunk
                    count += sum(1 for match in _ROW_TAG.finditer(block) if match.start() < cut)
                    tail = block[cut:]
            count += len(_ROW_TAG.findall(tail))
            return max(count - 1, 0)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return None


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The first worksheet's part, from xl/workbook.xml and its relationships (small parts, already checked)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relationships = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    first = _SHEET_TARGET.search(workbook)
    if first is None:
        return None
    for element in _RELATIONSHIP.findall(relationships):
        attributes = dict(_ATTRIBUTE.findall(element))
        if attributes.get(b"Id") == first.group(1):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return path if path in archive.namelist() else None
    return None


# Reading ---------------------------------------------------------------------------------------------------


def read_table(data: bytes, fmt: str, *, name: str = "") -> Table:
    """Read a checked file into a Table (first sheet of a workbook), as a stream with bounds: at most
    ``settings.IMPORT_MAX_ROWS`` data rows and MAX_COLUMNS columns, so that a sheet claiming a million rows or
    columns costs nothing. Call the checks first."""
    limit = max_import_rows()
    rows = _xlsx_rows(data, name) if fmt == XLSX else _csv_rows(data, name)
    table = None
    for scanned, (number, values) in enumerate(rows, start=1):
        if max(scanned, number) > limit * 10 + 1000:  # rows of nothing, or of far too much
            raise _too_many_rows(limit)
        if _is_blank(values):
            continue  # blank lines, also above the header
        if table is None:
            headers = [_header_text(value) for value in values]
            while headers and not headers[-1]:
                headers.pop()
            table = Table(headers=headers)
            continue
        width = len(table.headers)
        if any(not _is_blank_value(value) for value in values[width:]):
            raise ValidationError(
                _("Row %(row)s has values to the right of the last column header.") % {"row": number}, code="shape"
            )
        table.rows.append((number, list(values[:width]) + [None] * (width - len(values))))
        if len(table.rows) > limit:
            raise _too_many_rows(limit)
    if table is None or not table.headers:
        raise ValidationError(_("%(name)s is empty: it has no header row.") % {"name": name}, code="empty")
    return table


def max_import_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def _too_many_rows(limit: int) -> ValidationError:
    return ValidationError(
        _("The file has more than %(limit)s rows; import at most %(limit)s rows at a time.") % {"limit": limit},
        code="too_many_rows",
    )


def _xlsx_rows(data: bytes, name: str):
    """The first sheet's rows as (row number, values), streamed with expat (after the checks: no DTD, no
    entities): shared strings, dates (by the cells' number formats, 1900 or 1904 based), numbers, booleans,
    inline and formula strings (their last computed value), as openpyxl's read-only mode reads them but several
    times faster. Rows are yielded as the sheet's XML is decompressed, so the file is never unpacked whole."""
    damaged = _("%(name)s cannot be read as an Excel workbook.") % {"name": name}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        path = _first_sheet_path(archive) or "xl/worksheets/sheet1.xml"
        reader = _SheetReader(_shared_strings(archive), *_date_styles(archive), max_col=MAX_COLUMNS)
        with archive.open(path) as stream:
            while chunk := stream.read(256 * 1024):
                reader.parser.Parse(chunk, False)
                yield from reader.take()
            reader.parser.Parse(b"", True)
            yield from reader.take()
    except ValidationError:
        raise
    except Exception as error:  # a broken workbook raises many kinds of errors
        raise ValidationError(damaged, code="damaged") from error


def _local(tag: str) -> str:
    return tag.rsplit(":", 1)[-1]


def _texts(archive: zipfile.ZipFile, part: str, item: str) -> list[str]:
    """The text of each ``item`` element of a part (its ``t`` elements joined, phonetic runs left out)."""
    try:
        stream = archive.open(part)
    except KeyError:
        return []
    items, parts, state = [], [], {"in_t": False, "skip": 0}
    parser = expat.ParserCreate()

    def start(tag, attributes):
        tag = _local(tag)
        if tag == item:
            parts.clear()
        elif tag == "rPh":
            state["skip"] += 1
        elif tag == "t" and not state["skip"]:
            state["in_t"] = True

    def end(tag):
        tag = _local(tag)
        if tag == item:
            items.append("".join(parts))
        elif tag == "rPh":
            state["skip"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def text(value):
        if state["in_t"]:
            parts.append(value)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    with stream:
        parser.ParseFile(stream)
    return items


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    relationships = (
        archive.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in archive.namelist() else b""
    )
    part = "xl/sharedStrings.xml"
    for element in _RELATIONSHIP.findall(relationships):
        attributes = dict(_ATTRIBUTE.findall(element))
        if attributes.get(b"Type", b"").endswith(b"/sharedStrings"):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return _texts(archive, part, "si")


def _date_styles(archive: zipfile.ZipFile) -> tuple[set, datetime.datetime]:
    """The cell style numbers whose number format is a date, and the workbook's epoch."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    workbook = archive.read("xl/workbook.xml")
    epoch = CALENDAR_MAC_1904 if re.search(rb'date1904="(1|true)"', workbook) else CALENDAR_WINDOWS_1900
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return set(), epoch
    formats = {key: value for key, value in BUILTIN_FORMATS.items()}
    xf_formats, state = [], {"in_xfs": False}
    parser = expat.ParserCreate()

    def start(tag, attributes):
        tag = _local(tag)
        if tag == "numFmt":
            formats[int(attributes.get("numFmtId", -1))] = attributes.get("formatCode", "")
        elif tag == "cellXfs":
            state["in_xfs"] = True
        elif tag == "xf" and state["in_xfs"]:
            xf_formats.append(int(attributes.get("numFmtId", 0)))

    def end(tag):
        if _local(tag) == "cellXfs":
            state["in_xfs"] = False

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(styles, True)
    dates = {index for index, number in enumerate(xf_formats) if is_date_format(formats.get(number, ""))}
    return dates, epoch


def _column_index(reference: str) -> int:
    column = 0
    for character in reference:
        if character.isalpha():
            column = column * 26 + ord(character.upper()) - 64
        else:
            break
    return column


class _SheetReader:
    """An expat handler collecting a sheet's rows as the XML is fed."""

    def __init__(self, shared: list[str], date_styles: set, epoch, *, max_col: int):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.shared, self.date_styles, self.epoch, self.max_col = shared, date_styles, epoch, max_col
        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.rows: list = []
        self.row_number = 0
        self.values: list | None = None
        self.column = 0
        self.cell: tuple | None = None  # (column, type, style)
        self.text: list | None = None
        self.inline: list | None = None
        self.skip = 0
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        self.parser = parser

    def take(self) -> list:
        rows, self.rows = self.rows, []
        return rows

    def start(self, tag, attributes):
        tag = _local(tag)
        if tag == "c":
            reference = attributes.get("r")
            self.column = _column_index(reference) if reference else self.column + 1
            self.cell = (self.column, attributes.get("t", "n"), int(attributes.get("s", 0) or 0))
            self.text, self.inline = None, None
        elif tag == "v" and self.cell is not None:
            self.text = []
        elif tag == "is" and self.cell is not None:
            self.inline = []
        elif tag == "t" and self.inline is not None and not self.skip:
            self.text = []
        elif tag == "rPh":
            self.skip += 1
        elif tag == "row":
            reference = attributes.get("r")
            self.row_number = int(reference) if reference else self.row_number + 1
            self.values, self.column = [], 0

    def characters(self, value):
        if self.text is not None:
            self.text.append(value)

    def end(self, tag):
        tag = _local(tag)
        if tag == "t" and self.inline is not None and self.text is not None:
            self.inline.append("".join(self.text))
            self.text = None
        elif tag == "rPh":
            self.skip -= 1
        elif tag == "c" and self.cell is not None:
            column, kind, style = self.cell
            if self.values is not None and column <= self.max_col:
                value = self._value(kind, style)
                if value is not None:
                    if len(self.values) < column:
                        self.values.extend([None] * (column - len(self.values)))
                    self.values[column - 1] = value
            self.cell, self.text, self.inline = None, None, None
        elif tag == "row" and self.values is not None:
            self.rows.append((self.row_number, self.values))
            self.values = None

    def _value(self, kind: str, style: int):
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline is not None else None
        text = "".join(self.text) if self.text else None
        if not text:
            return None
        if kind == "n":
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            if style in self.date_styles:
                return self.from_excel(number, self.epoch)
            return number
        if kind == "s":
            return self.shared[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return self.from_iso(text)
        return text  # "str" (a formula's text), "e" (an error such as #N/A)


def _csv_rows(data: bytes, name: str):
    text = decode_csv(data, name=name)
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
    except csv.Error as error:
        raise ValidationError(
            _("%(name)s cannot be read as CSV: %(error)s") % {"name": name, "error": error}, code="damaged"
        ) from error


def _header_text(value) -> str:
    return "" if value is None else str(value).replace("\u3000", " ").strip()


def _is_blank_value(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_blank(values) -> bool:
    return all(_is_blank_value(value) for value in values)


# Keeping a file between preview and confirmation -------------------------------------------------------------


def store_import_file(data: bytes, fmt: str) -> str:
    """Keep an uploaded file in MEDIA_ROOT/imports/ under a random name; return that name (the session keeps
    it; a client never names a stored file)."""
    token = secrets.token_hex(16)
    return default_storage.save(f"{STORAGE_DIR}/{token}.{fmt}", ContentFile(data))


def load_import_file(stored_name: str) -> bytes | None:
    if not _is_ours(stored_name) or not default_storage.exists(stored_name):
        return None
    with default_storage.open(stored_name, "rb") as stored:
        return stored.read(settings.IMPORT_MAX_BYTES + 1)


def delete_import_file(stored_name: str | None) -> None:
    if stored_name and _is_ours(stored_name) and default_storage.exists(stored_name):
        default_storage.delete(stored_name)


def purge_stale_import_files(max_age: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete import files left behind by previews nobody confirmed; for a periodic task. Returns the count."""
    try:
        _dirs, files = default_storage.listdir(STORAGE_DIR)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - max_age
    deleted = 0
    for file_name in files:
        path = f"{STORAGE_DIR}/{file_name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted


def _is_ours(stored_name: str) -> bool:
    path = PurePath(stored_name)
    return (
        len(path.parts) == 2
        and path.parts[0] == STORAGE_DIR
        and path.suffix.lstrip(".") in IMPORT_FORMATS
        and ".." not in path.parts
    )


@dataclass
class Sheet:
    """A sheet as read from a file, its header not yet found: every non-blank row with its spreadsheet row number
    (1-based; values index 0 = column A), the merged ranges (first_row, first_col, last_row, last_col) and the
    formula cells (row, col, formula text)."""

    rows: list[tuple[int, list]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: list[tuple[int, int, str]] = field(default_factory=list)


def read_sheet(data: bytes, fmt: str, *, name: str = "", max_rows: int | None = None) -> Sheet:
    limit = max_import_rows()
    rows = _xlsx_rows(data, name) if fmt == XLSX else _csv_rows(data, name)
    sheet = Sheet(rows=[])
    for scanned, (number, values) in enumerate(rows, start=1):
        if max(scanned, number) > limit * 10 + 1000:
            raise _too_many_rows(limit)
        if _is_blank(values):
            continue
        values = list(values)
        while values and _is_blank_value(values[-1]):
            values.pop()
        sheet.rows.append((number, values))
        if max_rows is not None and len(sheet.rows) >= max_rows:
            break
        if len(sheet.rows) > limit + 100:  # the header and the rows above it
            raise _too_many_rows(limit)
    if not sheet.rows:
        raise ValidationError(_("%(name)s is empty: it has no header row.") % {"name": name}, code="empty")
    return sheet
