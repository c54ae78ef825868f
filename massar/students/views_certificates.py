"""Pages of certificates: issue, download and revoke on the student file (director and staff),
and the public verification page, open to anyone without login (law 09-08: it shows the
minimum — kind, pupil's name, masked code Massar, school, year, issue date, status)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from massar.core.errors import DomainError, NotFound

from . import access
from .certificates.codes import format_verification_code
from .certificates.forms import CertificateIssueForm, VerifyForm
from .certificates.pdf import certificate_pdf
from .certificates.selectors import VerificationStatus, access_certificate, verify_certificate
from .certificates.services import certificate_issue, certificate_revoke
from .certificates.throttle import allow_lookup


def _student_or_404(request, code: str):
    try:
        return access.access_student_by_code(actor=request.user, code=code)
    except NotFound as error:
        raise Http404 from error


def _certificate_or_404(request, code: str, verification_code: str, *, log_read=False):
    try:
        return access_certificate(
            actor=request.user, code=code, verification_code=verification_code, log_read=log_read
        )
    except NotFound as error:
        raise Http404 from error


def _section_url(student) -> str:
    return reverse("students:detail", args=[student.code_massar]) + "?tab=certificates"


def _site_origin(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_POST
def certificate_issue_view(request, code: str):
    student = _student_or_404(request, code)
    form = CertificateIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of certificate."))
        return redirect(_section_url(student))
    try:
        certificate = certificate_issue(
            actor=request.user, student=student, kind=form.cleaned_data["kind"]
        )
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            _("%(kind)s issued. Verification code: %(code)s.")
            % {
                "kind": certificate.get_kind_display(),
                "code": format_verification_code(certificate.verification_code),
            },
        )
    return redirect(_section_url(student))


@login_required
@require_GET
def certificate_pdf_view(request, code: str, verification_code: str):
    certificate = _certificate_or_404(request, code, verification_code, log_read=True)
    pdf = certificate_pdf(certificate, base_url=_site_origin(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = (
        f"{certificate.kind}-{certificate.student.code_massar}-{certificate.verification_code}.pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def certificate_revoke_view(request, code: str, verification_code: str):
    certificate = _certificate_or_404(request, code, verification_code)
    try:
        certificate_revoke(actor=request.user, certificate=certificate)
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            _("The certificate %(code)s is revoked: the verification page now says so.")
            % {"code": format_verification_code(certificate.verification_code)},
        )
    return redirect(_section_url(certificate.student))


def _too_many(request):
    return render(
        request,
        "students/certificates/verify.html",
        {"form": VerifyForm(), "throttled": True},
        status=429,
    )


@never_cache
@require_GET
def verify_view(request):
    """The public form: type the code printed on a certificate."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("students:verify_code", verification_code=form.cleaned_data["code"])
    status = 400 if form.is_bound else 200
    return render(request, "students/certificates/verify.html", {"form": form}, status=status)


@never_cache
@require_GET
def verify_code_view(request, verification_code: str):
    """The public answer for one code: valid, revoked or unknown (404)."""
    if not allow_lookup(request):
        return _too_many(request)
    verification = verify_certificate(verification_code)
    context = {
        "form": VerifyForm(
            initial={"code": format_verification_code(verification.verification_code)}
        ),
        "verification": verification,
        "code_text": format_verification_code(verification.verification_code),
    }
    status = 404 if verification.status == VerificationStatus.UNKNOWN else 200
    return render(request, "students/certificates/verify.html", context, status=status)
