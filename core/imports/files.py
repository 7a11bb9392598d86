"""Import files: checked before anything parses them, read into a plain table, kept server-side between the
preview and the confirmation.

The checks run on the raw bytes: the size limit, content that matches the extension (the zip of an .xlsx or an
.ods, whose ``mimetype`` says it is a spreadsheet; the OLE compound file of an .xls), bounded unpacked size and
compression ratio for a zip, every part of a zip that is XML by its content (whatever its name) parsed with
defusedxml's rules (no DTD, no entities, no external references), bounded cells and shared texts, and for .csv a
text encoding the bureau's Excel really writes (UTF-8, with or without BOM, or GB18030/GBK) with no NUL bytes.
Only then is the file read: .xlsx by the expat reader below (which opens only parts the check parsed), .xls and
.ods by calamine, .csv by the csv module.
"""

import array
import csv
import datetime
import io
import posixpath
import re
import secrets
import struct
import sys
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
XLS = "xls"
ODS = "ods"
CSV = "csv"
IMPORT_FORMATS = (XLSX, XLS, ODS, CSV)

# A real workbook's XML compresses 5-20 times; several hundred times is a zip bomb. Small members are not
# judged by their ratio (a few repeated bytes compress very well).
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 2000
_XLSX_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: The first bytes of the binary parts a workbook carries (pictures, embedded objects, VBA): never XML.
_BINARY_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"BM",  # bitmap
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"\x01\x00\x00\x00",  # EMF (its header record)
    b"\xd7\xcd\xc6\x9a",  # placeable WMF
    b"\x01\x00\x09\x00",  # WMF
    b"\x02\x00\x09\x00",
    _OLE_SIGNATURE,  # vbaProject.bin, embedded objects
    _ZIP_SIGNATURE,  # an embedded workbook
)
DEFAULT_MAX_CELLS = 2_000_000  # settings.IMPORT_MAX_CELLS overrides
_UTF8_BOM = b"\xef\xbb\xbf"

STORAGE_DIR = "imports"
DEFAULT_MAX_ROWS = 5000  # settings.IMPORT_MAX_ROWS overrides
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_SHEET_TARGET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\b(?:\w+:)?id="([^"]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
MAX_COLUMNS = 200


