"""Reading an import file: a CSV (UTF-8) or XLSX file becomes a header and rows."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings

DEFAULT_MAX_ROWS = 20_000
# A workbook is a zip archive: refuse one that unpacks to far more than its size.
MAX_UNPACKED_RATIO = 25
SAVE_AS_CSV = "In Excel choose File > Save As and pick ‘CSV UTF-8 (Comma delimited)’"


class ImportFileError(Exception):
    """The file cannot be read as a table at all; nothing in it was looked at."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]


def max_bytes() -> int:
    return int(getattr(settings, "TANDEM_MAX_IMPORT_BYTES", 5 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "TANDEM_MAX_IMPORT_ROWS", DEFAULT_MAX_ROWS))


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def check_size(size: int) -> None:
    """Refuse an oversized file before reading it."""
    if size > max_bytes():
        raise ImportFileError(
            f"The file is {size_text(size)}; the largest file Tandem imports is "
            f"{size_text(max_bytes())}. Split it into smaller files."
        )


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading the file ---------------------------------------------------------------------


def read_table(filename: str, data: bytes) -> Table:
    """The header and the non-blank rows of a CSV or XLSX file, or ImportFileError."""
    check_size(len(data))
    if not data.strip():
        raise ImportFileError("The file is empty.")
    suffix = os.path.splitext(filename)[1].lower()
    if suffix == ".csv":
        return _collect(_csv_records(data))
    if suffix == ".xlsx":
        return _collect(_xlsx_records(data))
    if suffix in {".xls", ".xlsm", ".ods", ".numbers", ".txt", ".tsv"}:
        raise ImportFileError(
            f"Tandem imports CSV and Excel .xlsx files, not {suffix} files. "
            f"{SAVE_AS_CSV}, or ‘Excel Workbook (.xlsx)’."
        )
    raise ImportFileError(
        f"‘{filename}’ is not a CSV or XLSX file. {SAVE_AS_CSV}, or ‘Excel Workbook (.xlsx)’."
    )


def _collect(records: Iterable[tuple[int, list[str]]]) -> Table:
    headers: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list[str]]] = []
    limit = max_rows()
    for number, cells in records:
        if not any(cells):
            continue
        if headers is None:
            headers, header_row = cells, number
            continue
        if len(rows) >= limit:
            raise ImportFileError(
                f"The file has more than {limit:,} rows of people. "
                f"Split it into files of at most {limit:,} rows."
            )
        rows.append((number, cells))
    if headers is None:
        raise ImportFileError("The file is empty: it has no column headings and no rows.")
    return Table(headers, header_row, rows)


def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "This file is an Excel workbook with a .csv name. Rename it to .xlsx, "
            f"or {SAVE_AS_CSV[0].lower()}{SAVE_AS_CSV[1:]}."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise ImportFileError(
            "The file is saved as UTF-16 (‘Unicode text’), not UTF-8. "
            f"{SAVE_AS_CSV}, then upload that file."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            "The file is not saved as UTF-8 text (the first character Tandem cannot read "
            f"is on line {line}). {SAVE_AS_CSV}, then upload that file."
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise ImportFileError(
            f"Line {reader.line_num} cannot be read as CSV ({exc}). {SAVE_AS_CSV}."
        ) from exc


DAMAGED_XLSX = (
    "The file cannot be read as an Excel workbook (.xlsx): it may be damaged, or another "
    "kind of file renamed to .xlsx. Open it in Excel and save it again as ‘Excel Workbook "
    "(.xlsx)’ or ‘CSV UTF-8 (Comma delimited)’."
)


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError(DAMAGED_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(DAMAGED_XLSX) from exc
    if unpacked > MAX_UNPACKED_RATIO * max_bytes():
        raise ImportFileError(
            "The workbook is too large once unpacked. Save it as CSV UTF-8 or split it."
        )
    workbook = None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(value) for value in values]
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error on a bad archive
        raise ImportFileError(DAMAGED_XLSX) from exc
    finally:
        if workbook is not None:
            workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == time() else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
