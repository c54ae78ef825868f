"""Writes of mark sheets: opening a sheet, saving marks with optimistic concurrency, validating
(locking) a sheet, and the change requests that correct a locked sheet.

Every save is all or nothing: each cell is checked (range, scale, a pupil of the sheet, a test
column of the sheet), the sheet must be open and its entry window open, and every row must still
be at the version the editor started from. The sheet's row is locked (``SELECT … FOR UPDATE``)
for the length of the transaction, so that concurrent saves of one sheet queue in one order
instead of deadlocking; a row someone else saved meanwhile refuses the whole save with
``StaleMarks``, which carries the current values to show. History rows are written for every
changed row, and the class's results are recomputed once the save is committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from massar.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from massar.curriculum.models import Subject
from massar.schooling.models import ClassPlacement, SchoolClass
from massar.staff.models import TeachingAssignment
from massar.students.models import ACTIVE_ENROLMENT_STATUSES

from . import access
from .marks_input import Cell, parse_mark
from .models import (
    ChangeRequest,
    ChangeRequestStatus,
    MarkField,
    MarkRow,
    MarkSheet,
    Semester,
    SheetStatus,
)
from .rules import require_entry_open, rule_for_class

TEST_FIELDS = ("test_1", "test_2", "test_3", "test_4")
#: Up to this many changed rows are written one by one; more in one bulk update.
SMALL_SAVE = 3
ABSENT_OF = {
    "test_1": "absent_1",
    "test_2": "absent_2",
    "test_3": "absent_3",
    "test_4": "absent_4",
    "activities": "activities_absent",
}


SAVED_FIELDS = [
    *TEST_FIELDS,
    *ABSENT_OF.values(),
    "activities",
    "appreciation",
    "version",
    "updated_by",
    "updated_at",
]


def _recompute_after_commit(school_class: SchoolClass, semester: int) -> None:
    """Recompute the class's results of ``semester`` (and the year) once the marks are
    committed: a few set-based statements (see ``computation``)."""
    from .computation import recompute_class

    transaction.on_commit(lambda: recompute_class(school_class, semester=semester))


class StaleMarks(DomainError):
    """Someone saved some of these rows after the editor loaded them: nothing was saved."""

    code = "conflict"
    status = 409
    default_message = gettext_lazy(
        "Someone else saved marks of this sheet after you opened it. Nothing was saved: "
        "check their marks, then save yours again."
    )


@dataclass
class RowChange:
    """What an editor changes in one pupil's row, and the version they edited from.

    ``cells`` maps a field (``test_1`` … ``test_4``, ``activities``) to raw input (text or a
    number; ``parse_mark`` reads it); fields not named are left as they are.
    """

    enrolment_id: int
    version: int
    cells: dict[str, object] = field(default_factory=dict)
    appreciation: str | None = None


@dataclass(frozen=True)
class SaveResult:
    saved_rows: int
    versions: dict[int, int]  # enrolment id → new version


def _check_fields(sheet: MarkSheet, names: Iterable[str]) -> None:
    allowed = {*TEST_FIELDS[: sheet.test_count], "activities"}
    for name in names:
        if name not in allowed:
            raise ValidationFailed(
                _("This sheet has %(count)s tests: “%(field)s” is not one of its columns.")
                % {"count": sheet.test_count, "field": name},
                code="unknown_column",
            )


def cell_of(row: MarkRow, name: str) -> Cell:
    return Cell(value=getattr(row, name), absent=getattr(row, ABSENT_OF[name]))


def _set_cell(row: MarkRow, name: str, cell: Cell) -> bool:
    if cell_of(row, name) == cell:
        return False
    setattr(row, name, cell.value)
    setattr(row, ABSENT_OF[name], cell.absent)
    return True


def current_pupils(school_class: SchoolClass):
    """Enrolments placed in the class and still active (one query when evaluated)."""
    return ClassPlacement.objects.filter(
        school_class=school_class, enrolment__status__in=ACTIVE_ENROLMENT_STATUSES
    ).values("enrolment_id")


def _may_edit(actor, school_class: SchoolClass, subject: Subject) -> bool:
    return access.is_school_of(actor, school_class.establishment) or access.teaches(
        actor, school_class, subject
    )


@transaction.atomic
def sheet_open(*, actor, school_class: SchoolClass, subject: Subject, semester: int) -> MarkSheet:
    """The class × subject × semester sheet, created on first use with a row per pupil of the
    class; pupils placed since get their row. Idempotent. For a reader who may not edit it, the
    existing sheet only (``NotFound`` when none was started)."""
    if semester not in Semester.values:
        raise ValidationFailed(_("The semester is 1 or 2."), code="semester")
    may_edit = _may_edit(actor, school_class, subject)
    if not may_edit:
        # A reader (an officer) sees a sheet as it is: reading never creates one or adds rows.
        found = MarkSheet.objects.filter(
            school_class=school_class, subject=subject, semester=semester
        ).first()
        if found is None or not access.reads_school(actor, school_class.establishment):
            raise NotFound()
        return found
    assignment = (
        TeachingAssignment.objects.filter(school_class=school_class, subject=subject)
        .select_related("teacher")
        .first()
    )
    if assignment is None:
        raise NotFound()
    rule = rule_for_class(school_class)
    sheet, _created = MarkSheet.objects.get_or_create(
        school_class=school_class,
        subject=subject,
        semester=semester,
        defaults={
            "establishment_id": school_class.establishment_id,
            "school_year_id": school_class.school_year_id,
            "teacher": assignment.teacher,
            "test_count": rule.tests_per_semester,
        },
    )
    missing = current_pupils(school_class).exclude(
        enrolment_id__in=sheet.rows.values("enrolment_id")
    )
    MarkRow.objects.bulk_create(
        [MarkRow(sheet=sheet, enrolment_id=item["enrolment_id"]) for item in missing],
        ignore_conflicts=True,
    )
    return sheet


def _require_open(sheet: MarkSheet) -> None:
    if sheet.is_locked:
        raise ValidationFailed(
            _("This sheet was validated and locked by the director: ask for a change instead."),
            code="locked",
        )


@transaction.atomic
def marks_save(
    *, actor, sheet: MarkSheet, changes: list[RowChange], on: date | None = None
) -> SaveResult:
    """Save ``changes`` to ``sheet``: all of them, or none (see the module docstring)."""
    school_class = sheet.school_class
    if not _may_edit(actor, school_class, sheet.subject):
        raise NotFound()
    # Lock the sheet row first: concurrent saves of one sheet queue here, in one order.
    sheet = MarkSheet.objects.select_for_update().get(pk=sheet.pk)
    _require_open(sheet)
    require_entry_open(
        establishment=school_class.establishment,
        school_year=school_class.school_year,
        semester=sheet.semester,
        on=on,
    )
    rule = rule_for_class(school_class)
    if not changes:
        return SaveResult(saved_rows=0, versions={})
    wanted = {change.enrolment_id: change for change in changes}
    if len(wanted) != len(changes):
        raise ValidationFailed(_("A pupil appears twice in what was sent."), code="duplicate_row")
    rows = {
        row.enrolment_id: row
        for row in MarkRow.objects.filter(sheet=sheet, enrolment_id__in=wanted)
        .select_related("enrolment__student")
        .order_by("pk")
    }
    errors: list[dict] = []
    stale: list[dict] = []
    changed: list[MarkRow] = []
    for enrolment_id, change in wanted.items():
        row = rows.get(enrolment_id)
        if row is None:
            errors.append(
                {
                    "loc": [str(enrolment_id)],
                    "msg": _("This pupil is not on the sheet of this class."),
                }
            )
            continue
        code = row.enrolment.student.code_massar
        try:
            _check_fields(sheet, change.cells)
        except ValidationFailed as error:
            errors.append({"loc": [code], "msg": str(error.message)})
            continue
        if row.version != change.version:
            stale.append(_row_state(row))
            continue
        dirty = False
        for name, raw in change.cells.items():
            try:
                cell = parse_mark(raw, scale=rule.scale)
            except ValidationFailed as error:
                errors.append({"loc": [code, name], "msg": str(error.message)})
                continue
            dirty |= _set_cell(row, name, cell)
        if change.appreciation is not None:
            text = change.appreciation.strip()
            if len(text) > MarkRow._meta.get_field("appreciation").max_length:
                errors.append(
                    {"loc": [code, "appreciation"], "msg": _("The appreciation is too long.")}
                )
            elif text != row.appreciation:
                row.appreciation = text
                dirty = True
        if dirty:
            changed.append(row)
    if errors:
        raise ValidationFailed(
            _("Some marks are not valid: nothing was saved."), code="invalid_marks", details=errors
        )
    if stale:
        raise StaleMarks(details=stale)
    now = timezone.now()
    for row in changed:
        row.version += 1
        row.updated_by = actor
        row.updated_at = now
    if len(changed) <= SMALL_SAVE:
        # A row or two (the usual save from the sheet): a plain UPDATE and its history row
        # each, cheaper than the CASE expressions of a bulk update.
        for row in changed:
            row._history_user = actor
            row.save(update_fields=SAVED_FIELDS)
    else:
        bulk_update_with_history(changed, MarkRow, SAVED_FIELDS, batch_size=500, default_user=actor)
    if changed:
        _recompute_after_commit(school_class, sheet.semester)
    return SaveResult(
        saved_rows=len(changed),
        versions={row.enrolment_id: row.version for row in rows.values()},
    )


def _row_state(row: MarkRow) -> dict:
    """A row's current values, as the conflict details show them."""
    state = {
        "loc": [row.enrolment.student.code_massar],
        "msg": str(StaleMarks.default_message),
        "enrolment_id": row.enrolment_id,
        "version": row.version,
    }
    for name in (*TEST_FIELDS, "activities"):
        cell = cell_of(row, name)
        state[name] = "ABS" if cell.absent else (None if cell.value is None else str(cell.value))
    return state