@dataclass
class Table:
    """A sheet as read from a file: the header row and the data rows, each with its row number in the
    spreadsheet (the header is row 1), blank rows left out."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    #: The formula cells (row, column, formula text; "" when the text is kept elsewhere, None for an .xls: read
    #: as its last computed value).
    formulas: list[tuple[int, int, str | None]] = field(default_factory=list)


# Checks ----------------------------------------------------------------------------------------------------


def import_format(name: str) -> str:
    """The import format a file name asks for, or a ValidationError naming what is accepted."""
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    if extension not in IMPORT_FORMATS:
        raise ValidationError(
            _(
                "%(name)s: only .xlsx, .xls, .ods and .csv files (Excel, Excel 97-2003, OpenDocument, CSV) can be imported."
            )
            % {"name": name},
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
    elif fmt == ODS:
        _check_ods(data, name)
    elif fmt == XLS:
        _check_xls(data, name)
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
        names = {member.filename.lower() for member in members}
        if not all(part.lower() in names for part in _XLSX_REQUIRED_PARTS):
            raise ValidationError(
                _("%(name)s is not an Excel workbook (.xlsx), whatever its name says.") % {"name": name},
                code="not_xlsx",
            )
        _check_unpacked_sizes(members, name)
        parts = _xml_parts(archive, name)
        counted = {}
        sheet = _first_sheet_path(archive, parts)
        if sheet is not None:
            counted[sheet] = ("cells", _CELL_TAG)
        strings = _shared_strings_path(archive, parts)
        if strings is not None:
            counted[strings] = ("strings", _SHARED_STRING_TAG)
        for part in parts.values():
            kind, pattern = counted.get(part, (None, None))
            count = _check_xml_part(archive, archive.getinfo(part), name, count=pattern)
            if kind is not None:
                _check_count(kind, count, name)


def _xml_parts(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    """The members of a zip that are XML by their content, whatever their names say (lower-cased name → name):
    the ones the check parses, and the only ones the reader opens. A member is XML unless its first bytes are a
    known binary signature or are not text that starts like XML (Excel's printer settings have no signature).
    Two members whose names differ only in case are refused (which one would Excel read?)."""
    parts = {}
    for member in archive.infolist():
        if member.is_dir():
            continue
        try:
            with archive.open(member) as stream:
                head = stream.read(4096)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
            raise ValidationError(
                _("%(name)s is damaged: %(part)s cannot be read.") % {"name": name, "part": member.filename},
                code="damaged",
            ) from error
        if not _looks_like_xml(head):
            continue
        key = member.filename.lower()
        if key in parts:
            raise ValidationError(
                _("%(name)s is damaged: %(part)s cannot be read.") % {"name": name, "part": member.filename},
                code="damaged",
            )
        parts[key] = member.filename
    return parts


def _looks_like_xml(head: bytes) -> bool:
    if not head or head.startswith(_BINARY_SIGNATURES):
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")):  # UTF-16, as expat reads it
        return True
    text = head.removeprefix(_UTF8_BOM).lstrip(b" \t\r\n")
    return not text or text.startswith(b"<")


def max_import_cells() -> int:
    return getattr(settings, "IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)


def max_shared_strings() -> int:
    """At most as many shared texts as cells: a cell shows one text."""
    return min(getattr(settings, "IMPORT_MAX_SHARED_STRINGS", max_import_cells()), max_import_cells())


def _check_count(kind: str, count: int, name: str) -> None:
    if kind == "cells" and count > max_import_cells():
        raise ValidationError(
            _("%(name)s has more than %(limit)s cells; import at most %(limit)s cells at a time.")
            % {"name": name, "limit": max_import_cells()},
            code="too_many_cells",
        )
    if kind == "strings" and count > max_shared_strings():
        raise ValidationError(
            _("%(name)s holds more than %(limit)s different texts; import at most %(limit)s at a time.")
            % {"name": name, "limit": max_shared_strings()},
            code="too_many_cells",
        )


def _check_ods(data: bytes, name: str) -> None:
    """An OpenDocument spreadsheet: a zip whose ``mimetype`` member says so, within the zip bounds, every XML
    part parsed with defusedxml's rules, its first table's cells (repeats counted) within the cells bound."""
    not_ods = ValidationError(
        _("%(name)s is not an OpenDocument spreadsheet (.ods), whatever its name says.") % {"name": name},
        code="not_ods",
    )
    if not data.startswith(_ZIP_SIGNATURE):
        raise not_ods
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ValidationError(
            _("%(name)s is damaged: it cannot be opened.") % {"name": name}, code="damaged"
        ) from error
    with archive:
        members = archive.infolist()
        _check_unpacked_sizes(members, name)
        try:
            mimetype = archive.read("mimetype") if "mimetype" in archive.namelist() else b""
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise not_ods from error
        if mimetype.strip() != _ODS_MIMETYPE:
            raise not_ods
        parts = _xml_parts(archive, name)
        if parts.get("content.xml") != "content.xml":
            raise not_ods
        if "META-INF/manifest.xml" in archive.namelist() and "meta-inf/manifest.xml" not in parts:
            raise not_ods  # calamine reads it (is the file encrypted?): it must be XML the check parsed
        for part in parts.values():
            _check_xml_part(archive, archive.getinfo(part), name)
        _check_count("cells", _ods_scan(archive)[0], name)


def _repeat(value) -> int:
    try:
        return max(int(value), 1) if value else 1
    except ValueError:
        return 1


def _check_xls(data: bytes, name: str) -> None:
    """An Excel 97-2003 workbook: an OLE compound file whose sheets are within the cells bound."""
    if not data.startswith(_OLE_SIGNATURE):
        raise ValidationError(
            _("%(name)s is not an Excel 97-2003 workbook (.xls), whatever its name says.") % {"name": name},
            code="not_xls",
        )
    _check_count("cells", _xls_scan(data, name)[0], name)


def _xls_scan(data: bytes, name: str) -> tuple[int, list[tuple[int, int]]]:
    """How many cells calamine would hold for the largest sheet of an .xls file, from its A1 to its last cell:
    the sheets' cell records (and their DIMENSIONS) scanned in the compound file's Workbook stream, before calamine
    builds a sheet as one dense rectangle (a 6 KB file with a cell in IV65536 would take it to a gigabyte); and the
    (row, column) of the first sheet's formula cells, which calamine reads as their last computed values."""
    stream = _ole_stream(data, ("Workbook", "Book"), name)
    largest, rows, cols, in_sheet, offset = 0, 0, 0, False, 0
    sheets, formulas = 0, []
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4 : offset + 4 + length]
        offset += 4 + length
        if kind == 0x0809 and len(body) >= 4:  # BOF: a substream begins (0x0010: a worksheet)
            in_sheet, rows, cols = struct.unpack_from("<H", body, 2)[0] == 0x0010, 0, 0
            sheets += in_sheet
        elif kind == 0x000A:  # EOF
            largest, in_sheet = max(largest, rows * cols), False
        elif not in_sheet:
            continue
        elif kind == 0x0200 and len(body) >= 12:  # DIMENSIONS: rows and columns past the last used
            last_row, last_col = struct.unpack_from("<I", body, 4)[0], struct.unpack_from("<H", body, 10)[0]
            rows, cols = max(rows, last_row), max(cols, last_col)
        elif kind in _XLS_CELL_RECORDS and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body)
            if kind in (0x00BD, 0x00BE) and len(body) >= 6:  # MULRK, MULBLANK: the last column ends the record
                col = struct.unpack_from("<H", body, len(body) - 2)[0]
            rows, cols = max(rows, row + 1), max(cols, col + 1)
            if kind == 0x0006 and sheets == 1 and col < MAX_COLUMNS:  # FORMULA
                formulas.append((row + 1, col + 1))
    return max(largest, rows * cols), formulas


