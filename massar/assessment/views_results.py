"""Pages of results and their publication.

- A school's results and a class's (officers, the school's director and staff; a class's
  teachers for their class): the *live* computed averages, ranks and statistics, always marked
  as not published.
- The director's publication page: each period's state, what blocks it, publishing or
  correcting (with a reason), the versions, and printing every report card as one PDF (a
  background task whose progress the page polls with htmx), then the download.
- The pupil's and the parent's results (a parent switches between children): **published**
  report cards only, and each card's PDF. A pupil reading a classmate's code gets 404.

Objects named by the URL go through ``access`` (and the publication and printing lookups of
``selectors_results``, built on the director's scope): missing and forbidden are one 404.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massar.accounts.models import Role
from massar.accounts.scope import scope_for
from massar.core.errors import DomainError, NotFound
from massar.core.i18n import pick
from massar.core.pages import wants_fragment
from massar.students.models import YearDecision
from massar.territory.models import Establishment, SchoolYear
from massar.territory.selectors import current_school_year

from . import access
from . import selectors_results as selectors
from .models import BatchStatus, CouncilAppreciation, Period
from .reportcards.pdf import report_card_pdf, report_cards_pdf
from .services_publication import report_cards_print, results_publish

PDF = "application/pdf"
ESTABLISHMENT_CODE = re.compile(r"[0-9A-Z]{1,12}")


class PublishForm(forms.Form):
    period = forms.TypedChoiceField(choices=Period.choices, coerce=int)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


BATCH_ERRORS = {
    "render": gettext_lazy("A report card could not be laid out."),
    "storage": gettext_lazy("The file could not be saved."),
    "empty": gettext_lazy("This publication has no report card."),
    "queue": gettext_lazy("The printing could not be queued: try again."),
    "abandoned": gettext_lazy("The printing was interrupted: ask for it again."),
    "error": gettext_lazy("An unexpected error stopped the printing: ask for it again."),
}


def or_404(lookup, **kwargs):
    try:
        return lookup(**kwargs)
    except NotFound as error:
        raise Http404 from error


def _school_code(code: str) -> str:
    """An establishment code from the URL; anything else (a NUL byte included) is not found."""
    code = (code or "").strip().upper()
    if not ESTABLISHMENT_CODE.fullmatch(code):
        raise Http404
    return code


def _current_year() -> SchoolYear:
    year = current_school_year()
    if year is None:
        raise Http404
    return year


def _period(request, default: int = Period.FIRST) -> int:
    raw = request.GET.get("period", "")
    return int(raw) if raw.isdigit() and int(raw) in Period.values else default


def _periods() -> list[tuple[int, str]]:
    return [(int(value), label) for value, label in Period.choices]


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- a school's and a class's live results ----------------------------------------------------


@login_required
@require_GET
def results_schools_view(request):
    """ "Results" of the navigation for the school and officers: the school of a director or
    staff member, or a school code to type for officers."""
    readers = access.read_scope(request.user)
    if readers.is_empty:
        raise Http404
    code = request.GET.get("code", "").strip().upper()
    if ESTABLISHMENT_CODE.fullmatch(code):
        return redirect("assessment:results_school", code=code)
    school = access.school_scope(request.user)
    schools = (
        list(school.filter_establishments(Establishment.objects.all()).order_by("code")[:50])
        if not school.is_empty
        else []
    )
    officer = bool(readers.national or readers.academy_ids or readers.directorate_ids)
    if len(schools) == 1 and not officer:
        return redirect("assessment:results_school", code=schools[0].code)
    return render(
        request, "assessment/results_schools.html", {"schools": schools, "asks_code": officer}
    )


@login_required
@require_GET
def results_school_view(request, code: str):
    """Each class's live results for a period, and the publications' state (readers)."""
    establishment = or_404(access.access_establishment, actor=request.user, code=_school_code(code))
    year = _current_year()
    period = _period(request)
    context = {
        "establishment": establishment,
        "school_year": year,
        "period": period,
        "periods": _periods(),
        "classes": selectors.school_results(
            establishment=establishment, school_year=year, period=period
        ),
        "current": selectors.current_publications(
            establishment=establishment, school_year=year
        ).get(period),
        "is_director": access.is_director_of(request.user, establishment),
    }
    return render(request, "assessment/results_school.html", context)


@login_required
@require_GET
def results_class_view(request, public_id):
    """A class's live averages, ranks and subject statistics for a period."""
    school_class = or_404(access.access_class, actor=request.user, public_id=public_id)
    period = _period(request)
    results = selectors.class_results(school_class=school_class, period=period)
    context = {
        "school_class": school_class,
        "period": period,
        "periods": _periods(),
        "results": results,
        "reads_school": access.reads_school(request.user, school_class.establishment),
        "prints": access.is_school_of(request.user, school_class.establishment),
    }
    return render(request, "assessment/results_class.html", context)


