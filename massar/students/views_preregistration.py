"""Pages of online pre-registration.

Parents: sign up, prove their phone or e-mail with a code, send a request during the window,
follow their requests and send a document the school asked for. Schools (director, staff): the
review queue, one request with its birth certificate, and the decisions.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from massar.accounts.models import ContactChannel
from massar.accounts.verification import (
    contact_verification_check,
    contact_verification_start,
    is_contact_verified,
    pending_verification,
    verified_contacts,
)
from massar.core.errors import DomainError, NotFound
from massar.core.pages import page_of

from . import access
from . import preregistration as prereg
from .forms_preregistration import (
    AcceptForm,
    DocumentRequestForm,
    DocumentUploadForm,
    PreRegistrationForm,
    QueueFilterForm,
    RejectForm,
    SendCodeForm,
    SignupForm,
    VerifyCodeForm,
)
from .services import LikelyDuplicate

PAGE_SIZE = 25
TEMPLATES = "students/preregistration/"
#: The CIN typed at sign-up, kept for the first request of the session (no column on ``User``).
SESSION_CIN = "preregistration_cin"


def _add_domain_error(form, error: DomainError) -> None:
    """Show a service's refusal on the form: on the fields it names, or above the form."""
    placed = False
    for detail in error.details:
        location = (detail.get("loc") if isinstance(detail, dict) else None) or []
        if location and location[-1] in form.fields:
            form.add_error(location[-1], str(detail.get("msg") or error.message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


# --- Parent account -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup_view(request):
    if request.user.is_authenticated:
        return redirect("students:preregistration_mine")
    language = (request.LANGUAGE_CODE or settings.LANGUAGE_CODE).split("-")[0]
    form = SignupForm(request.POST or None, initial={"preferred_language": language})
    if request.method == "POST" and form.is_valid():
        try:
            user = prereg.parent_signup(data=form.signup())
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_CIN] = form.cleaned_data["cin"]
            response = redirect("students:preregistration_verify")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, TEMPLATES + "signup.html", {"form": form}, status=status)


def _default_destination(user) -> tuple[str, str]:
    if user.email:
        return ContactChannel.EMAIL, user.email
    phone = prereg.normalise_phone(user.username)
    return ContactChannel.PHONE, phone if phone.isdigit() else ""


@login_required
@require_http_methods(["GET", "POST"])
def verify_view(request):
    """Enter the code received; or have a (new) code sent to a phone or an e-mail address."""
    user = request.user
    if is_contact_verified(user):
        messages.info(request, _("Your contact is verified: you can send requests."))
        return redirect("students:preregistration_mine")
    action = request.POST.get("action") if request.method == "POST" else None
    code_form = VerifyCodeForm(request.POST if action == "check" else None)
    channel, destination = _default_destination(user)
    send_form = SendCodeForm(
        request.POST if action == "send" else None,
        initial={"channel": channel, "destination": destination},
    )
    failed = False
    if action == "check" and code_form.is_valid():
        try:
            contact_verification_check(user=user, code=code_form.cleaned_data["code"])
        except DomainError as error:
            code_form.add_error("code", str(error.message))
            failed = True
        else:
            messages.success(request, _("Thank you: your contact is verified."))
            return redirect("students:preregistration_new")
    elif action == "send" and send_form.is_valid():
        try:
            contact_verification_start(
                user=user,
                channel=send_form.cleaned_data["channel"],
                destination=send_form.cleaned_data["destination"],
            )
        except DomainError as error:
            send_form.add_error(None, str(error.message))
            failed = True
        else:
            messages.success(request, _("A new code was sent."))
            return redirect("students:preregistration_verify")
    elif action is not None:
        failed = True
    context = {
        "code_form": code_form,
        "send_form": send_form,
        "pending": pending_verification(user),
        "username": user.username,
    }
    return render(request, TEMPLATES + "verify.html", context, status=400 if failed else 200)


# --- Parent requests ------------------------------------------------------------------------


@login_required
@require_GET
def mine_view(request):
    context = {
        "requests": list(prereg.parent_requests(parent=request.user)),
        "verified": is_contact_verified(request.user),
        "calendar": prereg.open_calendar(),
    }
    return render(request, TEMPLATES + "mine.html", context)


