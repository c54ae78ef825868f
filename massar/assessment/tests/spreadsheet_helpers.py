"""Helpers of the mark-sheet spreadsheet tests: reading a produced file back with calamine, and
writing the edited file a teacher would send (with or without the hidden worksheet)."""

from __future__ import annotations

import io
from datetime import date, datetime

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from massar.assessment.spreadsheets import META_SHEET


def read_book(content: bytes) -> dict[str, list[list]]:
    """Every worksheet of a file by name (the hidden one included)."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {
        name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in book.sheet_names
    }


def visible_rows(content: bytes) -> list[list]:
    return next(rows for name, rows in read_book(content).items() if name != META_SHEET)


def header_index(rows: list[list]) -> int:
    """The index of the first header row (the one naming the code Massar)."""
    return next(i for i, row in enumerate(rows) if row and row[0] in ("رمز التلميذ", "Code Massar"))


def write_book(sheets: dict[str, list[list]], *, hidden: tuple[str, ...] = (META_SHEET,)) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    dates = book.add_format({"num_format": "dd-mm-yyyy"})
    for name, rows in sheets.items():
        worksheet = book.add_worksheet(name)
        if name in hidden:
            worksheet.very_hidden()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime | date):
                    worksheet.write_datetime(r, c, value, dates)
                elif isinstance(value, bool):
                    worksheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    worksheet.write_number(r, c, value)
                elif value not in (None, ""):
                    worksheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def edited(content: bytes, edit, *, keep_meta: bool = True) -> bytes:
    """The exported file after ``edit(rows)`` changed its visible worksheet in place."""
    sheets = read_book(content)
    visible = next(name for name in sheets if name != META_SHEET)
    edit(sheets[visible])
    if not keep_meta:
        sheets.pop(META_SHEET, None)
    return write_book(sheets)


def pupil_row(rows: list[list], code: str) -> list:
    return next(row for row in rows if row and row[0] == code)


def upload(content: bytes, name: str = "notes.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