@transaction.atomic
def sheet_set_test_count(*, actor, sheet: MarkSheet, test_count: int) -> MarkSheet:
    """Change how many tests the sheet has, within the rule; a column with marks stays."""
    if not _may_edit(actor, sheet.school_class, sheet.subject):
        raise NotFound()
    sheet = MarkSheet.objects.select_for_update().get(pk=sheet.pk)
    _require_open(sheet)
    rule = rule_for_class(sheet.school_class)
    if not 1 <= test_count <= rule.max_tests_per_semester:
        raise ValidationFailed(
            _("The number of tests is between 1 and %(max)s.")
            % {"max": rule.max_tests_per_semester},
            code="test_count",
        )
    for number in range(test_count + 1, 5):
        used = MarkRow.objects.filter(sheet=sheet).filter(
            **{f"test_{number}__isnull": False}
        ) | MarkRow.objects.filter(sheet=sheet, **{f"absent_{number}": True})
        if used.exists():
            raise ValidationFailed(
                _("Test %(number)s already has marks: clear them before removing the column.")
                % {"number": number},
                code="column_in_use",
            )
    sheet.test_count = test_count
    sheet.save(update_fields=["test_count", "updated_at"])
    return sheet


def empty_cells(sheet: MarkSheet) -> int:
    """How many cells of the sheet's current pupils have neither a mark nor "absent"."""
    rows = MarkRow.objects.filter(
        sheet=sheet, enrolment_id__in=current_pupils(sheet.school_class)
    ).values_list(*TEST_FIELDS[: sheet.test_count], "activities", *ABSENT_OF.values())
    count = 0
    names = [*TEST_FIELDS[: sheet.test_count], "activities"]
    for values in rows:
        cells = dict(zip([*names, *ABSENT_OF.values()], values, strict=False))
        for name in names:
            if cells[name] is None and not cells[ABSENT_OF[name]]:
                count += 1
    return count


