"""A class council's minutes as PDF: the Typst template ``templates/assessment/typst/
council_minutes.typ``, fed with JSON only.

Portrait A4: the school, class, period, date, members present and minutes, then a table of the
pupils (average, rank, decision, mention, remark, next stream) and signature lines. Arabic right
to left with French labels (the template's own fixed wording, as on certificates and printed
timetables: minutes read the same whatever the language of the person who printed them). The
fonts are the packaged ones (Amiri, Noto Sans Arabic), so the output does not depend on the
machine. Data reaches Typst only through ``sys_inputs``: a name with ``#`` or ``[`` stays text.
"""

from __future__ import annotations

import json
import re
import threading
from decimal import Decimal
from pathlib import Path

import typst
from django.utils import timezone

from massar.students.certificates.pdf import font_paths

from .models import ClassCouncil, CouncilDecision

TEMPLATES = Path(__file__).resolve().parent / "templates" / "assessment" / "typst"
MAIN_TEMPLATE = TEMPLATES / "council_minutes.typ"

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


def mark(value: Decimal | None) -> str:
    """A mark with two decimals and a decimal comma (Arabic and French usage)."""
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", ",")


ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")


def free(value: str) -> dict:
    """Free text typed by the school, with whether it is in Latin script only (laid out left
    to right: French punctuation then lands where it belongs)."""
    return {"text": value, "latin": bool(value.strip()) and not ARABIC.search(value)}


def _both(obj) -> dict:
    return {"ar": obj.name_ar or obj.name_fr, "fr": obj.name_fr or obj.name_ar}


def render_data(council: ClassCouncil, rows: list[CouncilDecision]) -> dict:
    school_class = council.school_class
    establishment = council.establishment
    validated_by = council.validated_by
    return {
        "printed": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "school": _both(establishment),
        "code": establishment.code,
        "year": council.school_year.label,
        "class": school_class.name,
        "level": _both(school_class.level),
        "stream": _both(school_class.stream),
        "period": council.period,
        "held_on": council.held_on.strftime("%d/%m/%Y"),
        "members": [free(line.strip()) for line in council.members.splitlines() if line.strip()],
        "minutes": free(council.minutes),
        "validated": council.is_locked,
        "validated_by": validated_by.display_name if validated_by is not None else "",
        "validated_at": (
            timezone.localtime(council.validated_at).strftime("%d/%m/%Y")
            if council.validated_at
            else ""
        ),
        "is_year": council.period == 3,
        "orientation": any(row.next_stream_id for row in rows),
        "rows": [
            {
                "number": index,
                "code": row.enrolment.student.code_massar,
                "name": {
                    "ar": row.enrolment.student.full_name_ar,
                    "fr": row.enrolment.student.full_name_fr,
                },
                "average": mark(row.average),
                "rank": str(row.rank) if getattr(row, "rank", None) else "",
                "decision": row.decision,
                "changed": bool(row.proposed and row.decision != row.proposed),
                "reason": free(row.reason),
                "mention": row.appreciation,
                "remark": free(row.remark),
                "next": _both(row.next_stream) if row.next_stream_id else None,
            }
            for index, row in enumerate(rows, start=1)
        ],
    }


def minutes_pdf(council: ClassCouncil, rows: list[CouncilDecision]) -> bytes:
    """The council's minutes as one PDF (as many A4 pages as the table needs)."""
    data = render_data(council, rows)
    return compiler().compile(
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)}, format="pdf"
    )
