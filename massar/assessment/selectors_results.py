"""Reads of results and their publication.

- What blocks publishing a period (mark sheets still open, year councils not validated) and a
  school's publications, versions and printings, for the director's page.
- A class's *live* computed results (averages, ranks, statistics) for the school and officers:
  never shown to pupils and parents.
- A pupil's *published* report cards (snapshots of current publications) for the pupil, their
  parents, the pages and the API: one query, no computation.

Every function is a fixed number of queries, whatever the size of the school.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, QuerySet

from massar.core.errors import NotFound
from massar.schooling.models import SchoolClass
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, CODE_MASSAR_REGEX, Student
from massar.territory.models import Establishment, SchoolYear

from .access import access_student_results, director_scope
from .models import (
    BatchStatus,
    ClassCouncil,
    CouncilStatus,
    MarkSheet,
    Period,
    PeriodResult,
    Publication,
    PublishedReport,
    ReportCardBatch,
    SheetStatus,
    SubjectStatistics,
)

PERIODS = (Period.FIRST, Period.SECOND, Period.YEAR)
_CODE_MASSAR = re.compile(CODE_MASSAR_REGEX.strip("^$"))
ACTIVE_BATCH_STATUSES = (BatchStatus.QUEUED, BatchStatus.RUNNING)


def semesters_of(period: int) -> tuple[int, ...]:
    """The semesters whose marks a period's results use."""
    return (1, 2) if int(period) == Period.YEAR else (int(period),)


# --- what blocks a publication ----------------------------------------------------------------


def open_sheets(
    *, establishment: Establishment, school_year: SchoolYear, semesters: tuple[int, ...]
) -> list[MarkSheet]:
    """The school's mark sheets of ``semesters`` not yet validated, with class and subject."""
    return list(
        MarkSheet.objects.filter(
            establishment=establishment,
            school_year=school_year,
            semester__in=semesters,
            status=SheetStatus.OPEN,
        )
        .select_related("school_class", "subject")
        .order_by("semester", "school_class__level__order", "school_class__name", "subject__code")
    )


def classes_without_year_council(
    *, establishment: Establishment, school_year: SchoolYear
) -> list[SchoolClass]:
    """Classes with pupils whose year council is missing or not validated."""
    validated = ClassCouncil.objects.filter(
        establishment=establishment,
        school_year=school_year,
        period=Period.YEAR,
        status=CouncilStatus.VALIDATED,
    ).values("school_class_id")
    return list(
        SchoolClass.objects.filter(
            establishment=establishment,
            school_year=school_year,
            placements__enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        )
        .exclude(pk__in=validated)
        .distinct()
        .order_by("level__order", "name")
    )


def semesters_with_validated_sheets(
    *, establishment: Establishment, school_year: SchoolYear
) -> set[int]:
    """The semesters of which at least one mark sheet of the school is validated."""
    return set(
        MarkSheet.objects.filter(
            establishment=establishment, school_year=school_year, status=SheetStatus.VALIDATED
        )
        .values_list("semester", flat=True)
        .distinct()
    )


def sheet_label(sheet: MarkSheet) -> str:
    return f"{sheet.school_class.name} · {sheet.subject.name} · S{sheet.semester}"


# --- the director's page ----------------------------------------------------------------------


@dataclass
class PeriodStatus:
    period: int
    label: str
    current: Publication | None
    versions: list[Publication] = field(default_factory=list)
    open_sheets: list[MarkSheet] = field(default_factory=list)
    councils_missing: list[SchoolClass] = field(default_factory=list)
    semesters_without_marks: list[int] = field(default_factory=list)
    batches: list[ReportCardBatch] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.open_sheets or self.councils_missing or self.semesters_without_marks)


def publication_overview(
    *, establishment: Establishment, school_year: SchoolYear
) -> list[PeriodStatus]:
    """Each period's publication state: the current version and the history, what blocks
    publishing it, and the latest printings of the current version (five queries)."""
    sheets = open_sheets(establishment=establishment, school_year=school_year, semesters=(1, 2))
    marked = semesters_with_validated_sheets(establishment=establishment, school_year=school_year)
    missing = classes_without_year_council(establishment=establishment, school_year=school_year)
    publications = list(
        Publication.objects.filter(establishment=establishment, school_year=school_year)
        .select_related("published_by")
        .order_by("period", "-version")
    )
    batches = list(
        ReportCardBatch.objects.filter(
            publication__in=[p for p in publications if p.is_current]
        ).order_by("-created_at")
    )
    overview = []
    for period in PERIODS:
        versions = [p for p in publications if p.period == period]
        current = next((p for p in versions if p.is_current), None)
        semesters = semesters_of(period)
        overview.append(
            PeriodStatus(
                period=int(period),
                label=str(Period(period).label),
                current=current,
                versions=versions,
                open_sheets=[s for s in sheets if s.semester in semesters],
                councils_missing=missing if period == Period.YEAR else [],
                semesters_without_marks=[n for n in semesters if n not in marked],
                batches=[b for b in batches if current and b.publication_id == current.pk][:5],
            )
        )
    return overview


def batch_is_active(batch: ReportCardBatch) -> bool:
    return batch.status in ACTIVE_BATCH_STATUSES


def current_publications(
    *, establishment: Establishment, school_year: SchoolYear
) -> dict[int, Publication]:
    """Period → the school's current publication of it (one query)."""
    return {
        publication.period: publication
        for publication in Publication.objects.filter(
            establishment=establishment, school_year=school_year, is_current=True
        )
    }


# --- what user input names --------------------------------------------------------------------

_YEAR_CODE = re.compile(r"[0-9]{4}-[0-9]{4}")


