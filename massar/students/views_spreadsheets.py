"""Pages of the spreadsheet import of pupils and the export of class and level lists.

- ``/students/import/``: director and staff of a school (others: 404, as for every write page):
  choose the establishment (when several), send the file; the row errors are shown in a table,
  nothing is written unless every row is valid; on success, the counts.
- ``/students/export/?establishment=…&level=…&class=…``: the .xlsx of the current year's pupils of
  an establishment in the actor's records scope (another school, an unknown level: 404).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from massar.core.errors import DomainError, NotFound
from massar.curriculum.models import Level
from massar.territory.selectors import current_school_year

from . import access
from .spreadsheets import students_export, students_import
from .spreadsheets.columns import COLUMNS
from .spreadsheets.forms import ExportForm, ImportForm


@login_required
@require_http_methods(["GET", "POST"])
def students_import_view(request):
    establishments = access.writable_establishments(request.user)
    if not establishments:
        raise Http404
    school_year = current_school_year()
    form = ImportForm(request.POST or None, request.FILES or None, establishments=establishments)
    result = failure = None
    if request.method == "POST" and form.is_valid():
        try:
            establishment = access.access_establishment_for_write(
                actor=request.user, code=form.cleaned_data["establishment"]
            )
        except NotFound as error:
            raise Http404 from error
        if school_year is None:
            form.add_error(None, _("No school year is current: ask a national administrator."))
        else:
            try:
                result = students_import(
                    actor=request.user,
                    establishment=establishment,
                    upload=form.cleaned_data["file"],
                    school_year=school_year,
                )
            except DomainError as error:
                failure = error
    context = {
        "form": form,
        "export_form": ExportForm(establishments=establishments),
        "result": result,
        "failure": failure,
        "school_year": school_year,
        "columns": COLUMNS,
    }
    status = 400 if (failure is not None or form.errors) else 200
    return render(request, "students/import.html", context, status=status)


@login_required
@require_GET
def students_export_view(request):
    try:
        establishment = access.access_establishment_for_records(
            actor=request.user, code=request.GET.get("establishment", "")
        )
    except NotFound as error:
        raise Http404 from error
    level = None
    level_code = request.GET.get("level", "").strip().upper()
    if level_code:
        level = Level.objects.filter(code=level_code).first()
        if level is None:
            raise Http404
    school_year = current_school_year()
    if school_year is None:
        raise Http404
    try:
        export = students_export(
            actor=request.user,
            establishment=establishment,
            school_year=school_year,
            level=level,
            class_label=request.GET.get("class", "")[:30],
            language=get_language() or "ar",
        )
    except NotFound as error:
        raise Http404 from error
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
