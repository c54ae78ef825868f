"""Teacher shortages: every (class, subject) of the year that has hours in the curriculum of
the class's stream and no teaching assignment.

Computed in the database: the classes of the year are joined to the subject allocations of
their stream, and the pairs that have an assignment are left out (``NOT EXISTS``). The page of
one establishment reads the pairs (one query); the directorate's view adds them up per
establishment, subject and cycle in one aggregate query, whatever the number of establishments.
Full-time equivalents divide the missing hours by the weekly quota of the class's cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from massar.core.i18n import pick
from massar.schooling.models import SchoolClass
from massar.territory.models import Directorate, Establishment, SchoolYear

from .models import ServiceQuota, TeachingAssignment

HUNDREDTH = Decimal("0.01")
_SUBJECT = "stream__allocations__subject"
_HOURS = "stream__allocations__weekly_hours"


def _missing_pairs(school_year: SchoolYear) -> QuerySet[SchoolClass]:
    """One row per (class, subject of its curriculum with hours) that has no assignment.

    The allocation conditions sit in one ``filter()`` so that they constrain a single join,
    which the values and sums below reuse.
    """
    assigned = TeachingAssignment.objects.filter(
        school_class=OuterRef("pk"), subject=OuterRef(_SUBJECT)
    )
    return SchoolClass.objects.filter(
        ~Exists(assigned),
        school_year=school_year,
        stream__allocations__school_year=school_year,
        stream__allocations__weekly_hours__gt=0,
        stream__allocations__subject__is_conduct=False,
    )


def quotas_of(school_year: SchoolYear) -> dict[str, Decimal]:
    return dict(
        ServiceQuota.objects.filter(school_year=school_year).values_list("cycle", "weekly_hours")
    )


def _fte(hours: Decimal, quota: Decimal | None) -> Decimal:
    if not quota:
        return Decimal("0")
    return Decimal(hours) / Decimal(quota)


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ShortageRow:
    """A class's subject without a teacher."""

    class_public_id: object
    class_name: str
    subject_code: str
    subject_name: str
    hours: Decimal


@dataclass
class SubjectTotal:
    """Missing hours of a subject, the classes concerned, and the teachers they make."""

    code: str
    name: str
    hours: Decimal = Decimal("0")
    classes: int = 0
    fte_exact: Decimal = Decimal("0")

    @property
    def fte(self) -> Decimal:
        return _rounded(self.fte_exact)


@dataclass
class Shortages:
    """The shortages of an establishment: rows, totals per subject, grand totals."""

    rows: list[ShortageRow] = field(default_factory=list)
    by_subject: list[SubjectTotal] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((total.hours for total in self.by_subject), Decimal("0"))

    @property
    def fte(self) -> Decimal:
        return _rounded(sum((total.fte_exact for total in self.by_subject), Decimal("0")))


def _by_subject(totals: dict[str, SubjectTotal]) -> list[SubjectTotal]:
    return sorted(totals.values(), key=lambda total: (-total.hours, total.code))


def establishment_shortages(*, establishment: Establishment, school_year: SchoolYear) -> Shortages:
    """The (class, subject) pairs of ``establishment`` without a teacher (two queries)."""
    quotas = quotas_of(school_year)
    pairs = (
        _missing_pairs(school_year)
        .filter(establishment=establishment)
        .values(
            "public_id",
            "name",
            "level__cycle__code",
            f"{_SUBJECT}__code",
            f"{_SUBJECT}__name_ar",
            f"{_SUBJECT}__name_fr",
            _HOURS,
        )
        .order_by("level__order", "stream__code", "language_option", "number", f"{_SUBJECT}__code")
    )
    result = Shortages()
    totals: dict[str, SubjectTotal] = {}
    for pair in pairs:
        code = pair[f"{_SUBJECT}__code"]
        name = pick(ar=pair[f"{_SUBJECT}__name_ar"], fr=pair[f"{_SUBJECT}__name_fr"])
        hours = Decimal(pair[_HOURS])
        result.rows.append(
            ShortageRow(
                class_public_id=pair["public_id"],
                class_name=pair["name"],
                subject_code=code,
                subject_name=name,
                hours=hours,
            )
        )
        total = totals.setdefault(code, SubjectTotal(code=code, name=name))
        total.hours += hours
        total.classes += 1
        total.fte_exact += _fte(hours, quotas.get(pair["level__cycle__code"]))
    result.by_subject = _by_subject(totals)
    return result


@dataclass
class EstablishmentTotal:
    code: str
    name: str
    hours: Decimal = Decimal("0")
    classes: int = 0  # (class, subject) pairs without a teacher
    fte_exact: Decimal = Decimal("0")

    @property
    def fte(self) -> Decimal:
        return _rounded(self.fte_exact)


@dataclass
class DirectorateShortages:
    """The shortages of a directorate added up per establishment and per subject."""

    by_establishment: list[EstablishmentTotal] = field(default_factory=list)
    by_subject: list[SubjectTotal] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((total.hours for total in self.by_subject), Decimal("0"))

    @property
    def fte(self) -> Decimal:
        return _rounded(sum((total.fte_exact for total in self.by_subject), Decimal("0")))


def directorate_shortages(
    *, directorate: Directorate, school_year: SchoolYear
) -> DirectorateShortages:
    """Missing hours of every establishment of ``directorate``, per establishment and per
    subject: one aggregate query (plus the quotas), whatever the number of establishments."""
    quotas = quotas_of(school_year)
    groups = (
        _missing_pairs(school_year)
        .filter(establishment__directorate=directorate)
        .values(
            "establishment__code",
            "establishment__name_ar",
            "establishment__name_fr",
            "level__cycle__code",
            f"{_SUBJECT}__code",
            f"{_SUBJECT}__name_ar",
            f"{_SUBJECT}__name_fr",
        )
        .annotate(hours=Sum(_HOURS), pairs=Count("pk"))
        .order_by()
    )
    schools: dict[str, EstablishmentTotal] = {}
    subjects: dict[str, SubjectTotal] = {}
    for group in groups:
        hours = Decimal(group["hours"])
        fte = _fte(hours, quotas.get(group["level__cycle__code"]))
        code = group["establishment__code"]
        school = schools.setdefault(
            code,
            EstablishmentTotal(
                code=code,
                name=pick(ar=group["establishment__name_ar"], fr=group["establishment__name_fr"]),
            ),
        )
        school.hours += hours
        school.classes += group["pairs"]
        school.fte_exact += fte
        subject_code = group[f"{_SUBJECT}__code"]
        subject = subjects.setdefault(
            subject_code,
            SubjectTotal(
                code=subject_code,
                name=pick(ar=group[f"{_SUBJECT}__name_ar"], fr=group[f"{_SUBJECT}__name_fr"]),
            ),
        )
        subject.hours += hours
        subject.classes += group["pairs"]
        subject.fte_exact += fte
    return DirectorateShortages(
        by_establishment=sorted(schools.values(), key=lambda s: (-s.hours, s.code)),
        by_subject=_by_subject(subjects),
    )
