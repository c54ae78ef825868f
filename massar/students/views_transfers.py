"""Pages of the transfers: the incoming and outgoing lists, one transfer with its decision, the
request from the pupil's file, and the search of receiving establishments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from massar.core.errors import DomainError, NotFound
from massar.core.pages import page_of, wants_fragment

from . import access
from .forms_transfers import (
    TransferAcceptForm,
    TransferFilterForm,
    TransferRejectForm,
    TransferRequestForm,
)
from .models import TransferStatus
from .selectors import current_enrolment
from .transfers import transfer_accept, transfer_cancel, transfer_reject, transfer_request
from .transfers_selectors import (
    INCOMING,
    OUTGOING,
    access_transfer_by_public_id,
    leaving_certificate_of,
    transfer_destinations,
    transfer_enrolment,
    transfer_list,
)

PAGE_SIZE = 25


def _transfer_or_404(request, public_id):
    try:
        return access_transfer_by_public_id(actor=request.user, public_id=public_id)
    except NotFound as error:
        raise Http404 from error


def _student_or_404(request, code: str):
    try:
        return access.access_student_by_code(actor=request.user, code=code)
    except NotFound as error:
        raise Http404 from error


@login_required
@require_GET
@vary_on_headers("HX-Request")
def transfer_list_view(request):
    scope = access.records_scope(request.user)
    if scope.is_empty:
        raise Http404
    form = TransferFilterForm(request.GET or None)
    direction, status = form.filters()
    queryset = transfer_list(scope=scope, direction=direction, status=status)
    page, query = page_of(request, queryset, per_page=PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "direction": direction,
        "status": status,
        "incoming": INCOMING,
        "outgoing": OUTGOING,
    }
    template = "students/transfers/transfer_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


def _render_detail(
    request, transfer, *, status=200, error=None, accept_form=None, reject_form=None
):
    user = request.user
    is_open = transfer.status == TransferStatus.REQUESTED
    can_open_file = access.can_read_file(user, transfer.student_id)
    context = {
        "transfer": transfer,
        "student": transfer.student,
        "enrolment": transfer_enrolment(transfer),
        "can_decide": is_open and access.can_write_at(user, transfer.to_establishment),
        "can_cancel": is_open and access.can_write_at(user, transfer.from_establishment),
        "can_open_file": can_open_file,
        "certificate": leaving_certificate_of(transfer),
        "accept_form": accept_form or TransferAcceptForm(),
        "reject_form": reject_form or TransferRejectForm(),
        "error": error,
    }
    return render(request, "students/transfers/transfer_detail.html", context, status=status)


@login_required
@require_GET
def transfer_detail_view(request, public_id):
    return _render_detail(request, _transfer_or_404(request, public_id))


@login_required
@require_POST
def transfer_accept_view(request, public_id):
    transfer = _transfer_or_404(request, public_id)
    form = TransferAcceptForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, transfer, status=400, accept_form=form)
    try:
        transfer_accept(
            actor=request.user, transfer=transfer, class_label=form.cleaned_data["class_label"]
        )
    except DomainError as error:
        return _render_detail(request, transfer, status=error.status, error=error, accept_form=form)
    messages.success(
        request,
        _("The transfer is accepted: the file of %(name)s is now held by your school.")
        % {"name": transfer.student.full_name},
    )
    return redirect("students:transfer_detail", public_id=transfer.public_id)


@login_required
@require_POST
def transfer_reject_view(request, public_id):
    transfer = _transfer_or_404(request, public_id)
    form = TransferRejectForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, transfer, status=400, reject_form=form)
    try:
        transfer_reject(actor=request.user, transfer=transfer, note=form.cleaned_data["note"])
    except DomainError as error:
        return _render_detail(request, transfer, status=error.status, error=error, reject_form=form)
    messages.success(request, _("The transfer is refused; the sending school sees your note."))
    return redirect("students:transfer_detail", public_id=transfer.public_id)


@login_required
@require_POST
def transfer_cancel_view(request, public_id):
    transfer = _transfer_or_404(request, public_id)
    try:
        transfer_cancel(actor=request.user, transfer=transfer)
    except DomainError as error:
        return _render_detail(request, transfer, status=error.status, error=error)
    messages.success(request, _("The transfer request is cancelled."))
    return redirect("students:transfer_detail", public_id=transfer.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_request_view(request, code: str):
    """The request form on its own page (the file's transfers tab posts here too)."""
    student = _student_or_404(request, code)
    can_write = access.can_write_at(request.user, student.establishment)
    form = TransferRequestForm(request.POST if request.method == "POST" else None)
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                transfer = transfer_request(
                    actor=request.user,
                    student=student,
                    to_establishment=form.cleaned_data["to_establishment"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as failure:
                error, status = failure, failure.status
            else:
                messages.success(
                    request,
                    _("The transfer is requested: %(school)s will accept or refuse it.")
                    % {"school": transfer.to_establishment.name},
                )
                return redirect("students:transfer_detail", public_id=transfer.public_id)
        else:
            status = 400
    context = {
        "student": student,
        "can_write": can_write,
        "request_form": form,
        "current": current_enrolment(student),
        "error": error,
    }
    return render(request, "students/transfers/transfer_request.html", context, status=status)


@login_required
@require_GET
def transfer_destinations_view(request, code: str):
    """Options of the receiving-establishment field: schools teaching the pupil's level."""
    student = _student_or_404(request, code)
    if not access.can_write_at(request.user, student.establishment):
        raise Http404
    enrolment = current_enrolment(student)
    destinations = []
    if enrolment is not None:
        destinations = transfer_destinations(
            level=enrolment.level,
            exclude=student.establishment,
            q=request.GET.get("to_establishment", "")[:100],
        )
    # A fragment without the shell: no request context (navigation, language) is needed.
    html = render_to_string("students/transfers/_destinations.html", {"destinations": destinations})
    return HttpResponse(html)