@login_required
@require_GET
def results_class_report_cards_view(request, public_id):
    """The published report cards of a class for a period, as one PDF (the school's director
    and staff)."""
    school_class = or_404(access.access_class, actor=request.user, public_id=public_id, write=True)
    period = _period(request)
    publication = selectors.current_publications(
        establishment=school_class.establishment, school_year=school_class.school_year
    ).get(period)
    contents = selectors.published_class_contents(publication, school_class) if publication else []
    if not contents:
        raise Http404
    return _download(
        report_cards_pdf(contents, publication=publication),
        f"report-cards-{slugify(school_class.name)}-{school_class.school_year.code}-{period}.pdf",
    )


# --- the director's publication page ----------------------------------------------------------


@login_required
@require_GET
def results_publication_home_view(request):
    """ "Publication" of the navigation: the director's school (or the list of their schools)."""
    scope = access.director_scope(request.user)
    if scope.is_empty:
        raise Http404
    schools = list(scope.filter_establishments(Establishment.objects.all()).order_by("code")[:50])
    if len(schools) == 1:
        return redirect("assessment:results_publication", code=schools[0].code)
    return render(request, "assessment/results_publication_home.html", {"schools": schools})


@login_required
@require_http_methods(["GET", "POST"])
def results_publication_view(request, code: str):
    """Each period: published or not, what blocks it, publish or correct, versions, printing."""
    establishment = or_404(
        access.access_establishment_as_director, actor=request.user, code=_school_code(code)
    )
    year = _current_year()
    error = None
    failed_period = None
    status = 200
    if request.method == "POST":
        form = PublishForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                publication = results_publish(
                    actor=request.user,
                    establishment=establishment,
                    school_year=year,
                    period=data["period"],
                    reason=data["reason"],
                )
            except DomainError as failure:
                error, status, failed_period = failure, failure.status, data["period"]
            else:
                messages.success(
                    request,
                    _("Results published: version %(version)s, %(count)s report cards.")
                    % {"version": publication.version, "count": publication.pupils},
                )
                return redirect("assessment:results_publication", code=establishment.code)
        else:
            error = DomainError(_("Choose a semester or the whole year."))
    context = {
        "establishment": establishment,
        "school_year": year,
        "overview": selectors.publication_overview(establishment=establishment, school_year=year),
        "error": error,
        "failed_period": failed_period,
        "batch_errors": BATCH_ERRORS,
    }
    return render(request, "assessment/results_publication.html", context, status=status)


@login_required
@require_POST
def results_print_view(request, public_id):
    """Ask for every report card of a publication as one PDF (the director)."""
    publication = or_404(
        selectors.access_publication_as_director, actor=request.user, public_id=public_id
    )
    try:
        batch = report_cards_print(actor=request.user, publication=publication)
    except DomainError as failure:
        messages.error(request, failure.message)
        return redirect("assessment:results_publication", code=publication.establishment.code)
    return redirect("assessment:results_batch", public_id=batch.public_id)


@login_required
@require_GET
def results_batch_view(request, public_id):
    """A printing, followed while it works (its status part polls itself with htmx)."""
    batch = or_404(selectors.access_batch_as_director, actor=request.user, public_id=public_id)
    code, _sep, detail = batch.error.partition(": ")
    context = {
        "batch": batch,
        "active": selectors.batch_is_active(batch),
        "percent": int(100 * batch.done / batch.total) if batch.total else 0,
        "error_message": BATCH_ERRORS.get(code, BATCH_ERRORS["error"]) if batch.error else "",
        "error_detail": detail,
    }
    if wants_fragment(request):
        return render(request, "assessment/results_batch.html#status", context)
    return render(request, "assessment/results_batch.html", context)


