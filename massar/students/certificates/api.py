"""Certificates API: a pupil's certificates and their PDF (bearer token, records scope), and the
public check of a verification code (no authentication, the minimum personal data)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import Field

from massar.core.errors import DomainError, NotFound

from .. import access
from ..models import Certificate, CertificateKind
from .pdf import certificate_pdf, verify_path
from .selectors import VerificationStatus, access_certificate, certificates_of, verify_certificate
from .throttle import allow_lookup

router = Router(tags=["certificates"])


class TooManyLookups(DomainError):
    code = "too_many_requests"
    status = 429
    default_message = _("Too many checks from your connection. Wait a minute and try again.")


class CertificateOut(Schema):
    kind: CertificateKind
    verification_code: str
    establishment: str = Field(description="Code of the issuing establishment.")
    school_year: str = Field(
        description="The school year the certificate is about, e.g. 2025/2026."
    )
    issued_at: datetime
    revoked_at: datetime | None
    is_valid: bool
    verify_url: str = Field(description="Path of the public verification page.")

    @staticmethod
    def resolve_establishment(obj: Certificate) -> str:
        return obj.establishment.code

    @staticmethod
    def resolve_school_year(obj: Certificate) -> str:
        return (obj.content or {}).get("school_year", {}).get("label", "")

    @staticmethod
    def resolve_is_valid(obj: Certificate) -> bool:
        return obj.revoked_at is None

    @staticmethod
    def resolve_verify_url(obj: Certificate) -> str:
        return verify_path(obj.verification_code)


class VerificationOut(Schema):
    status: Literal["valid", "revoked"]
    verification_code: str
    kind: CertificateKind
    pupil_name_ar: str
    pupil_name_fr: str
    code_massar_masked: str = Field(description="The code Massar with its middle hidden.")
    establishment_code: str
    establishment_name_ar: str
    establishment_name_fr: str
    school_year: str
    issued_on: date | None
    revoked_at: datetime | None


PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "The certificate as PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/students/{code}/certificates",
    response=list[CertificateOut],
    summary="Certificates of a pupil",
)
def student_certificates(request, code: str):
    """The certificates issued about the pupil, newest first; 404 outside the caller's scope."""
    student = access.access_student_by_code(actor=request.user, code=code, log_read=True)
    return list(certificates_of(student))


@router.get(
    "/students/{code}/certificates/{verification_code}/pdf",
    summary="A certificate as PDF",
    openapi_extra=PDF_RESPONSE,
)
def student_certificate_pdf(request, code: str, verification_code: str):
    """The PDF of one certificate of the pupil (revoked ones carry a "revoked" mark); 404 when
    the certificate does not exist, is another pupil's, or is outside the caller's scope."""
    certificate = access_certificate(
        actor=request.user, code=code, verification_code=verification_code, log_read=True
    )
    origin = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(certificate_pdf(certificate, base_url=origin), "application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{certificate.kind}-{certificate.verification_code}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/certificates/verify/{verification_code}",
    response=VerificationOut,
    auth=None,
    summary="Verify a certificate (public)",
)
def verify(request, verification_code: str):
    """Anyone may check a code printed on a certificate: valid or revoked, with the minimum
    personal data; an unknown code answers 404. Lookups are limited per client address."""
    if not allow_lookup(request):
        raise TooManyLookups()
    verification = verify_certificate(verification_code)
    if verification.status == VerificationStatus.UNKNOWN:
        raise NotFound()
    return verification
