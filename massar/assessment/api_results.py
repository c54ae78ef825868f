"""The results router of the JSON API under /api/v1/: a pupil's published marks and averages per
period, and each period's report card as PDF.

Only published results (the snapshots of current publications) are served, never live marks.
Allowed to the pupil, their parents, and the staff and officers of a school where the pupil is
enrolled this year (``access.access_student_results``); anyone else — a classmate changing the
code in the URL included — gets 404.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router

from massar.core.api import reject_unknown_parameters
from massar.core.errors import NotFound

from . import selectors_results as selectors
from .models import Period
from .reportcards.pdf import report_card_pdf
from .schemas_results import ResultsQuery, StudentResultsOut

router = Router(tags=["results"])

PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "The report card as PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _period(report, code_massar: str) -> dict:
    content = report.content
    publication = report.publication
    council = content.get("council") or {}
    next_stream = content.get("next_stream")
    year = publication.school_year
    return {
        "period": content["period"],
        "school_year": year.code,
        "establishment": publication.establishment.code,
        "class_name": content["class"]["name"],
        "version": publication.version,
        "published_at": publication.published_at,
        "average": content["average"],
        "out_of": content["scale"]["out_of"],
        "rank": content["rank"],
        "ranked_pupils": content["ranked_pupils"],
        "semester_averages": content.get("semester_averages"),
        "council_mention": council.get("mention", ""),
        "council_remark": council.get("remark", ""),
        "decision": content.get("decision", ""),
        "next_stream": next_stream["code"] if next_stream else None,
        "subjects": [
            {
                "code": line["code"],
                "name_ar": line["name"]["ar"],
                "name_fr": line["name"]["fr"],
                "coefficient": line["coefficient"],
                "tests": line["tests"],
                "activities": line["activities"],
                "mark": line["mark"],
                "semesters": line.get("semesters"),
                "class_max": line["class_max"],
                "class_mean": line["class_mean"],
                "class_min": line["class_min"],
                "appreciation": line["appreciation"],
            }
            for line in content["subjects"]
        ],
        "report_card_url": reverse(
            "api-v1:results_report_card", kwargs={"code": code_massar, "period": content["period"]}
        )
        + f"?year={year.code}",
    }


@router.get(
    "/students/{code}/results",
    response=StudentResultsOut,
    summary="A pupil's published results",
)
def student_results(request, code: str, query: Query[ResultsQuery]):
    """The pupil's published marks, averages, ranks and council decisions of a school year (the
    current one by default), period by period; a period not published is absent."""
    reject_unknown_parameters(request, {"year"})
    student = selectors.student_for_results(actor=request.user, code=code)
    year = selectors.school_year_by_code(query.year)
    reports = selectors.published_reports_of(student, school_year=year)
    latest = {}
    for report in reports:  # newest first within a period: after a transfer, the latest counts
        latest.setdefault(report.publication.period, report)
    return {
        "code_massar": student.code_massar,
        "school_year": year.code,
        "periods": [_period(latest[period], student.code_massar) for period in sorted(latest)],
    }


@router.get(
    "/students/{code}/report-cards/{period}.pdf",
    summary="A pupil's report card as PDF",
    url_name="results_report_card",
    openapi_extra=PDF_RESPONSE,
)
def student_report_card(request, code: str, period: int, query: Query[ResultsQuery]):
    """The published report card of a period (1, 2, or 3 for the year) of a school year (the
    current one by default); 404 when it is not published or not the caller's to read."""
    reject_unknown_parameters(request, {"year"})
    student = selectors.student_for_results(actor=request.user, code=code)
    if period not in Period.values:
        raise NotFound()
    year = selectors.school_year_by_code(query.year)
    report = selectors.published_report(student, school_year=year, period=period)
    if report is None:
        raise NotFound()
    response = HttpResponse(report_card_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="report-card-{student.code_massar}-{year.code}-{period}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
