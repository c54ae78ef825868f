"""Transfers of pupils between establishments: request, accept, reject, cancel.

The school holding the file (the sending school) asks; the receiving school decides. Any
establishment of the country may receive a pupil: same directorate, another directorate or
another academy. Accepting is one transaction: the sending enrolment ends as ``transferred_out``
on the day the receiving enrolment (``transfer_in``, same level and stream) starts, the file moves
to the receiving school with its guardians, documents and history (they stay attached to the
pupil), and the sending school's leaving certificate is issued.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massar.accounts.models import Role, RoleAssignment
from massar.core.errors import ValidationFailed
from massar.territory.models import Establishment, SchoolYear

from . import access
from .certificates.services import certificate_issue
from .models import (
    ACTIVE_ENROLMENT_STATUSES,
    CertificateKind,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    Student,
    Transfer,
    TransferStatus,
)
from .services import Placement, _enrol, _full_clean, check_placement
from .transfers_selectors import transfers_of as transfers_of  # the file's transfers tab

REASON_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 300
CLASS_LABEL_MAX_LENGTH = 30


def _field_error(field: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details=[{"loc": [field], "msg": message}])


def _current_year() -> SchoolYear:
    year = SchoolYear.objects.filter(is_current=True).first()
    if year is None:
        raise ValidationFailed(_("No school year is open."), code="no_current_year")
    return year


def _active_enrolment(student: Student, school_year: SchoolYear, establishment_id: int):
    return (
        Enrolment.objects.filter(
            student=student,
            school_year=school_year,
            establishment_id=establishment_id,
            status__in=ACTIVE_ENROLMENT_STATUSES,
        )
        .select_related("level", "level__cycle", "stream")
        .first()
    )


def _require_pending(transfer: Transfer) -> None:
    messages = {
        TransferStatus.ACCEPTED: _("This transfer has already been accepted."),
        TransferStatus.REJECTED: _("This transfer has already been refused."),
        TransferStatus.CANCELLED: _("This transfer has been cancelled."),
    }
    if transfer.status != TransferStatus.REQUESTED:
        raise ValidationFailed(messages[transfer.status], code="transfer_closed")


def _lock(transfer: Transfer) -> Transfer:
    """The transfer row, locked until the end of the transaction, as it is now."""
    return (
        Transfer.objects.select_for_update()
        .select_related("from_establishment", "to_establishment", "school_year")
        .get(pk=transfer.pk)
    )


def _copy_state(target: Transfer, source: Transfer) -> None:
    """Keep the caller's object in step with the row written."""
    for name in ("status", "decision_note", "decided_by_id", "decided_at", "effective_on"):
        setattr(target, name, getattr(source, name))


@transaction.atomic
def transfer_request(
    *, actor, student: Student, to_establishment: Establishment, reason: str = ""
) -> Transfer:
    """The school holding the file asks ``to_establishment`` to take the pupil.

    The pupil must be enrolled this year at the school holding the file, and the receiving
    school must teach the pupil's level. One transfer at a time may wait for a decision.
    """
    sending = student.establishment
    access.require_write_at(actor, sending)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise _field_error(
            "reason",
            _("The reason is too long: at most %(max)s characters.") % {"max": REASON_MAX_LENGTH},
            "reason_too_long",
        )
    if student.merged_into_id:
        raise ValidationFailed(
            _("This file was merged into another one: transfer that file."), code="merged_file"
        )
    if to_establishment.pk == sending.pk:
        raise _field_error(
            "to_establishment",
            _("The pupil is already at this school: choose another establishment."),
            "same_establishment",
        )
    if not to_establishment.is_active:
        raise _field_error(
            "to_establishment",
            _("%(school)s is closed and cannot receive pupils.")
            % {"school": to_establishment.name},
            "establishment_inactive",
        )
    year = _current_year()
    # One request at a time per pupil: concurrent requests queue on the file's row.
    Student.objects.select_for_update().filter(pk=student.pk).first()
    enrolment = _active_enrolment(student, year, sending.pk)
    if enrolment is None:
        raise ValidationFailed(
            _(
                "This pupil is not enrolled at %(school)s for %(year)s: there is nothing to "
                "transfer."
            )
            % {"school": sending.name, "year": year.label},
            code="not_enrolled",
        )
    check_placement(
        Placement(
            school_year=year,
            establishment=to_establishment,
            level=enrolment.level,
            stream=enrolment.stream,
        )
    )
    pending = (
        Transfer.objects.filter(student=student, status=TransferStatus.REQUESTED)
        .select_related("to_establishment")
        .first()
    )
    if pending is not None:
        raise ValidationFailed(
            _("A transfer of this pupil to %(school)s is already waiting for a decision.")
            % {"school": pending.to_establishment.name},
            code="transfer_pending",
        )
    transfer = Transfer(
        student=student,
        school_year=year,
        from_establishment=sending,
        to_establishment=to_establishment,
        reason=reason,
        requested_by=actor,
    )
    transfer._history_user = actor  # the API sets the user after the history middleware ran
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError as error:  # a concurrent request for the same pupil
        raise ValidationFailed(
            _("A transfer of this pupil is already waiting for a decision."),
            code="transfer_pending",
        ) from error
    return transfer