@transaction.atomic
def sheet_validate(*, actor, sheet: MarkSheet) -> MarkSheet:
    """The director validates the sheet, which locks it. Every cell must be filled (a mark or
    "absent")."""
    if not access.is_director_of(actor, sheet.establishment):
        if access.reads_school(actor, sheet.establishment) or access.teaches(
            actor, sheet.school_class, sheet.subject
        ):
            raise PermissionDenied(_("Only the director validates mark sheets."))
        raise NotFound()
    sheet = MarkSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.is_locked:
        return sheet
    missing = empty_cells(sheet)
    if missing:
        raise ValidationFailed(
            _("%(count)s cells are empty: enter a mark or mark the pupil absent before validating.")
            % {"count": missing},
            code="incomplete",
        )
    sheet.status = SheetStatus.VALIDATED
    sheet.validated_by = actor
    sheet.validated_at = timezone.now()
    sheet.save(update_fields=["status", "validated_by", "validated_at", "updated_at"])
    return sheet


@transaction.atomic
def change_request_create(
    *, actor, sheet: MarkSheet, enrolment_id: int, field_name: str, raw, reason: str
) -> ChangeRequest:
    """Ask the director to correct one mark of a locked sheet."""
    if not _may_edit(actor, sheet.school_class, sheet.subject):
        raise NotFound()
    if not sheet.is_locked:
        raise ValidationFailed(
            _("This sheet is still open: correct the mark directly."), code="not_locked"
        )
    if field_name not in MarkField.values:
        raise ValidationFailed(_("Choose the mark to correct."), code="unknown_column")
    _check_fields(sheet, [field_name])
    row = MarkRow.objects.filter(sheet=sheet, enrolment_id=enrolment_id).first()
    if row is None:
        raise ValidationFailed(
            _("This pupil is not on the sheet of this class."), code="unknown_pupil"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the correction."), code="reason")
    rule = rule_for_class(sheet.school_class)
    cell = parse_mark(raw, scale=rule.scale)
    if cell.is_empty:
        raise ValidationFailed(
            _("A validated sheet has no empty cell: give the corrected mark, or ABS."),
            code="empty",
        )
    if cell == cell_of(row, field_name):
        raise ValidationFailed(_("The corrected mark is the same as the mark."), code="same")
    if ChangeRequest.objects.filter(
        row=row, field=field_name, status=ChangeRequestStatus.PENDING
    ).exists():
        raise ValidationFailed(
            _("A correction of this mark is already waiting for the director."), code="pending"
        )
    current = cell_of(row, field_name)
    return ChangeRequest.objects.create(
        establishment_id=sheet.establishment_id,
        row=row,
        field=field_name,
        old_value=current.value,
        old_absent=current.absent,
        new_value=cell.value,
        new_absent=cell.absent,
        reason=reason[:300],
        requested_by=actor,
    )


@transaction.atomic
def change_request_decide(
    *, actor, request: ChangeRequest, approve: bool, note: str = ""
) -> ChangeRequest:
    """The director approves (the mark is corrected, with history) or refuses a request."""
    request = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("row__sheet__establishment", "row__sheet__school_class")
        .get(pk=request.pk)
    )
    sheet = request.row.sheet
    if not access.is_director_of(actor, sheet.establishment):
        raise NotFound()
    if request.status != ChangeRequestStatus.PENDING:
        raise ValidationFailed(_("This request was already decided."), code="decided")
    if approve:
        row = MarkRow.objects.select_for_update().get(pk=request.row_id)
        _set_cell(row, request.field, Cell(value=request.new_value, absent=request.new_absent))
        row.version += 1
        row.updated_by = actor
        row._change_reason = request.reason
        row._history_user = actor
        row.save()
        _recompute_after_commit(sheet.school_class, sheet.semester)
    request.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = (note or "").strip()[:300]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return request


def last_change(sheet: MarkSheet):
    """When a row of the sheet was last saved (for the page's "saved at")."""
    return MarkRow.objects.filter(sheet=sheet).aggregate(latest=Max("updated_at"))["latest"]