def student_for_results(*, actor, code: str) -> Student:
    """``access.access_student_results``, after a check of the code's shape: text that cannot be
    a code Massar (a NUL byte, which PostgreSQL refuses, included) is simply not found."""
    code = (code or "").strip().upper()
    if not _CODE_MASSAR.fullmatch(code):
        raise NotFound()
    return access_student_results(actor=actor, code=code)


def school_year_by_code(code: str | None) -> SchoolYear:
    """The school year of a code like 2025-2026, or the current one without a code."""
    if not code:
        found = SchoolYear.objects.filter(is_current=True).first()
    elif _YEAR_CODE.fullmatch(code.strip()):
        found = SchoolYear.objects.filter(code=code.strip()).first()
    else:
        found = None
    if found is None:
        raise NotFound()
    return found


# --- scoped lookups of publications and printings (the director's) ----------------------------


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as error:
        raise NotFound() from error


def access_publication_as_director(*, actor, public_id) -> Publication:
    """A publication of a school ``actor`` directs; ``NotFound`` otherwise."""
    key = _uuid(public_id)
    found = (
        director_scope(actor)
        .filter_tenant(Publication.objects.select_related("establishment", "school_year"))
        .filter(public_id=key)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_batch_as_director(*, actor, public_id) -> ReportCardBatch:
    """A printing of report cards of a school ``actor`` directs; ``NotFound`` otherwise."""
    key = _uuid(public_id)
    found = (
        director_scope(actor)
        .filter_tenant(
            ReportCardBatch.objects.select_related(
                "publication__establishment", "publication__school_year", "requested_by"
            )
        )
        .filter(public_id=key)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# --- live results of a school and a class (staff and officers) --------------------------------


@dataclass(frozen=True)
class ClassSummary:
    school_class: SchoolClass
    pupils: int
    mean: Decimal | None
    highest: Decimal | None
    lowest: Decimal | None


def _two_places(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def school_results(
    *, establishment: Establishment, school_year: SchoolYear, period: int
) -> list[ClassSummary]:
    """Each class of the school with its pupils who have an average, and the mean, highest and
    lowest of their averages (two queries)."""
    classes = list(
        SchoolClass.objects.filter(establishment=establishment, school_year=school_year)
        .select_related("level", "stream")
        .order_by("level__order", "name")
    )
    figures = {
        row["school_class_id"]: row
        for row in PeriodResult.objects.filter(
            establishment=establishment,
            school_year=school_year,
            period=period,
            average__isnull=False,
        )
        .values("school_class_id")
        .annotate(pupils=Count("id"), mean=Avg("average"), high=Max("average"), low=Min("average"))
    }
    summaries = []
    for school_class in classes:
        row = figures.get(school_class.pk, {})
        summaries.append(
            ClassSummary(
                school_class=school_class,
                pupils=row.get("pupils", 0),
                mean=_two_places(row.get("mean")),
                highest=_two_places(row.get("high")),
                lowest=_two_places(row.get("low")),
            )
        )
    return summaries


@dataclass(frozen=True)
class ClassResults:
    rows: list[PeriodResult]
    statistics: list[SubjectStatistics]
    published: Publication | None


def class_results(*, school_class: SchoolClass, period: int) -> ClassResults:
    """The live averages and ranks of a class for a period, best first, its statistics per
    subject, and the school's current publication of the period if any (three queries)."""
    rows = list(
        PeriodResult.objects.filter(school_class=school_class, period=period)
        .select_related("enrolment__student")
        .order_by("rank", "enrolment__student__last_name_fr", "enrolment__student__first_name_fr")
    )
    # A pupil without an average (no mark yet) comes last.
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0))
    statistics = list(
        SubjectStatistics.objects.filter(school_class=school_class, period=period)
        .select_related("subject")
        .order_by("subject__code")
    )
    published = Publication.objects.filter(
        establishment_id=school_class.establishment_id,
        school_year_id=school_class.school_year_id,
        period=period,
        is_current=True,
    ).first()
    return ClassResults(rows=rows, statistics=statistics, published=published)


# --- published results (pupils, parents, the API) ---------------------------------------------


def published_reports_of(
    student: Student, *, school_year: SchoolYear | None = None
) -> QuerySet[PublishedReport]:
    """The pupil's report cards of current publications (the year's, or every year's), newest
    year first then period, with their publication (one query)."""
    reports = PublishedReport.objects.filter(
        student=student, publication__is_current=True
    ).select_related("publication__school_year", "publication__establishment")
    if school_year is not None:
        reports = reports.filter(publication__school_year=school_year)
    return reports.order_by(
        "-publication__school_year__starts_on", "publication__period", "-publication__published_at"
    )


@dataclass(frozen=True)
class YearReports:
    school_year: SchoolYear
    reports: list[PublishedReport]


def reports_by_year(reports: list[PublishedReport]) -> list[YearReports]:
    """Reports (as ``published_reports_of`` orders them) grouped by school year."""
    years: list[YearReports] = []
    for report in reports:
        year = report.publication.school_year
        if not years or years[-1].school_year.pk != year.pk:
            years.append(YearReports(year, []))
        years[-1].reports.append(report)
    return years


def published_class_contents(publication: Publication, school_class: SchoolClass) -> list[dict]:
    """The published contents of a class's cards, in the published order (one query)."""
    return list(
        PublishedReport.objects.filter(publication=publication, school_class=school_class)
        .order_by("pk")
        .values_list("content", flat=True)
    )


def published_report(
    student: Student, *, school_year: SchoolYear, period: int
) -> PublishedReport | None:
    """The pupil's current report card of a period (the latest, after a transfer), or None."""
    return (
        published_reports_of(student, school_year=school_year)
        .filter(publication__period=period)
        .order_by("-publication__published_at")
        .first()
    )
