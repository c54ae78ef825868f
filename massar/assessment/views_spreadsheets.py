"""Pages of a mark sheet's spreadsheet: download it, send it back, confirm what it changes.

The sheet is named by its class, subject and semester, as on the sheet page:

- ``…/download/``: the .xlsx of the sheet (the teacher of that class × subject, the school's
  director and staff, officers of the school's scope); anyone else: 404.
- ``…/upload/``: the teacher of the pair, the school's director and staff (officers and anyone
  else: 404). GET shows the form (or why the sheet cannot take a file: locked, entry window
  closed); POST reads the file and shows the preview — what changes, per pupil and column,
  before → after, and the errors per row. Nothing is written here.
- ``…/upload/confirm/``: POST of a preview without errors: the changes are saved in one call,
  all or nothing, then the upload page says how many pupils' marks were saved.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massar.core.errors import DomainError, NotFound, ValidationFailed

from . import access
from .services_marks import StaleMarks, sheet_open
from .spreadsheets import (
    COLUMNS,
    EMPTY_CELLS_RULE,
    MAX_BYTES,
    describe_result,
    marks_import_confirm,
    marks_import_preview,
    sheet_export,
    writable_problem,
)

ACCEPT = (
    ".xlsx,.xls,.ods,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet,text/csv"
)


class MarksUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "The sheet downloaded from Massar with your marks, or a file with the same columns: "
            "Excel (.xlsx, .xls), OpenDocument (.ods) or CSV in UTF-8."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


def _sheet(request, class_id, subject_code: str, semester: int, *, write: bool):
    """The sheet named by the URL, opened (created on first use), or 404."""
    if semester not in (1, 2):
        raise Http404
    try:
        school_class, subject = access.access_class_subject(
            actor=request.user, class_public_id=class_id, subject_code=subject_code, write=write
        )
        return sheet_open(
            actor=request.user, school_class=school_class, subject=subject, semester=semester
        )
    except NotFound as error:
        raise Http404 from error


def _args(sheet) -> list:
    return [sheet.school_class.public_id, sheet.subject.code, sheet.semester]


def _upload_page(request, sheet, *, form=None, failure=None, status=200):
    problem = writable_problem(sheet)
    context = {
        "sheet": sheet,
        "form": form or MarksUploadForm(),
        "failure": failure,
        "problem": problem,
        "columns": [c for c in COLUMNS if c.field in _shown_fields(sheet)],
        "empty_cells_rule": EMPTY_CELLS_RULE,
        "max_bytes": MAX_BYTES,
        "download_url": reverse("assessment:marks_spreadsheet_download", args=_args(sheet)),
        "upload_url": reverse("assessment:marks_spreadsheet_upload", args=_args(sheet)),
    }
    return render(request, "assessment/spreadsheet_upload.html", context, status=status)


def _shown_fields(sheet) -> set[str]:
    tests = {f"test_{number}" for number in range(1, sheet.test_count + 1)}
    return {"code_massar", "name_ar", "name_fr", "birth_date", "activities", *tests}


@login_required
@require_GET
def marks_spreadsheet_download(request, class_id, subject_code: str, semester: int):
    sheet = _sheet(request, class_id, subject_code, semester, write=False)
    try:
        export = sheet_export(actor=request.user, sheet=sheet, language=get_language() or "ar")
    except NotFound as error:
        raise Http404 from error
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def marks_spreadsheet_upload(request, class_id, subject_code: str, semester: int):
    sheet = _sheet(request, class_id, subject_code, semester, write=True)
    if request.method == "GET":
        return _upload_page(request, sheet)
    form = MarksUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, sheet, form=form, status=400)
    try:
        preview = marks_import_preview(
            actor=request.user, sheet=sheet, upload=form.cleaned_data["file"]
        )
    except NotFound as error:
        raise Http404 from error
    except DomainError as error:
        return _upload_page(request, sheet, form=form, failure=error, status=error.status)
    context = {
        "sheet": sheet,
        "preview": preview,
        "plan": preview.plan(actor=request.user) if preview.can_confirm else "",
        "empty_cells_rule": EMPTY_CELLS_RULE,
        "upload_url": reverse("assessment:marks_spreadsheet_upload", args=_args(sheet)),
        "confirm_url": reverse("assessment:marks_spreadsheet_confirm", args=_args(sheet)),
    }
    status = 400 if preview.errors else 200
    return render(request, "assessment/spreadsheet_preview.html", context, status=status)


@login_required
@require_POST
def marks_spreadsheet_confirm(request, class_id, subject_code: str, semester: int):
    sheet = _sheet(request, class_id, subject_code, semester, write=True)
    try:
        result = marks_import_confirm(
            actor=request.user, sheet=sheet, token=request.POST.get("plan", "")
        )
    except NotFound as error:
        raise Http404 from error
    except (StaleMarks, ValidationFailed) as error:
        return _upload_page(request, sheet, failure=error, status=error.status)
    messages.success(request, describe_result(result))
    return redirect("assessment:marks_spreadsheet_upload", *_args(sheet))
