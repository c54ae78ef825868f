"""Printable weeks as a spreadsheet (xlsxwriter): one sheet, the week grid of each page one
below the other, in the reader's language (a right-to-left sheet in Arabic).

A block of several periods is one merged cell; a free half-day is a grey cell.
"""

from __future__ import annotations

import io
import re

import xlsxwriter
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from massar.core.i18n import is_arabic

from .week import CLASS, ROOM, TEACHER, Section

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
KIND_LABELS = {
    CLASS: gettext_lazy("Class"),
    TEACHER: gettext_lazy("Teacher"),
    ROOM: gettext_lazy("Room"),
}


def _text(pair: dict[str, str], language: str) -> str:
    return pair["ar"] if is_arabic(language) else pair["fr"]


def sheet_name(text: str) -> str:
    """A valid sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    return SHEET_NAME_FORBIDDEN.sub("-", text).strip("'")[:31] or "1"


def week_workbook(sections: list[Section], *, title: str) -> bytes:
    """The weeks as an .xlsx file."""
    language = get_language() or "ar"
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    heading = book.add_format({"bold": True, "font_size": 14})
    muted = book.add_format({"font_color": "#555555"})
    head = book.add_format(
        {"bold": True, "bg_color": "#EEF5F0", "border": 1, "align": "center", "valign": "vcenter"}
    )
    head_wrap = book.add_format(
        {
            "bold": True,
            "bg_color": "#EEF5F0",
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    cell = book.add_format({"border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    closed = book.add_format({"border": 1, "bg_color": "#E6E6E6"})
    sheet = book.add_worksheet(sheet_name(title))
    if is_arabic(language):
        sheet.right_to_left()
    width = max((len(section.columns) for section in sections), default=0)
    sheet.set_column(0, 0, 14)
    if width:
        sheet.set_column(1, width, 18)
    row = 0
    for section in sections:
        label = _("%(kind)s: %(name)s") % {
            "kind": KIND_LABELS[section.kind],
            "name": _text(section.name, language),
        }
        sheet.write(row, 0, label, heading)
        row += 1
        sheet.write(
            row,
            0,
            f"{_text(section.establishment_name, language)} ({section.establishment.code}) · "
            f"{section.school_year.label}",
            muted,
        )
        row += 2
        sheet.write(row, 0, _("Day"), head)
        for index, column in enumerate(section.columns, start=1):
            times = f"\n{column.starts_at}–{column.ends_at}" if column.starts_at else ""
            sheet.write(row, index, f"{column.number}{times}", head_wrap)
        sheet.set_row(row, 32)
        row += 1
        for week_row in section.rows:
            sheet.write(row, 0, _text(week_row.day, language), head)
            sheet.set_row(row, 60)
            col = 1
            for week_cell in week_row.cells:
                text = "\n\n".join(
                    "\n".join(_text(line, language) for line in entry)
                    for entry in week_cell.entries
                )
                style = closed if week_cell.closed else cell
                if week_cell.span > 1:
                    sheet.merge_range(row, col, row, col + week_cell.span - 1, text, style)
                else:
                    sheet.write(row, col, text, style)
                col += week_cell.span
            row += 1
        row += 2
    book.close()
    return output.getvalue()