@login_required
@require_GET
def results_batch_download_view(request, public_id):
    batch = or_404(selectors.access_batch_as_director, actor=request.user, public_id=public_id)
    if batch.status != BatchStatus.DONE or not batch.file:
        raise Http404
    publication = batch.publication
    response = FileResponse(
        batch.file.open("rb"),
        content_type=PDF,
        as_attachment=True,
        filename=(
            f"report-cards-{publication.establishment.code}-{publication.school_year.code}"
            f"-{publication.period}-v{publication.version}.pdf"
        ),
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- pupils and parents: published results only -----------------------------------------------


def _is_family(actor) -> bool:
    return scope_for(actor).has_role(Role.STUDENT, Role.PARENT)


@login_required
@require_GET
def results_family_view(request):
    """ "Results" of the navigation for a pupil or parent: the (first) pupil's results."""
    if not _is_family(request.user):
        raise Http404
    children = list(access.family_students(request.user).order_by("first_name_fr", "code_massar"))
    if children:
        return redirect("assessment:results_pupil", code=children[0].code_massar)
    return render(request, "assessment/results_pupil.html", {"student": None, "children": []})


def _mark(value: str):
    """A snapshot's mark for a template: a Decimal (shown with the locale's comma), "absent",
    or None."""
    if not value:
        return None
    if value == "absent":
        return value
    return Decimal(value)


def _card(report) -> dict:
    """What the results page shows of a published report card, names in the reader's
    language (no query: everything is in the snapshot)."""
    content = report.content
    council = content.get("council") or {}
    next_stream = content.get("next_stream")
    return {
        "report": report,
        "publication": report.publication,
        "period": content["period"],
        "period_label": Period(content["period"]).label,
        "class_name": content["class"]["name"],
        "school": pick(**content["establishment"]["name"]),
        "average": _mark(content["average"]),
        "out_of": content["scale"]["out_of"],
        "rank": content["rank"],
        "ranked_pupils": content["ranked_pupils"],
        "semester_averages": [
            _mark(value) for _key, value in sorted(content.get("semester_averages", {}).items())
        ],
        "mention": CouncilAppreciation(council["mention"]).label
        if council.get("mention") in CouncilAppreciation.values and council.get("mention")
        else "",
        "remark": council.get("remark", ""),
        "decision": YearDecision(content["decision"]).label
        if content.get("decision") in YearDecision.values
        else "",
        "next_stream": pick(**next_stream["name"]) if next_stream else "",
        "subjects": [
            {
                "code": line["code"],
                "name": pick(**line["name"]),
                "mark": _mark(line["mark"]),
                "coefficient": Decimal(line["coefficient"]) if line["coefficient"] else None,
                "tests": [
                    mark for mark in (_mark(value) for value in line["tests"]) if mark is not None
                ],
                "activities": _mark(line["activities"]),
                "semesters": [
                    _mark(value) for _key, value in sorted(line.get("semesters", {}).items())
                ],
                "class_mean": _mark(line["class_mean"]),
                "appreciation": line["appreciation"],
            }
            for line in content["subjects"]
        ],
    }


@login_required
@require_GET
def results_pupil_view(request, code: str):
    """A pupil's published report cards, per year and period (the pupil, their parents, and
    the school's staff and officers); a parent switches between children."""
    student = or_404(selectors.student_for_results, actor=request.user, code=code)
    children = list(access.family_students(request.user).order_by("first_name_fr", "code_massar"))
    reports = list(selectors.published_reports_of(student))
    context = {
        "student": student,
        "children": children,
        "years": [
            (year.school_year, [_card(report) for report in year.reports])
            for year in selectors.reports_by_year(reports)
        ],
    }
    return render(request, "assessment/results_pupil.html", context)


@login_required
@require_GET
def results_report_card_view(request, code: str, year: str, period: int):
    """The PDF of a pupil's current published report card of a period."""
    student = or_404(selectors.student_for_results, actor=request.user, code=code)
    school_year = or_404(selectors.school_year_by_code, code=year)
    if period not in Period.values:
        raise Http404
    report = selectors.published_report(student, school_year=school_year, period=period)
    if report is None:
        raise Http404
    return _download(
        report_card_pdf(report),
        f"report-card-{student.code_massar}-{school_year.code}-{period}.pdf",
    )
