"""Issuing and revoking certificates.

A certificate is issued by the director or staff of the establishment that holds the enrolment it
is about. What it says is frozen in ``content`` at issue time (names in both scripts, the school,
the year, the class, the issuing user), so that a later change of the file never changes a paper
already handed out; the PDF and the public verification page are both drawn from that copy.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massar.core.errors import ValidationFailed
from massar.territory.models import Establishment
from massar.territory.selectors import current_school_year

from .. import access
from ..models import (
    ACTIVE_ENROLMENT_STATUSES,
    Certificate,
    CertificateKind,
    Enrolment,
    EnrolmentStatus,
    Student,
    Transfer,
    TransferStatus,
)
from .codes import new_verification_code

#: Enrolments a leaving certificate may be about: the pupil left by transfer or left school.
LEAVING_STATUSES = (EnrolmentStatus.TRANSFERRED_OUT, EnrolmentStatus.LEFT)
CONTENT_VERSION = 1
_CODE_ATTEMPTS = 5


def _bilingual(obj) -> dict:
    return {"ar": obj.name_ar, "fr": obj.name_fr}


def _enrolments(student: Student):
    return Enrolment.objects.filter(student=student).select_related(
        "school_year",
        "level",
        "stream",
        "establishment__academy",
        "establishment__directorate",
        "establishment__commune",
    )


def _choose_enrolment(student: Student, kind: str, enrolment: Enrolment | None) -> Enrolment:
    """The enrolment the certificate is about, given or found; ``ValidationFailed`` if none."""
    if enrolment is not None:
        found = _enrolments(student).filter(pk=enrolment.pk).first()
        if found is None:
            raise ValidationFailed(
                _("This enrolment is not one of this pupil's enrolments."),
                code="enrolment_mismatch",
            )
        return found
    year = current_school_year()
    if kind == CertificateKind.LEAVING:
        found = (
            _enrolments(student)
            .filter(status__in=LEAVING_STATUSES)
            .order_by("-school_year__starts_on", "-left_on", "-entered_on", "-pk")
            .first()
        )
        if found is None:
            raise ValidationFailed(
                _(
                    "A leaving certificate is issued once the pupil has left the school "
                    "(by transfer or leaving school): this pupil has not left."
                ),
                code="not_left",
            )
        return found
    found = (
        _enrolments(student)
        .filter(school_year=year, status__in=ACTIVE_ENROLMENT_STATUSES)
        .order_by("-entered_on", "-pk")
        .first()
    )
    if found is None:
        if kind == CertificateKind.SCHOOL:
            raise ValidationFailed(
                _("A school certificate needs an enrolment in the current school year."),
                code="no_active_enrolment",
            )
        raise ValidationFailed(
            _("A registration receipt needs an enrolment in the current school year."),
            code="no_enrolment",
        )
    return found


def _check_enrolment_fits(kind: str, enrolment: Enrolment) -> None:
    if kind == CertificateKind.SCHOOL:
        year = current_school_year()
        if enrolment.status not in ACTIVE_ENROLMENT_STATUSES or enrolment.school_year_id != (
            year.pk if year else None
        ):
            raise ValidationFailed(
                _("A school certificate needs an enrolment in the current school year."),
                code="no_active_enrolment",
            )
    elif kind == CertificateKind.LEAVING and enrolment.status not in LEAVING_STATUSES:
        raise ValidationFailed(
            _(
                "A leaving certificate is issued once the pupil has left the school "
                "(by transfer or leaving school): this pupil has not left."
            ),
            code="not_left",
        )


def _destination(enrolment: Enrolment) -> dict | None:
    """The receiving school of the transfer that ended ``enrolment``, if it ended so."""
    if enrolment.status != EnrolmentStatus.TRANSFERRED_OUT:
        return None
    transfer = (
        Transfer.objects.filter(
            student_id=enrolment.student_id,
            school_year_id=enrolment.school_year_id,
            from_establishment_id=enrolment.establishment_id,
            status=TransferStatus.ACCEPTED,
        )
        .select_related("to_establishment")
        .order_by("-decided_at", "-pk")
        .first()
    )
    if transfer is None:
        return None
    school = transfer.to_establishment
    return {"code": school.code, "name": _bilingual(school)}


def _user_names(user) -> dict:
    arabic = f"{user.first_name_ar} {user.last_name_ar}".strip()
    latin = f"{user.first_name} {user.last_name}".strip()
    return {"ar": arabic or latin or user.username, "fr": latin or arabic or user.username}


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def certificate_content(
    *, kind: str, student: Student, enrolment: Enrolment, issued_by, issued_on
) -> dict:
    """What the certificate says, frozen: plain JSON, both scripts, nothing looked up later."""
    school: Establishment = enrolment.establishment
    return {
        "version": CONTENT_VERSION,
        "kind": kind,
        "student": {
            "code_massar": student.code_massar,
            "first_name": {"ar": student.first_name_ar, "fr": student.first_name_fr},
            "last_name": {"ar": student.last_name_ar, "fr": student.last_name_fr},
            "sex": student.sex,
            "birth_date": _iso(student.birth_date),
            "birth_place": {"ar": student.birth_place_ar, "fr": student.birth_place_fr},
        },
        "establishment": {
            "code": school.code,
            "name": _bilingual(school),
            "commune": _bilingual(school.commune),
        },
        "directorate": {"code": school.directorate.code, "name": _bilingual(school.directorate)},
        "academy": {"code": school.academy.code, "name": _bilingual(school.academy)},
        "school_year": {"code": enrolment.school_year.code, "label": enrolment.school_year.label},
        "level": {"code": enrolment.level.code, "name": _bilingual(enrolment.level)},
        "stream": {
            "code": enrolment.stream.code,
            "name": _bilingual(enrolment.stream),
            "is_general": enrolment.stream.is_general,
        },
        "class_label": enrolment.class_label,
        "enrolment": {
            "status": enrolment.status,
            "entered_on": _iso(enrolment.entered_on),
            "left_on": _iso(enrolment.left_on),
        },
        "destination": _destination(enrolment) if kind == CertificateKind.LEAVING else None,
        "issued_by": _user_names(issued_by),
        "issued_on": _iso(issued_on),
    }


@transaction.atomic
def certificate_issue(*, actor, student: Student, kind: str, enrolment=None) -> Certificate:
    """A new certificate of ``kind`` about ``enrolment`` (or the fitting one of ``student``).

    - school certificate: an active enrolment (registered or pre-registered) this year;
    - leaving certificate: an enrolment ended by transfer or by leaving school, issued by the
      school that was left (the transfers call it with the transferred enrolment);
    - registration receipt: an enrolment this year (or the one given).

    Only the director or staff of the enrolment's establishment issue it.
    """
    if kind not in CertificateKind.values:
        raise ValidationFailed(_("Choose a kind of certificate."), code="certificate_kind")
    chosen = _choose_enrolment(student, kind, enrolment)
    access.require_write_at(actor, chosen.establishment)
    _check_enrolment_fits(kind, chosen)
    issued_on = timezone.localdate()
    content = certificate_content(
        kind=kind, student=student, enrolment=chosen, issued_by=actor, issued_on=issued_on
    )
    for _attempt in range(_CODE_ATTEMPTS):
        certificate = Certificate(
            kind=kind,
            verification_code=new_verification_code(),
            student=student,
            establishment=chosen.establishment,
            enrolment=chosen,
            content=content,
            issued_by=actor,
        )
        try:
            with transaction.atomic():  # a savepoint: a colliding code is drawn again
                certificate.save()
        except IntegrityError:
            continue
        return certificate
    raise IntegrityError("no free verification code after several draws")


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate) -> Certificate:
    """The certificate is no longer valid (issued by mistake, replaced): the verification page
    says so from now on. Only the issuing school revokes; revoking twice is refused."""
    access.require_write_at(actor, certificate.establishment)
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ValidationFailed(_("This certificate is already revoked."), code="already_revoked")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    certificate.revoked_at = locked.revoked_at
    return certificate
