"""Printable weeks as PDF: the Typst template beside this file, fed with JSON only.

Landscape A4, one page per week (class, teacher, room), Arabic right to left with French labels
(the template's own fixed wording, as on certificates: a printed timetable reads the same
whatever the language of the person who printed it).
The fonts are the packaged ones the certificates use, so the output does not depend on the
machine. Data reaches Typst only through ``sys_inputs``: a name with ``#`` or ``[`` stays text.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import typst
from django.utils import timezone

from massar.students.certificates.pdf import font_paths

from .week import Section

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAIN_TEMPLATE = TEMPLATES / "week.typ"

_local = threading.local()


def compiler() -> typst.Compiler:
    """This thread's Typst compiler, fonts loaded once (a compiler is not shared by threads)."""
    found = getattr(_local, "compiler", None)
    if found is None:
        found = typst.Compiler(
            str(MAIN_TEMPLATE),
            root=str(TEMPLATES),
            font_paths=list(font_paths()),
            ignore_system_fonts=True,
        )
        _local.compiler = found
    return found


def _page(section: Section) -> dict:
    return {
        "kind": section.kind,
        "name": section.name,
        "school": section.establishment_name,
        "code": section.establishment.code,
        "year": section.school_year.label,
        "columns": [
            {
                "number": column.number,
                "time": f"{column.starts_at}–{column.ends_at}" if column.starts_at else "",
            }
            for column in section.columns
        ],
        "rows": [
            {
                "day": row.day,
                "cells": [
                    {"span": cell.span, "closed": cell.closed, "entries": cell.entries}
                    for cell in row.cells
                ],
            }
            for row in section.rows
        ],
        "empty": not section.sessions,
    }


def render_data(sections: list[Section]) -> dict:
    return {
        "printed": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "pages": [_page(section) for section in sections],
    }


def week_pdf(sections: list[Section]) -> bytes:
    """The weeks as one PDF, a landscape A4 page each."""
    data = render_data(sections)
    return compiler().compile(
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)}, format="pdf"
    )