def _sector_table(blocks) -> array.array:
    """Sector numbers (little-endian 32-bit) as a compact array: a 10 MB file lists some 2.6 million."""
    table = array.array("I")
    for block in blocks:
        table.frombytes(block)
    if sys.byteorder == "big":
        table.byteswap()
    return table


_XLS_CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x0201, 0x00D6, 0x00BD, 0x00BE}


def _ole_stream(data: bytes, names: tuple[str, ...], name: str) -> bytes:
    """One stream of an OLE compound file (the first of ``names`` found), read with bounds: every sector and chain
    checked, so that a damaged or hostile file is refused rather than looped over."""
    damaged = ValidationError(_("%(name)s cannot be read as a spreadsheet.") % {"name": name}, code="damaged")
    try:
        sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
        mini_size = 1 << struct.unpack_from("<H", data, 32)[0]
        fat_count, directory_start = struct.unpack_from("<II", data, 44)
        cutoff, minifat_start, _minifat_count, difat_start, difat_count = struct.unpack_from("<IIIII", data, 56)
        if sector_size not in (512, 4096) or mini_size != 64:
            raise damaged
        sectors = -(-(len(data) - sector_size) // sector_size)

        def sector(number: int) -> bytes:
            if not 0 <= number < sectors:
                raise damaged
            start = (number + 1) * sector_size
            return data[start : start + sector_size]

        fat_sectors = [n for n in struct.unpack_from("<109I", data, 76) if n < 0xFFFFFFFA]
        next_difat = difat_start
        for _step in range(min(difat_count, sectors)):
            if next_difat >= 0xFFFFFFFA:
                break
            listed = struct.unpack(f"<{sector_size // 4}I", sector(next_difat))
            fat_sectors += [n for n in listed[:-1] if n < 0xFFFFFFFA]
            next_difat = listed[-1]
        fat = _sector_table(sector(number) for number in fat_sectors[: min(fat_count, sectors)])

        def chain(start: int, table) -> list[int]:
            numbers = []
            while start < 0xFFFFFFFA:
                if start >= len(table) or len(numbers) > len(table):
                    raise damaged
                numbers.append(start)
                start = table[start]
            return numbers

        directory = b"".join(sector(n) for n in chain(directory_start, fat))
        entries = {}
        for position in range(0, len(directory) - 127, 128):
            entry = directory[position : position + 128]
            length = min(struct.unpack_from("<H", entry, 64)[0], 64)
            entry_name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<II", entry, 116)  # the size's high half is unused (version 3)
            entries.setdefault(entry_name, (entry[66], start, size))
        root = entries.get("Root Entry")
        found = next((entries[n] for n in names if n in entries and entries[n][0] == 2), None)
        if root is None or found is None:
            raise damaged
        _kind, start, size = found
        if size > len(data):
            raise damaged
        if size >= cutoff:
            return b"".join(sector(n) for n in chain(start, fat))[:size]
        minifat = _sector_table(sector(number) for number in chain(minifat_start, fat))
        mini_stream = b"".join(sector(n) for n in chain(root[1], fat))
        return b"".join(mini_stream[n * 64 : n * 64 + 64] for n in chain(start, minifat))[:size]
    except (struct.error, IndexError, ValueError) as error:
        raise damaged from error


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


def _check_xml_part(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, *, count: re.Pattern | None = None
) -> int:
    """Parse one XML part as a stream (a part can be large) with expat and defusedxml's rules: a DTD, an entity
    declaration or an external reference is refused before any reader sees the file. No Python handler runs per
    element, so even a sheet of a million cells is checked quickly. With ``count``, return how many times that
    tag occurs (counted on the raw bytes as they are decompressed, before anything is built from them)."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid(DTDForbidden)
    parser.EntityDeclHandler = _forbid(EntitiesForbidden)
    parser.UnparsedEntityDeclHandler = _forbid(EntitiesForbidden)
    parser.ExternalEntityRefHandler = _forbid(ExternalReferenceForbidden)
    found = 0
    try:
        with archive.open(member) as stream:
            if count is None:
                parser.ParseFile(stream)
            else:
                tail = b""
                while chunk := stream.read(1024 * 1024):
                    parser.Parse(chunk, False)
                    block = tail + chunk
                    cut = max(len(block) - 32, 0)  # a tag across the cut is counted with the next chunk
                    found += sum(1 for match in count.finditer(block) if match.start() < cut)
                    tail = block[cut:]
                parser.Parse(b"", True)
                found += len(count.findall(tail))
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
    return found


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
    the ``<row>`` elements of a workbook's first sheet (its XML decompressed as a stream and scanned), the rows
    calamine finds in an .xls or .ods. None if the sheet cannot be found (then treat the file as large)."""
    if fmt == CSV:
        return max(data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1, 0)
    if fmt in (XLS, ODS):
        try:
            with _calamine_workbook(data) as workbook:
                end = workbook.get_sheet_by_index(0).end
            return 0 if end is None else end[0]
        except Exception:  # a broken file raises many kinds of errors; the reader says what is wrong
            return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _xml_parts(archive, "")
            path = _first_sheet_path(archive, parts)
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
    except (ValidationError, zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return None


def _part(parts: dict[str, str], path: str) -> str | None:
    """The member named ``path`` (compared case-insensitively, as Excel does) if it is one of the XML parts the
    check parsed; None otherwise: a part the check did not see is never read."""
    return parts.get(path.lower())


def _read_part(archive: zipfile.ZipFile, parts: dict[str, str], path: str) -> bytes | None:
    member = _part(parts, path)
    return None if member is None else archive.read(member)


def _relationships(archive: zipfile.ZipFile, parts: dict[str, str]) -> list[dict]:
    data = _read_part(archive, parts, "xl/_rels/workbook.xml.rels") or b""
    return [dict(_ATTRIBUTE.findall(element)) for element in _RELATIONSHIP.findall(data)]


def _target(parts: dict[str, str], relationship: dict) -> str | None:
    target = relationship.get(b"Target", b"").decode("utf-8", "replace")
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return _part(parts, path)


def _first_sheet_path(archive: zipfile.ZipFile, parts: dict[str, str]) -> str | None:
    """The first worksheet's part, from xl/workbook.xml and its relationships (small parts, read as bytes)."""
    workbook = _read_part(archive, parts, "xl/workbook.xml")
    if workbook is None:
        return None
    first = _SHEET_TARGET.search(workbook)
    if first is None:
        return None
    for relationship in _relationships(archive, parts):
        if relationship.get(b"Id") == first.group(1):
            return _target(parts, relationship)
    return None


def _shared_strings_path(archive: zipfile.ZipFile, parts: dict[str, str]) -> str | None:
    for relationship in _relationships(archive, parts):
        if relationship.get(b"Type", b"").endswith(b"/sharedStrings"):
            return _target(parts, relationship)
    return _part(parts, "xl/sharedStrings.xml")


# Reading ---------------------------------------------------------------------------------------------------


def read_table(data: bytes, fmt: str, *, name: str = "") -> Table:
    """Read a checked file into a Table (first sheet of a workbook), as a stream with bounds: at most
    ``settings.IMPORT_MAX_ROWS`` data rows and MAX_COLUMNS columns, so that a sheet claiming a million rows or
    columns costs nothing. Call the checks first."""
    limit = max_import_rows()
    formulas: list = []
    rows = _rows(data, fmt, name, formulas)
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
            table = Table(headers=headers, formulas=formulas)
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


def _rows(data: bytes, fmt: str, name: str, formulas: list, merged: list | None = None):
    if fmt == XLSX:
        return _xlsx_rows(data, name, formulas, merged)
    if fmt in (XLS, ODS):
        return _calamine_rows(data, fmt, name, formulas)
    return _csv_rows(data, name)


def max_import_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def _too_many_rows(limit: int) -> ValidationError:
    return ValidationError(
        _("The file has more than %(limit)s rows; import at most %(limit)s rows at a time.") % {"limit": limit},
        code="too_many_rows",
    )


def _xlsx_rows(data: bytes, name: str, formulas: list | None = None, merged: list | None = None):
    """The first sheet's rows as (row number, values), streamed with expat (after the checks: no DTD, no
    entities): shared strings, dates (by the cells' number formats, 1900 or 1904 based), numbers, booleans,
    inline strings, formulas as their text (``=…``, each added to ``formulas``), as openpyxl's read-only mode
    reads them but several times faster. Rows are yielded as the sheet's XML is decompressed, so the file is
    never unpacked whole. Only parts the check parsed (``_xml_parts``) are opened. ``merged`` receives the
    sheet's merged ranges first (they are listed after the rows, so the part is scanned for them once).

    A sheet without formulas whose cells all name their place within the cells bound (``_calamine_reads``, a scan
    of the part) is read by calamine instead, into the same rows (dates as ``datetime.date``) several times
    faster: a formula's text is not kept by calamine, and it builds a sheet as one rectangle from A1 to its last
    cell, which must be bounded before it does."""
    damaged = _("%(name)s cannot be read as an Excel workbook.") % {"name": name}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = _xml_parts(archive, name)
        path = _first_sheet_path(archive, parts) or _part(parts, "xl/worksheets/sheet1.xml")
        if path is None:
            raise ValidationError(damaged, code="damaged")
        if merged is not None:
            merged.extend(_merged_ranges(archive, path))
        if _calamine_reads(archive, path):
            archive.close()
            yield from _calamine_rows(data, XLSX, name, formulas if formulas is not None else [])
            return
        reader = _SheetReader(
            _shared_strings(archive, parts, name),
            *_date_styles(archive, parts),
            max_col=MAX_COLUMNS,
            name=name,
            formulas=formulas if formulas is not None else [],
        )
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


_CELL_PLACE = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_PREFIXED_TAG = re.compile(rb"<[A-Za-z_][\w.-]*:")
_SCAN_CHUNK = 4 * 1024 * 1024


def _calamine_reads(archive: zipfile.ZipFile, path: str) -> bool:
    """Whether calamine may read this (checked) sheet part: it holds no formula (calamine reads a formula cell as
    its last computed value; the expat reader keeps its text and names it), every cell says where it is first
    (``<c r="B7"``, as Excel writes it), the rectangle from A1 to the last cell is within the cells bound, and no
    element has a namespace prefix (which the plain scan would not see). A scan of the decompressed part, a chunk
    at a time (cut after a ``>``), never parsed; any doubt leaves the sheet to the expat reader."""
    last_row, columns, tail = 0, set(), b""
    with archive.open(path) as stream:
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            block = tail + chunk
            cut = block.rfind(b">") + 1 if chunk else len(block)
            head, tail = block[:cut], block[cut:]
            if _PREFIXED_TAG.search(head) or b"<f>" in head or b"<f " in head or b"<f/" in head:
                return False
            places = _CELL_PLACE.findall(head)
            if len(places) != head.count(b"<c ") + head.count(b"<c>") + head.count(b"<c/"):
                return False
            if places:
                letters, rows = zip(*places, strict=True)
                columns.update(letters)
                last_row = max(last_row, *map(int, rows))
            if not chunk:
                break
    last_column = max((_column_index(column.decode()) for column in columns), default=0)
    return last_row * last_column <= max_import_cells()


MAX_MERGED_RANGES = 5000
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})"')


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (first row, first column, last row, last column), found by a plain scan of
    the decompressed part (no parsing; the part has passed the checks)."""
    found: set = set()
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1024 * 1024):
            buffer, end = tail + chunk, 0
            for match in _MERGE_CELL.finditer(buffer):
                if len(found) >= MAX_MERGED_RANGES:
                    return sorted(found)  # a register has a handful; beyond this they are not filled in
                first_col, first_row, last_col, last_row = match.groups()
                found.add(
                    (int(first_row), _column_index(first_col.decode()), int(last_row), _column_index(last_col.decode()))
                )
                end = match.end()
            tail = buffer[max(end, len(buffer) - 256) :]
    return sorted(found)


def _local(tag: str) -> str:
    return tag.rsplit(":", 1)[-1]


def _texts(archive: zipfile.ZipFile, part: str, item: str, *, limit: int, name: str) -> list[str]:
    """The text of each ``item`` element of a part (its ``t`` elements joined, phonetic runs left out), at most
    ``limit`` of them (the check counted them already; this holds even without it)."""
    stream = archive.open(part)
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
            if len(items) >= limit:
                _check_count("strings", limit + 1, name)
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


def _shared_strings(archive: zipfile.ZipFile, parts: dict[str, str], name: str) -> list[str]:
    path = _shared_strings_path(archive, parts)
    if path is None:
        return []
    return _texts(archive, path, "si", limit=max_shared_strings(), name=name)


def _date_styles(archive: zipfile.ZipFile, parts: dict[str, str]) -> tuple[set, datetime.datetime]:
    """The cell style numbers whose number format is a date, and the workbook's epoch."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    workbook = _read_part(archive, parts, "xl/workbook.xml") or b""
    epoch = CALENDAR_MAC_1904 if re.search(rb'date1904="(1|true)"', workbook) else CALENDAR_WINDOWS_1900
    styles = None
    for relationship in _relationships(archive, parts):
        if relationship.get(b"Type", b"").endswith(b"/styles"):
            styles = _target(parts, relationship)
    styles = styles or _part(parts, "xl/styles.xml")
    if styles is None:
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
    parser.Parse(archive.read(styles), True)
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


