"""The marks router of the JSON API (mounted under /api/v1/): a class × subject × semester mark
sheet, read and saved by rows, pupils named by their code Massar.

- ``GET /classes/{class_id}/marks/{subject_code}?semester=1``: the teacher of that class ×
  subject, the school's director and staff, officers of the school's scope.
- ``PUT`` the same path: the teacher of the pair, the school's director and staff. All rows or
  none: 400 ``invalid_marks`` with one detail per bad cell (``loc``: ``[code_massar, field]``),
  409 ``conflict`` with the current rows when someone saved one of them since it was read, 400
  ``locked`` / ``entry_closed`` when the sheet is validated or the entry window is closed.

Anyone else, and a subject the class is not taught, get 404 (missing and forbidden look alike).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from massar.core.errors import ValidationFailed

from . import access
from .rules import is_entry_open, rule_for_class
from .schemas_marks import MarkSheetOut, MarksIn, MarksSavedOut, SemesterQuery
from .services_marks import RowChange, StaleMarks, marks_save, sheet_open
from .spreadsheets import MARK_FIELDS, sheet_rows

router = Router(tags=["marks"])

RESPONSES = {
    409: {
        "description": (
            "Someone saved some of these rows after you read them: nothing was saved. "
            "``details`` gives each such row's current values and version."
        )
    }
}


def _sheet(request, class_id: str, subject_code: str, semester: int, *, write: bool):
    school_class, subject = access.access_class_subject(
        actor=request.user, class_public_id=class_id, subject_code=subject_code, write=write
    )
    return sheet_open(
        actor=request.user, school_class=school_class, subject=subject, semester=semester
    )


def _row(row) -> dict:
    student = row.enrolment.student
    return {
        "code_massar": student.code_massar,
        "last_name_ar": student.last_name_ar,
        "first_name_ar": student.first_name_ar,
        "last_name_fr": student.last_name_fr,
        "first_name_fr": student.first_name_fr,
        "version": row.version,
        "test_1": _mark(row.test_1),
        "test_2": _mark(row.test_2),
        "test_3": _mark(row.test_3),
        "test_4": _mark(row.test_4),
        "absent_1": row.absent_1,
        "absent_2": row.absent_2,
        "absent_3": row.absent_3,
        "absent_4": row.absent_4,
        "activities": _mark(row.activities),
        "activities_absent": row.activities_absent,
        "appreciation": row.appreciation,
    }


def _mark(value) -> str | None:
    return None if value is None else str(value)


def _sheet_out(sheet, rows=None) -> dict:
    school_class = sheet.school_class
    return {
        "class_id": school_class.public_id,
        "class_name": school_class.name,
        "establishment": sheet.establishment.code,
        "school_year": sheet.school_year.code,
        "subject_code": sheet.subject.code,
        "subject": sheet.subject.name,
        "semester": sheet.semester,
        "teacher": sheet.teacher.display_name if sheet.teacher else None,
        "status": sheet.status,
        "is_locked": sheet.is_locked,
        "entry_open": is_entry_open(
            establishment=sheet.establishment,
            school_year=sheet.school_year,
            semester=sheet.semester,
        ),
        "test_count": sheet.test_count,
        "scale": rule_for_class(school_class).scale,
        "rows": [_row(row) for row in (rows if rows is not None else sheet_rows(sheet))],
    }


@router.get(
    "/classes/{class_id}/marks/{subject_code}",
    response=MarkSheetOut,
    summary="A class's marks in a subject",
)
def marks_read(request, class_id: str, subject_code: str, query: Query[SemesterQuery]):
    """The mark sheet of a class × subject × semester (created on first use, with a row per
    current pupil): each pupil's tests, activities, absent flags and row version. For the
    teacher of that class × subject, the school's director and staff, and officers."""
    sheet = _sheet(request, class_id, subject_code, query.semester, write=False)
    return _sheet_out(sheet)


@router.put(
    "/classes/{class_id}/marks/{subject_code}",
    response=MarksSavedOut,
    summary="Save marks of a class in a subject",
    openapi_extra={"responses": RESPONSES},
)
def marks_write(
    request, class_id: str, subject_code: str, query: Query[SemesterQuery], payload: MarksIn
):
    """Save rows of the sheet, each with the version it was read at: all of them, or none.
    A field left out of a row is left as it is; null clears it. For the teacher of that class ×
    subject and the school's director and staff."""
    sheet = _sheet(request, class_id, subject_code, query.semester, write=True)
    rows = {row.enrolment.student.code_massar: row for row in sheet_rows(sheet)}
    errors: list[dict] = []
    changes: list[RowChange] = []
    seen: set[str] = set()
    for item in payload.rows:
        code = item.code_massar.strip().upper()
        if code in seen:
            errors.append({"loc": [code], "msg": _("This pupil appears twice in what was sent.")})
            continue
        seen.add(code)
        row = rows.get(code)
        if row is None:
            errors.append(
                {
                    "loc": [code],
                    "msg": _("This pupil is not in %(class)s.")
                    % {"class": sheet.school_class.name},
                }
            )
            continue
        given = item.model_fields_set
        changes.append(
            RowChange(
                enrolment_id=row.enrolment_id,
                version=item.version,
                cells={name: getattr(item, name) for name in MARK_FIELDS if name in given},
                appreciation=item.appreciation if "appreciation" in given else None,
            )
        )
    if errors:
        raise ValidationFailed(
            _("Some marks are not valid: nothing was saved."), code="invalid_marks", details=errors
        )
    try:
        result = marks_save(actor=request.user, sheet=sheet, changes=changes)
    except StaleMarks as error:
        raise StaleMarks(details=[_conflict(detail) for detail in error.details]) from error
    return {"saved_rows": result.saved_rows, "sheet": _sheet_out(sheet)}


def _conflict(detail: dict) -> dict:
    """A stale row as the API gives it: by code Massar, without the internal enrolment id."""
    shown = {key: value for key, value in detail.items() if key != "enrolment_id"}
    shown["code_massar"] = detail["loc"][0]
    return shown