def _leaving_certificate_issuer(transfer: Transfer):
    """Who issues the leaving certificate: a person of the sending school, never the receiver.

    The certificate is the sending school's document (``certificate_issue`` admits only the
    director or staff of the school that was left). It is issued by the person who asked for
    the transfer if they still work there, otherwise by the school's director (or, failing one,
    a member of its staff); a satellite school is run from its central school.
    """
    sending = transfer.from_establishment
    if access.can_write_at(transfer.requested_by, sending):
        return transfer.requested_by
    today = timezone.localdate()
    places = [sending.pk] + ([sending.central_school_id] if sending.central_school_id else [])
    assignment = (
        RoleAssignment.objects.filter(
            role__in=[Role.DIRECTOR, Role.STAFF],
            establishment_id__in=places,
            starts_on__lte=today,
            user__is_active=True,
        )
        .exclude(ends_on__lt=today)
        .select_related("user")
        .order_by("role", "starts_on", "pk")  # "director" sorts before "staff"
        .first()
    )
    if assignment is None:
        raise ValidationFailed(
            _(
                "%(school)s has no director or staff member to issue the leaving certificate: "
                "the directorate must assign one before the transfer is accepted."
            )
            % {"school": sending.name},
            code="no_certificate_issuer",
        )
    return assignment.user


@transaction.atomic
def transfer_accept(*, actor, transfer: Transfer, class_label: str = "") -> Transfer:
    """The receiving school takes the pupil, with the file, from today.

    The sending enrolment ends (``transferred_out``) the day the new one starts (``transfer_in``,
    same level and stream, optional class): no gap and no double enrolment. The file's row is
    locked for the length of the transaction and the one-active-enrolment constraint backs it.
    """
    access.require_write_at(actor, transfer.to_establishment)
    class_label = (class_label or "").strip()
    if len(class_label) > CLASS_LABEL_MAX_LENGTH:
        raise _field_error(
            "class_label",
            _("The class is too long: at most %(max)s characters.")
            % {"max": CLASS_LABEL_MAX_LENGTH},
            "class_label_too_long",
        )
    student = Student.objects.select_for_update().get(pk=transfer.student_id)
    locked = _lock(transfer)
    _require_pending(locked)
    if student.establishment_id != locked.from_establishment_id:
        raise ValidationFailed(
            _("The file is no longer held by %(school)s: this transfer cannot be accepted.")
            % {"school": locked.from_establishment.name},
            code="file_moved",
        )
    leaving = _active_enrolment(student, locked.school_year, locked.from_establishment_id)
    if leaving is None:
        raise ValidationFailed(
            _("This pupil is no longer enrolled at %(school)s for %(year)s.")
            % {"school": locked.from_establishment.name, "year": locked.school_year.label},
            code="not_enrolled",
        )
    placement = Placement(
        school_year=locked.school_year,
        establishment=locked.to_establishment,
        level=leaving.level,
        stream=leaving.stream,
        class_label=class_label,
    )
    check_placement(placement)
    issuer = _leaving_certificate_issuer(locked)
    # The move is effective today, or on the first day of an enrolment that has not started yet.
    effective_on = max(timezone.localdate(), leaving.entered_on)
    leaving.status = EnrolmentStatus.TRANSFERRED_OUT
    leaving.left_on = effective_on
    leaving._history_user = actor
    _full_clean(leaving)
    leaving.save(update_fields=["status", "left_on", "updated_at"])
    # The file's history records who moved it and why.
    student._history_user = actor
    student._change_reason = f"transfer:{locked.public_id}"
    _enrol(
        student,
        placement,
        actor=actor,
        kind=EnrolmentKind.TRANSFER_IN,
        is_repeating=leaving.is_repeating,
        entered_on=effective_on,
    )
    locked.status = TransferStatus.ACCEPTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.effective_on = effective_on
    locked._history_user = actor
    locked.save(update_fields=["status", "decided_by", "decided_at", "effective_on", "updated_at"])
    certificate_issue(
        actor=issuer,
        student=student,
        kind=CertificateKind.LEAVING,
        enrolment=leaving,
    )
    _copy_state(transfer, locked)
    return locked


@transaction.atomic
def transfer_reject(*, actor, transfer: Transfer, note: str) -> Transfer:
    """The receiving school refuses, saying why; the pupil stays where they are."""
    access.require_write_at(actor, transfer.to_establishment)
    note = (note or "").strip()
    if not note:
        raise _field_error("note", _("Say why the transfer is refused."), "note_required")
    if len(note) > NOTE_MAX_LENGTH:
        raise _field_error(
            "note",
            _("The note is too long: at most %(max)s characters.") % {"max": NOTE_MAX_LENGTH},
            "note_too_long",
        )
    locked = _lock(transfer)
    _require_pending(locked)
    locked.status = TransferStatus.REJECTED
    locked.decision_note = note
    locked.decided_by = actor
    locked._history_user = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at", "updated_at"])
    _copy_state(transfer, locked)
    return locked


@transaction.atomic
def transfer_cancel(*, actor, transfer: Transfer) -> Transfer:
    """The sending school withdraws its request before the receiving school decides."""
    access.require_write_at(actor, transfer.from_establishment)
    locked = _lock(transfer)
    _require_pending(locked)
    locked.status = TransferStatus.CANCELLED
    locked.decided_by = actor
    locked._history_user = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _copy_state(transfer, locked)
    return locked
