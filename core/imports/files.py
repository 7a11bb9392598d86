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
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
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
    """Parse one XML part with defusedxml, as a stream (a part can be large): DTDs, entity declarations and
    external references are refused before openpyxl, whose sheet reader is not defused, sees the file."""
    try:
        with archive.open(member) as stream:
            for _event, element in iterparse(stream, forbid_dtd=True, forbid_entities=True, forbid_external=True):
                element.clear()
    except DefusedXmlException as error:
        raise ValidationError(
            _("%(name)s contains XML that is not allowed (a DTD or entity declaration in %(part)s).")
            % {"name": name, "part": member.filename},
            code="unsafe_xml",
        ) from error
    except (ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise ValidationError(
            _("%(name)s is damaged: %(part)s cannot be read.") % {"name": name, "part": member.filename},
            code="damaged",
        ) from error


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


# Reading ---------------------------------------------------------------------------------------------------


def read_table(data: bytes, fmt: str, *, name: str = "") -> Table:
    """Read a checked file into a Table (first sheet of a workbook), as a stream with bounds: at most
    ``settings.IMPORT_MAX_ROWS`` data rows and MAX_COLUMNS columns, so that a sheet claiming a million rows or
    columns costs nothing. Call the checks first."""
    limit = max_import_rows()
    rows = _xlsx_rows(data, name) if fmt == XLSX else _csv_rows(data, name)
    table = None
    for scanned, (number, values) in enumerate(rows, start=1):
        if scanned > limit * 10 + 1000:  # rows of nothing, or of far too much
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
    import openpyxl  # only once the file has passed the checks

    damaged = _("%(name)s cannot be read as an Excel workbook.") % {"name": name}
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of errors for a broken workbook
        raise ValidationError(damaged, code="damaged") from error
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the sheet's own claim of its size is not trusted
        yield from enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
    except ValidationError:
        raise
    except Exception as error:
        raise ValidationError(damaged, code="damaged") from error
    finally:
        workbook.close()


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
