"""Pages of the student files: the scoped search, the file with its tabs, registration of a new
pupil (with the likely-duplicate check), guardians, documents and the merge of duplicates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from massar.core.errors import DomainError, NotFound
from massar.core.pages import page_of, wants_fragment
from massar.territory.models import Establishment
from massar.territory.selectors import current_school_year, school_years_before

from . import access, selectors, services
from .forms import (
    DocumentForm,
    DuplicateReasonForm,
    GuardianForm,
    MergeForm,
    PlacementForm,
    ReRegistrationForm,
    StudentFilterForm,
    StudentIdentityForm,
    student_data_from,
)
from .models import Relationship

PAGE_SIZE = 25
TABS = ("identity", "guardians", "path", "documents", "certificates", "transfers", "history")


def _student_or_404(request, code: str, *, log_read: bool = False):
    try:
        return access.access_student_by_code(actor=request.user, code=code, log_read=log_read)
    except NotFound as error:
        raise Http404 from error


@login_required
@vary_on_headers("HX-Request")
def student_list_view(request):
    scope = access.records_scope(request.user)
    if scope.is_empty:
        raise Http404
    form = StudentFilterForm(request.GET or None, scope=scope)
    queryset = selectors.student_list(scope=scope, filters=form.filters())
    page, query = page_of(request, queryset, per_page=PAGE_SIZE, cap=selectors.SEARCH_COUNT_CAP)
    context = {
        "form": form,
        "page": page,
        "capped": page.paginator.capped,
        "query": query,
        "invalid": form.is_bound and not form.is_valid(),
        "can_register": not access.school_write_scope(request.user).is_empty,
    }
    template = "students/student_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@login_required
def student_detail_view(request, code: str):
    student = _student_or_404(request, code, log_read=True)
    if student.code_massar != code.strip().upper():  # a merged duplicate's code
        return redirect("students:detail", code=student.code_massar)
    tab = request.GET.get("tab", "identity")
    if tab not in TABS:
        tab = "identity"
    can_write = access.can_write_at(request.user, student.establishment)
    context = {"student": student, "tab": tab, "tabs": TABS, "can_write": can_write}
    if tab == "identity":
        context["current"] = selectors.current_enrolment(student)
        context["show_health"] = can_write
        context["can_merge"] = access.can_merge(request.user)
        context["confirmations"] = list(student.duplicate_confirmations.all())
    elif tab == "guardians":
        context["guardians"] = list(student.guardians.all())
        context["guardian_form"] = GuardianForm(prefix="g")
    elif tab == "path":
        context["path"] = list(selectors.student_path(student))
    elif tab == "documents":
        context["documents"] = list(student.documents.all())
        context["document_form"] = DocumentForm()
    elif tab == "certificates":
        from .certificates.selectors import certificates_of

        context["certificates"] = list(certificates_of(student))
    elif tab == "history":
        context["history"] = selectors.file_history(student)
    elif tab == "transfers":
        from .transfers import transfers_of

        context["transfers"] = list(transfers_of(student, actor=request.user))
    return render(request, "students/student_detail.html", context)


def _establishments_written_by(user) -> list[Establishment]:
    """The establishments where ``user`` registers pupils; 404 for a user who has none."""
    establishments = access.writable_establishments(user)
    if not establishments:
        raise Http404
    return establishments


def _guardian_forms(data=None) -> list[GuardianForm]:
    return [
        GuardianForm(data, prefix="father", initial={"relationship": Relationship.FATHER}),
        GuardianForm(data, prefix="mother", initial={"relationship": Relationship.MOTHER}),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def student_register_view(request):
    """A new pupil: the identity, the guardians, the placement; likely duplicates are shown."""
    establishments = _establishments_written_by(request.user)
    data = request.POST if request.method == "POST" else None
    identity = StudentIdentityForm(data, prefix="child")
    guardians = _guardian_forms(data)
    placement_form = PlacementForm(data, prefix="place", establishments=establishments)
    reason_form = DuplicateReasonForm(data)
    candidates = []
    error = None
    if request.method == "POST":
        forms_valid = all(
            form.is_valid() for form in [identity, *guardians, placement_form, reason_form]
        )
        if forms_valid:
            placed = placement_form.cleaned_data
            school_year = current_school_year()
            try:
                student = services.student_register(
                    actor=request.user,
                    data=student_data_from(identity, guardians),
                    placement=services.Placement(
                        school_year=school_year,
                        establishment=placement_form.establishments[placed["establishment"]],
                        level=placement_form.levels[placed["level"]],
                        stream=placement_form.streams[placed["stream"]],
                        class_label=placed["class_label"],
                    ),
                    duplicate_reason=reason_form.cleaned_data["duplicate_reason"],
                )
            except services.LikelyDuplicate as duplicate:
                candidates = duplicate.candidates
                error = duplicate
            except DomainError as failure:
                error = failure
            else:
                messages.success(
                    request,
                    _("%(name)s is registered with the code Massar %(code)s.")
                    % {"name": student.full_name, "code": student.code_massar},
                )
                return redirect("students:detail", code=student.code_massar)
    context = {
        "identity": identity,
        "guardians": guardians,
        "placement": placement_form,
        "reason_form": reason_form,
        "candidates": candidates,
        "error": error,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "students/student_register.html", context, status=status)


@login_required
@require_POST
def guardian_add_view(request, code: str):
    student = _student_or_404(request, code)
    form = GuardianForm(request.POST, prefix="g")
    url = reverse("students:detail", args=[student.code_massar]) + "?tab=guardians"
    if not form.is_valid() or not form.has_person():
        messages.error(request, _("Check the guardian's details: a name or a CIN is required."))
        return redirect(url)
    try:
        services.guardian_save(actor=request.user, student=student, data=form.guardian_data())
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, _("The guardian is saved."))
    return redirect(url)


@login_required
@require_POST
def guardian_make_contact_view(request, code: str, guardian_id: int):
    student = _student_or_404(request, code)
    try:
        guardian = access.access_guardian(student=student, guardian_id=guardian_id)
        services.guardian_make_contact(actor=request.user, guardian=guardian)
    except NotFound as error:
        raise Http404 from error
    except DomainError as failure:
        messages.error(request, failure.message)
    return redirect(reverse("students:detail", args=[student.code_massar]) + "?tab=guardians")


@login_required
@require_POST
def document_upload_view(request, code: str):
    student = _student_or_404(request, code)
    form = DocumentForm(request.POST, request.FILES)
    url = reverse("students:detail", args=[student.code_massar]) + "?tab=documents"
    if not form.is_valid():
        messages.error(request, _("Choose the kind of document and a file."))
        return redirect(url)
    try:
        services.document_attach(
            actor=request.user,
            student=student,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, _("The document is attached to the file."))
    return redirect(url)


def _file_response(document, **kwargs) -> FileResponse:
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, content_type=document.content_type, **kwargs)


@login_required
def document_download_view(request, code: str, document_id: int):
    student = _student_or_404(request, code)
    try:
        document = access.access_document(student=student, document_id=document_id)
    except NotFound as error:
        raise Http404 from error
    return _file_response(document, as_attachment=True, filename=document.original_name)


@login_required
def student_photo_view(request, code: str):
    """The pupil's photo, shown in the file (same access as the file; never cached publicly)."""
    student = _student_or_404(request, code)
    try:
        document = access.access_photo(student=student)
    except NotFound as error:
        raise Http404 from error
    response = _file_response(document)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def student_merge_view(request, code: str):
    """A directorate or national administrator merges a confirmed duplicate into this file."""
    if not access.can_merge(request.user):
        raise Http404
    survivor = _student_or_404(request, code)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retired = access.access_student_by_code(
                actor=request.user, code=form.cleaned_data["retired_code"]
            )
            services.student_merge(
                actor=request.user,
                survivor=survivor,
                retired=retired,
                reason=form.cleaned_data["reason"],
            )
        except NotFound:
            form.add_error("retired_code", _("No file with this code Massar in your scope."))
        except DomainError as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(
                request,
                _("The file %(retired)s is merged into %(survivor)s.")
                % {"retired": retired.code_massar, "survivor": survivor.code_massar},
            )
            return redirect("students:detail", code=survivor.code_massar)
    status = 400 if form.errors else 200
    return render(
        request, "students/student_merge.html", {"student": survivor, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def reregistration_view(request):
    """Re-register a whole level of last year into this year, in one set-based write."""
    establishments = _establishments_written_by(request.user)
    this_year = current_school_year()
    years = list(school_years_before(this_year))
    form = ReRegistrationForm(request.POST or None, establishments=establishments, years=years)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.enrolments_reregister(
                actor=request.user,
                establishment=form.establishments[data["establishment"]],
                from_year=form.years[data["from_year"]],
                to_year=this_year,
                from_level=form.levels[data["from_level"]],
                to_level=form.levels[data["to_level"]],
                to_stream=form.streams[data["to_stream"]],
            )
        except DomainError as failure:
            form.add_error(None, failure.message)
    status = 400 if form.errors else 200
    context = {"form": form, "result": result, "this_year": this_year, "years": years}
    return render(request, "students/reregistration.html", context, status=status)
