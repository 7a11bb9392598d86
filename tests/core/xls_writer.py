"""A minimal Excel 97-2003 (.xls, BIFF8 in an OLE compound file) writer, for test fixtures only: one sheet of
numbers, texts (through the shared string table), dates (a cell style with the built-in date format 14) and
formulas (``Formula``: a constant formula with its last computed number).
No writer of .xls is installed; ``python -m tests.core.xls_writer`` rewrites tests/core/fixtures/measures.xls."""

import datetime
import struct
from pathlib import Path

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512


class Formula(float):
    """A formula cell: the formula ``=<the number>`` (a tInt token) with that number as its computed value."""


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _xf(number_format: int) -> bytes:
    return _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, number_format, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))


def _unicode(text: str) -> bytes:
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def workbook_stream(rows: list[list]) -> bytes:
    strings: list[str] = []
    cells = b""
    for row_index, row in enumerate(rows):
        for col_index, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                if value not in strings:
                    strings.append(value)
                cells += _record(0x00FD, struct.pack("<HHHI", row_index, col_index, 0, strings.index(value)))
            elif isinstance(value, Formula):
                tokens = struct.pack("<BH", 0x1E, int(value))  # tInt
                body = struct.pack("<HHHdHI", row_index, col_index, 0, float(value), 0, 0)
                cells += _record(0x0006, body + struct.pack("<H", len(tokens)) + tokens)
            elif isinstance(value, datetime.date):
                serial = (value - datetime.date(1899, 12, 30)).days
                cells += _record(0x0203, struct.pack("<HHHd", row_index, col_index, 1, serial))
            else:
                cells += _record(0x0203, struct.pack("<HHHd", row_index, col_index, 0, float(value)))
    width = max(len(row) for row in rows)
    sheet = (
        _bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)) + cells + _record(0x000A, b"")
    )
    sst = _record(0x00FC, struct.pack("<II", len(strings), len(strings)) + b"".join(_unicode(s) for s in strings))
    name = "Sheet1"

    def globals_(offset: int) -> bytes:
        boundsheet = _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name.encode("ascii"))
        return (
            _bof(0x0005)
            + _record(0x0042, struct.pack("<H", 1200))
            + _record(0x0022, struct.pack("<H", 0))
            + _xf(0)
            + _xf(14)
            + boundsheet
            + sst
            + _record(0x000A, b"")
        )

    head = globals_(0)
    return globals_(len(head)) + sheet


def compound_file(stream: bytes, *, mini: bool = False) -> bytes:
    """An OLE compound file (version 3, 512-byte sectors) holding one stream named Workbook: in ordinary sectors
    (padded beyond the 4096-byte cutoff), or with ``mini`` in the mini stream (64-byte sectors, as Excel keeps
    a small workbook)."""
    size = len(stream)
    if mini:
        assert size < 4096
        mini_sectors = -(-size // 64)
        container = stream.ljust(-(-size // SECTOR) * SECTOR, b"\x00")
        minifat = [n + 1 for n in range(mini_sectors - 1)] + [ENDOFCHAIN]
        minifat_bytes = struct.pack("<128I", *(minifat + [FREESECT] * (128 - len(minifat))))
        container_sectors = len(container) // SECTOR
        directory_sector = 2 + container_sectors
        fat = [FATSECT, ENDOFCHAIN] + [n + 1 for n in range(2, 1 + container_sectors)] + [ENDOFCHAIN, ENDOFCHAIN]
        body = minifat_bytes + container
        root_start, root_size, stream_start, minifat_start = 2, len(container), 0, 1
    else:
        stream = stream.ljust(max(4096, -(-size // SECTOR) * SECTOR), b"\x00")
        size = len(stream)
        data_sectors = size // SECTOR
        directory_sector = 1 + data_sectors
        fat = [FATSECT] + [n + 1 for n in range(1, data_sectors)] + [ENDOFCHAIN, ENDOFCHAIN]
        body = stream
        root_start, root_size, stream_start, minifat_start = ENDOFCHAIN, 0, 1, ENDOFCHAIN
    fat += [FREESECT] * (128 - len(fat))
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, directory_sector, 0, 4096, minifat_start, int(mini), ENDOFCHAIN, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREESECT) * 108
    )

    def entry(name: str, kind: int, child: int, start: int, length: int) -> bytes:
        encoded = (name.encode("utf-16-le") + b"\x00\x00") if name else b""
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NOSTREAM, NOSTREAM, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, length)
        )

    directory = (
        entry("Root Entry", 5, 1, root_start, root_size)
        + entry("Workbook", 2, NOSTREAM, stream_start, size)
        + entry("", 0, NOSTREAM, 0, 0) * 2
    )
    return header + struct.pack("<128I", *fat) + body + directory


def xls_bytes(rows: list[list], *, mini: bool = False) -> bytes:
    return compound_file(workbook_stream(rows), mini=mini)


MEASURES = [
    ["年度", "举措名称", "日期", "金额"],
    [2020, "道路建设", datetime.date(2020, 3, 15), 12.5],
    [],
    [2021, "桥梁", None, 3],
]

if __name__ == "__main__":
    target = Path(__file__).parent / "fixtures" / "measures.xls"
    target.write_bytes(xls_bytes([row or [None] for row in MEASURES]))
    print(target)