def _reference(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


class _SheetReader:
    """An expat handler collecting a sheet's rows as the XML is fed. A formula cell is read as its formula's text
    (``=…``), not its last computed value, and noted in ``formulas`` as (row, column, text); a cell of a shared
    formula takes its master's text, moved to the cell (as Excel shows it), or "" if the master is not found."""

    def __init__(self, shared: list[str], date_styles: set, epoch, *, max_col: int, name: str = "", formulas: list):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.shared, self.date_styles, self.epoch, self.max_col = shared, date_styles, epoch, max_col
        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.name, self.formulas = name, formulas
        self.max_cells, self.cells = max_import_cells(), 0
        self.masters: dict[str, tuple[str, str]] = {}  # shared formula index → (text, master cell)
        self.rows: list = []
        self.row_number = 0
        self.values: list | None = None
        self.column = 0
        self.cell: tuple | None = None  # (column, type, style)
        self.text: list | None = None
        self.inline: list | None = None
        self.formula: dict | None = None  # the <f> element's attributes
        self.formula_text: list | None = None
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
            self.cells += 1
            if self.cells > self.max_cells:
                _check_count("cells", self.cells, self.name)
            reference = attributes.get("r")
            self.column = _column_index(reference) if reference else self.column + 1
            self.cell = (self.column, attributes.get("t", "n"), int(attributes.get("s", 0) or 0))
            self.text, self.inline, self.formula, self.formula_text = None, None, None, None
        elif tag == "v" and self.cell is not None:
            self.text = []
        elif tag == "f" and self.cell is not None:
            self.formula, self.formula_text = dict(attributes), []
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
        if self.formula_text is not None:
            self.formula_text.append(value)
        elif self.text is not None:
            self.text.append(value)

    def end(self, tag):
        tag = _local(tag)
        if tag == "f" and self.formula is not None:
            self.formula["text"] = "".join(self.formula_text or ())
            self.formula_text = None
        elif tag == "t" and self.inline is not None and self.text is not None:
            self.inline.append("".join(self.text))
            self.text = None
        elif tag == "rPh":
            self.skip -= 1
        elif tag == "c" and self.cell is not None:
            column, kind, style = self.cell
            if self.values is not None and column <= self.max_col:
                value = self._formula(column) if self.formula is not None else None
                if value is None:
                    value = self._value(kind, style)
                if value is not None:
                    if len(self.values) < column:
                        self.values.extend([None] * (column - len(self.values)))
                    self.values[column - 1] = value
            self.cell, self.text, self.inline, self.formula = None, None, None, None
        elif tag == "row" and self.values is not None:
            self.rows.append((self.row_number, self.values))
            self.values = None

    def _formula(self, column: int) -> str | None:
        """The formula text of the current cell (noted in ``formulas``), or None to read its value."""
        text = self.formula.get("text", "")
        here = _reference(self.row_number, column)
        if self.formula.get("t") == "shared" and self.formula.get("si") is not None:
            index = self.formula["si"]
            if text:
                self.masters[index] = (text, here)
            elif index in self.masters:
                text = self._moved(*self.masters[index], here)
        if not text:
            self.formulas.append((self.row_number, column, ""))
            return None  # its last computed value is read; the preview says the formula's text is elsewhere
        text = "=" + text
        self.formulas.append((self.row_number, column, text))
        return text

    @staticmethod
    def _moved(text: str, origin: str, here: str) -> str:
        from openpyxl.formula.translate import Translator

        try:
            return Translator("=" + text, origin=origin).translate_formula(here)[1:]
        except Exception:  # a formula the translator does not understand: its text is elsewhere
            return ""

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
        return text  # "str" (a formula's last value, when its text is elsewhere), "e" (an error such as #N/A)


# .xls and .ods, read by calamine -----------------------------------------------------------------------------


def _calamine_workbook(data: bytes):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _calamine_rows(data: bytes, fmt: str, name: str, formulas: list):
    """The first sheet of a checked .xls or .ods (or an .xlsx that ``_calamine_reads``), read by calamine into the rows the xlsx reader gives: numbers
    as int when whole, dates as datetime.date / datetime, empty cells as None. Calamine holds a sheet as a
    rectangle from A1 to its last cell, so that rectangle is bounded by the cells limit before it is built into
    Python lists. An .ods formula is read as its text (from content.xml, checked), as in an .xlsx; an .xls formula
    (whose text is compiled into tokens) as its last computed value, noted in ``formulas`` with the text None."""
    from python_calamine import PasswordError

    try:
        blocks = []
        if fmt == ODS:  # the cells bound again (as the check does), before calamine builds the sheet
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                cells, blocks = _ods_scan(archive, want_formulas=True)
            _check_count("cells", cells, name)
        elif fmt == XLS:
            cells, formula_cells = _xls_scan(data, name)
            formulas.extend((row, column, None) for row, column in formula_cells)
            _check_count("cells", cells, name)
        # an .xlsx: bounded, and without formulas (_calamine_reads)
        with _calamine_workbook(data) as workbook:
            sheet = workbook.get_sheet_by_index(0)
            end = sheet.end
            if end is None:
                return
            if (end[0] + 1) * (end[1] + 1) > max_import_cells():
                _check_count("cells", (end[0] + 1) * (end[1] + 1), name)
            limit = max_import_rows() * 10 + 1001  # as the row scan stops (read_table, read_sheet)
            rows = sheet.to_python(skip_empty_area=False, nrows=min(end[0] + 1, limit))
    except ValidationError:
        raise
    except PasswordError as error:
        raise ValidationError(
            _("%(name)s is protected by a password; save it without one and try again.") % {"name": name},
            code="encrypted",
        ) from error
    except Exception as error:  # a broken file raises many kinds of errors
        raise ValidationError(
            _("%(name)s cannot be read as a spreadsheet.") % {"name": name}, code="damaged"
        ) from error
    active, upcoming = [], iter(blocks)
    following = next(upcoming, None)
    for index, row in enumerate(rows):
        number = index + 1
        values = [_calamine_value(value) for value in row[:MAX_COLUMNS]]
        while following is not None and following[0] <= number:
            active.append(following)
            following = next(upcoming, None)
        active = [block for block in active if block[1] >= number]
        for _first_row, _last_row, first_col, last_col, text in active:
            for column in range(first_col, min(last_col, len(values)) + 1):
                values[column - 1] = text
                formulas.append((number, column, text))
        yield number, values


def _calamine_value(value):
    if isinstance(value, str):
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _ods_scan(archive: zipfile.ZipFile, *, want_formulas: bool = False) -> tuple[int, list]:
    """The cells calamine would hold for the first table of a checked content.xml (its rows and columns up to the
    last cell with a value, repeats counted: a few bytes can repeat a cell a million times) and, with
    ``want_formulas``, its formula cells as blocks (a repeated cell is one block), in the order of their rows."""
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
    state = {"table": 0, "row": 0, "col": 0, "repeat_rows": 1, "rows": 0, "cols": 0, "done": False}
    formulas: list[tuple[int, int, int, int, str]] = []  # (first row, last row, first column, last column, text)
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(tag, attributes):
        if state["done"]:
            return
        if tag == table_ns + "table":
            state["table"] += 1
        elif state["table"] != 1:
            return
        elif tag == table_ns + "table-row":
            state["repeat_rows"] = _repeat(attributes.get(table_ns + "number-rows-repeated"))
            state["col"] = 0
        elif tag in (table_ns + "table-cell", table_ns + "covered-table-cell"):
            repeat = _repeat(attributes.get(table_ns + "number-columns-repeated"))
            first = state["col"] + 1
            state["col"] += repeat
            formula = attributes.get(table_ns + "formula")
            if attributes.get(office_ns + "value-type") or formula:
                state["cols"] = max(state["cols"], state["col"])
                state["rows"] = state["row"] + state["repeat_rows"]
            if formula and want_formulas:
                text = formula.split(":", 1)[1] if re.match(r"^[a-z]+:=", formula) else formula
                text = text if text.startswith("=") else "=" + text
                last_row = state["row"] + state["repeat_rows"]
                formulas.append((state["row"] + 1, last_row, first, min(state["col"], MAX_COLUMNS), text))

    def end(tag):
        if tag == table_ns + "table-row" and state["table"] == 1:
            state["row"] += state["repeat_rows"]
        elif tag == table_ns + "table" and state["table"] == 1:
            state["done"] = True

    parser.StartElementHandler, parser.EndElementHandler = start, end
    with archive.open("content.xml") as stream:
        parser.ParseFile(stream)
    return state["rows"] * state["cols"], formulas


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
    sheet = Sheet(rows=[])
    rows = _rows(data, fmt, name, sheet.formulas, sheet.merged)
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
