"""Reads of certificates: a pupil's list, one certificate from user input, the public check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from massar.core.errors import NotFound
from massar.core.i18n import pick
from massar.territory.models import Establishment

from .. import access
from ..models import Certificate, CertificateKind, FileRead, Student
from .codes import is_well_formed, mask_code_massar, normalise_verification_code


def certificates_of(student: Student) -> QuerySet[Certificate]:
    """The certificates issued about ``student``, newest first (the caller read the file)."""
    return (
        Certificate.objects.filter(student=student)
        .select_related("establishment")
        .order_by("-issued_at", "-pk")
    )


def _resolve_student_id(code: str) -> int | None:
    """The file a code Massar names (a merged duplicate's code names the surviving file)."""
    row = Student.objects.filter(code_massar=code).values("pk", "merged_into_id").first()
    if row is None:
        return None
    return row["merged_into_id"] or row["pk"]


def access_certificate(
    *, actor, code: str, verification_code: str, log_read: bool = False
) -> Certificate:
    """The certificate ``verification_code`` of the pupil ``code``, if ``actor`` may read it.

    Readable by whoever may read the pupil's file, and by the issuing school (which keeps its
    leaving certificates after the file moved to the receiving school). ``NotFound`` otherwise.
    """
    wanted = normalise_verification_code(verification_code)
    code = (code or "").strip().upper()
    if not is_well_formed(wanted) or not code:
        raise NotFound()
    certificate = (
        Certificate.objects.select_related("student", "establishment")
        .filter(verification_code=wanted)
        .first()
    )
    if certificate is None:
        raise NotFound()
    if certificate.student.code_massar != code and _resolve_student_id(code) not in (
        certificate.student_id,
        certificate.student.merged_into_id,
    ):
        raise NotFound()
    scope = access.records_scope(actor)
    if scope.is_empty:
        raise NotFound()
    readable = (
        access.students_in_scope(scope).filter(pk=certificate.student_id).exists()
        or scope.filter_establishments(
            Establishment.objects.filter(pk=certificate.establishment_id)
        ).exists()
    )
    if not readable:
        raise NotFound()
    if log_read:
        FileRead.objects.create(student=certificate.student, user=actor)
    return certificate


class VerificationStatus:
    VALID = "valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


STATUS_LABELS = {
    VerificationStatus.VALID: _("Valid"),
    VerificationStatus.REVOKED: _("Revoked"),
    VerificationStatus.UNKNOWN: _("Unknown"),
}


@dataclass(frozen=True)
class Verification:
    """What the public may learn from a verification code (law 09-08: the minimum)."""

    status: str
    verification_code: str
    kind: str = ""
    kind_label: str = ""
    pupil_name_ar: str = ""
    pupil_name_fr: str = ""
    code_massar_masked: str = ""
    establishment_code: str = ""
    establishment_name_ar: str = ""
    establishment_name_fr: str = ""
    school_year: str = ""
    issued_on: date | None = None
    revoked_at: datetime | None = None

    @property
    def is_known(self) -> bool:
        return self.status != VerificationStatus.UNKNOWN

    @property
    def pupil_name(self) -> str:
        return pick(ar=self.pupil_name_ar, fr=self.pupil_name_fr)

    @property
    def establishment_name(self) -> str:
        return pick(ar=self.establishment_name_ar, fr=self.establishment_name_fr)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def verify_certificate(verification_code: str) -> Verification:
    """The public check of a code: one lookup on the unique index, no login, no scope.

    A malformed code is unknown without touching the database.
    """
    wanted = normalise_verification_code(verification_code)
    if not is_well_formed(wanted):
        return Verification(status=VerificationStatus.UNKNOWN, verification_code=wanted[:32])
    row = (
        Certificate.objects.filter(verification_code=wanted)
        .values("kind", "content", "revoked_at")
        .first()
    )
    if row is None:
        return Verification(status=VerificationStatus.UNKNOWN, verification_code=wanted)
    content = row["content"] or {}
    pupil = content.get("student", {})
    school = content.get("establishment", {})
    issued_on = content.get("issued_on")
    return Verification(
        status=VerificationStatus.REVOKED if row["revoked_at"] else VerificationStatus.VALID,
        verification_code=wanted,
        kind=row["kind"],
        kind_label=str(CertificateKind(row["kind"]).label),
        pupil_name_ar=_full(pupil, "ar"),
        pupil_name_fr=_full(pupil, "fr"),
        code_massar_masked=mask_code_massar(pupil.get("code_massar", "")),
        establishment_code=school.get("code", ""),
        establishment_name_ar=school.get("name", {}).get("ar", ""),
        establishment_name_fr=school.get("name", {}).get("fr", ""),
        school_year=content.get("school_year", {}).get("label", ""),
        issued_on=date.fromisoformat(issued_on) if issued_on else None,
        revoked_at=row["revoked_at"],
    )


def _full(pupil: dict, script: str) -> str:
    first = pupil.get("first_name", {}).get(script, "")
    last = pupil.get("last_name", {}).get(script, "")
    return f"{first} {last}".strip()