def _initial_guardian(request) -> dict:
    """The guardian part prefilled from the account and the parent's last request."""
    user = request.user
    initial = {
        "guardian_first_name_ar": user.first_name_ar,
        "guardian_last_name_ar": user.last_name_ar,
        "guardian_first_name_fr": user.first_name,
        "guardian_last_name_fr": user.last_name,
        "guardian_email": user.email,
        "guardian_cin": request.session.get(SESSION_CIN, ""),
    }
    for channel, destination in verified_contacts(user):
        if channel == ContactChannel.PHONE:
            initial["guardian_phone"] = destination
    last = prereg.parent_requests(parent=user).first()
    if last is not None:
        for name in (
            "guardian_relationship",
            "guardian_first_name_ar",
            "guardian_last_name_ar",
            "guardian_first_name_fr",
            "guardian_last_name_fr",
            "guardian_cin",
            "guardian_phone",
            "guardian_email",
            "guardian_profession",
            "address",
        ):
            initial[name] = getattr(last, name)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def new_view(request):
    if not is_contact_verified(request.user):
        messages.info(
            request, _("Verify your phone number or e-mail address before sending a request.")
        )
        return redirect("students:preregistration_verify")
    calendar = prereg.open_calendar()
    if calendar is None:
        return render(request, TEMPLATES + "closed.html", {"next_calendar": prereg.next_calendar()})
    submitted = request.method == "POST" and "refresh" not in request.POST
    if request.method == "POST":
        form = PreRegistrationForm(request.POST, request.FILES)
    else:
        form = PreRegistrationForm(initial=_initial_guardian(request))
    if submitted and form.is_valid():
        try:
            created = prereg.preregistration_submit(
                parent=request.user,
                data=form.data_for_service(),
                level=form.chosen_level,
                establishment=form.chosen_establishment,
                birth_certificate=form.cleaned_data["birth_certificate"],
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Your request %(reference)s was sent to %(school)s.")
                % {"reference": created.reference, "school": created.establishment.name},
            )
            return redirect("students:preregistration_mine")
    if request.method == "POST" and not submitted:
        form.errors.clear()  # "show the schools" only refreshes the list: no error yet
    context = {"form": form, "calendar": calendar}
    return render(request, TEMPLATES + "new.html", context, status=400 if submitted else 200)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def establishments_view(request):
    """The establishment field for the commune and level chosen (htmx swaps it in place)."""
    form = PreRegistrationForm(request.GET)
    form.errors.clear()
    template = TEMPLATES + "new.html#establishment_field"
    return render(request, template, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def own_detail_view(request, reference: str):
    """A parent's own request: status, the school's message, and the document asked for."""
    try:
        item = prereg.access_own_preregistration(parent=request.user, reference=reference)
    except NotFound as error:
        raise Http404 from error
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            prereg.preregistration_resubmit_document(
                parent=request.user, request=item, upload=form.cleaned_data["upload"]
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("The document was sent: the school will review it."))
            return redirect("students:preregistration_detail", reference=item.reference)
    context = {"item": item, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, TEMPLATES + "own_detail.html", context, status=status)


# --- School review --------------------------------------------------------------------------


def _review_scope_or_404(request):
    scope = prereg.review_scope(request.user)
    if scope.is_empty:
        raise Http404
    return scope


@login_required
@require_GET
def queue_view(request):
    scope = _review_scope_or_404(request)
    form = QueueFilterForm(request.GET or None)
    queryset = prereg.preregistration_queue(scope=scope, status=form.status_filter())
    page, query = page_of(request, queryset, per_page=PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "several_schools": len(scope.establishment_ids) > 1,
    }
    return render(request, TEMPLATES + "queue.html", context)


def _item_for_review(request, reference: str):
    try:
        return prereg.access_preregistration_for_review(actor=request.user, reference=reference)
    except NotFound as error:
        raise Http404 from error


def _render_review(
    request, item, *, accept_form=None, reject_form=None, document_form=None, error=None, status=200
):
    is_open = item.status in prereg.OPEN_STATUSES
    context = {
        "item": item,
        "is_open": is_open,
        "duplicates": prereg.request_duplicates(item) if is_open else [],
        "can_confirm": access.can_confirm_duplicates(request.user, item.establishment),
        "accept_form": accept_form or AcceptForm(),
        "reject_form": reject_form or RejectForm(),
        "document_form": document_form or DocumentRequestForm(),
        "error": error,
    }
    return render(request, TEMPLATES + "review.html", context, status=status)


@login_required
@require_GET
def review_view(request, reference: str):
    return _render_review(request, _item_for_review(request, reference))


@login_required
@require_POST
def accept_view(request, reference: str):
    item = _item_for_review(request, reference)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            student = prereg.preregistration_accept(
                actor=request.user,
                request=item,
                duplicate_reason=form.cleaned_data["duplicate_reason"],
            )
        except LikelyDuplicate as error:
            return _render_review(request, item, accept_form=form, error=error, status=409)
        except DomainError as error:
            return _render_review(request, item, accept_form=form, error=error, status=400)
        messages.success(
            request,
            _("Request %(reference)s accepted: %(name)s has the code Massar %(code)s.")
            % {"reference": item.reference, "name": student.full_name, "code": student.code_massar},
        )
        return redirect("students:preregistration_review", reference=item.reference)
    return _render_review(request, item, accept_form=form, status=400)


@login_required
@require_POST
def reject_view(request, reference: str):
    item = _item_for_review(request, reference)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            prereg.preregistration_reject(
                actor=request.user, request=item, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(
                request, _("Request %(reference)s refused.") % {"reference": item.reference}
            )
            return redirect("students:preregistration_review", reference=item.reference)
    return _render_review(request, item, reject_form=form, status=400)


@login_required
@require_POST
def request_document_view(request, reference: str):
    item = _item_for_review(request, reference)
    form = DocumentRequestForm(request.POST)
    if form.is_valid():
        try:
            prereg.preregistration_request_document(
                actor=request.user, request=item, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The parent was asked for the document (request %(reference)s).")
                % {"reference": item.reference},
            )
            return redirect("students:preregistration_review", reference=item.reference)
    return _render_review(request, item, document_form=form, status=400)


@login_required
@require_GET
def birth_certificate_view(request, reference: str):
    """The birth certificate of a request, for the school reviewing it only."""
    item = _item_for_review(request, reference)
    if not item.birth_certificate:
        raise Http404
    extension = prereg.EXTENSIONS.get(item.birth_certificate_type, "bin")
    response = FileResponse(
        item.birth_certificate.open("rb"),
        content_type=item.birth_certificate_type or "application/octet-stream",
        filename=f"{item.reference}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    return response
