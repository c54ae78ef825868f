"""Class and level lists as Excel workbooks, in the columns the import reads back.

One sheet, header on the first row (``columns.COLUMNS`` in the user's language), one row per
pupil enrolled (registered or pre-registered) in the establishment for the year, ordered by
level, class and name. The sheet runs right-to-left when the language is Arabic. Birth dates are
real date cells shown as dd-mm-yyyy; codes are text.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from massar.core.i18n import is_arabic
from massar.curriculum.models import Level
from massar.territory.models import Establishment, SchoolYear

from .. import access
from ..models import ACTIVE_ENROLMENT_STATUSES, Enrolment, Sex
from .columns import COLUMNS

SEX_WORDS = {"ar": {Sex.MALE: "ذكر", Sex.FEMALE: "أنثى"}, "fr": {Sex.MALE: "M", Sex.FEMALE: "F"}}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    rows: int
    content_type: str = CONTENT_TYPE


def export_enrolments(
    *,
    establishment: Establishment,
    school_year: SchoolYear,
    level: Level | None = None,
    class_label: str = "",
) -> QuerySet[Enrolment]:
    """The enrolments listed, with everything a row shows (one query)."""
    queryset = Enrolment.objects.filter(
        establishment=establishment,
        school_year=school_year,
        status__in=ACTIVE_ENROLMENT_STATUSES,
        student__merged_into__isnull=True,
    )
    if level is not None:
        queryset = queryset.filter(level=level)
    if class_label:
        queryset = queryset.filter(class_label__iexact=class_label.strip())
    return queryset.select_related("student", "level", "stream").order_by(
        "level__order",
        "class_label",
        "student__last_name_fr",
        "student__first_name_fr",
        "student__code_massar",
    )


def _sheet_name(text: str) -> str:
    return _SHEET_FORBIDDEN.sub("-", text).strip("'")[:31] or "Sheet1"


def export_workbook(enrolments, *, language: str, title: str) -> tuple[bytes, int]:
    """The .xlsx bytes of ``enrolments`` and the number of pupil rows."""
    import xlsxwriter

    language = "ar" if is_arabic(language) else "fr"
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_sheet_name(title))
    if language == "ar":
        sheet.right_to_left()
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 0, [column.header(language) for column in COLUMNS], bold)
    sheet.freeze_panes(1, 0)
    widths = [12, 16, 16, 16, 16, 14, 8, 8, 10, 10]
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    count = 0
    for count, enrolment in enumerate(enrolments, start=1):
        student = enrolment.student
        values = {
            "code_massar": student.code_massar,
            "last_name_ar": student.last_name_ar,
            "first_name_ar": student.first_name_ar,
            "last_name_fr": student.last_name_fr,
            "first_name_fr": student.first_name_fr,
            "sex": SEX_WORDS[language].get(student.sex, student.sex),
            "level": enrolment.level.code,
            "class_label": enrolment.class_label,
            "stream": enrolment.stream.code,
        }
        for position, column in enumerate(COLUMNS):
            if column.field == "birth_date":
                sheet.write_datetime(count, position, student.birth_date, date_format)
            else:
                sheet.write_string(count, position, values[column.field])
    if count:
        sheet.autofilter(0, 0, count, len(COLUMNS) - 1)
    workbook.close()
    return buffer.getvalue(), count


def students_export(
    *,
    actor,
    establishment: Establishment,
    school_year: SchoolYear,
    level: Level | None = None,
    class_label: str = "",
    language: str,
) -> ExportFile:
    """The list of an establishment's pupils (optionally one level or one class) as .xlsx.

    ``establishment`` comes from ``access.access_establishment_for_records``; the check is made
    again here so that no caller can export outside the actor's records scope.
    """
    access.access_establishment_for_records(actor=actor, code=establishment.code)
    enrolments = export_enrolments(
        establishment=establishment,
        school_year=school_year,
        level=level,
        class_label=class_label,
    )
    title = class_label.strip() or (level.code if level else _("Pupils"))
    content, rows = export_workbook(enrolments.iterator(), language=language, title=title)
    parts = ["pupils", establishment.code, school_year.code]
    if level is not None:
        parts.append(level.code)
    if class_label.strip():
        parts.append(slugify(class_label.strip()) or "class")
    return ExportFile(filename="-".join(parts) + ".xlsx", content=content, rows=rows)
