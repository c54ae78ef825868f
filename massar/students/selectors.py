"""Reads of student files, always from the actor's records scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from massar.core.names import latin_name_key
from massar.core.scoping import Scope
from massar.territory.models import SchoolYear

from .access import students_in_scope
from .codes import is_valid_code
from .duplicates import search_text
from .models import ACTIVE_ENROLMENT_STATUSES, Enrolment, EnrolmentStatus, Student

#: Searches count their matches up to this number ("more than …" beyond): counting every match
#: of a broad search among millions of files would cost more than the page itself.
SEARCH_COUNT_CAP = 500


@dataclass(frozen=True)
class StudentFilters:
    """Validated filters of the student search (the edges parse and validate them)."""

    q: str = ""
    establishment: str = ""  # establishment code
    level: str = ""  # level code
    sex: str = ""
    status: str = ""  # enrolment status in the current year; "" = any

    def __post_init__(self):
        if self.sex and self.sex not in ("M", "F"):
            raise ValueError(self.sex)
        if self.status and self.status not in EnrolmentStatus.values:
            raise ValueError(self.status)


def student_list(
    *, scope: Scope, filters: StudentFilters, school_year: SchoolYear | None = None
) -> QuerySet[Student]:
    """Files in scope matching the filters, by name, with the current-year enrolment attached.

    ``q`` is a code Massar (or its beginning) or a part of the name in either script; Arabic
    spelling variants and Latin accents are folded, as in the stored search text.

    A name search first takes at most ``SEARCH_COUNT_CAP + 1`` matching files (a bitmap scan
    of the trigram index on PostgreSQL, whatever the planner guesses of the name order), then
    sorts those by name: a broad search among millions of files costs a few thousand rows,
    not a walk of the whole name index. Beyond the cap the page says "more than …" and asks
    for a narrower search.
    """
    queryset = students_in_scope(scope)
    term = filters.q.strip()
    by_name = False
    if term:
        upper = term.upper()
        if is_valid_code(upper):
            queryset = queryset.filter(code_massar=upper)
        elif upper[:1].isascii() and upper[:1].isalpha() and upper[1:].isdigit() and len(upper) > 1:
            queryset = queryset.filter(code_massar__startswith=upper)
        else:
            words = term.split()
            if not any(search_text(word) for word in words):
                return queryset.none()
            for word in words:
                folded = search_text(word)
                if not folded:
                    continue
                skeleton = latin_name_key(word) if word.isascii() else ""
                if len(skeleton) >= 3:
                    # A Latin word is matched by its transliteration skeleton (Idrisi finds
                    # Idrissi, Yusuf finds Youssef): one column per word, so the trigram index
                    # serves every word of the search at once.
                    queryset = queryset.filter(name_key_latin__contains=skeleton)
                else:
                    queryset = queryset.filter(search_name__contains=folded)
            by_name = True
    if filters.establishment:
        queryset = queryset.filter(establishment__code=filters.establishment.upper())
    if filters.sex:
        queryset = queryset.filter(sex=filters.sex)
    year = school_year or SchoolYear.objects.filter(is_current=True).first()
    current = Enrolment.objects.filter(school_year=year).select_related(
        "school_year", "establishment", "level", "stream"
    )
    if filters.level or filters.status:
        enrolled = Enrolment.objects.filter(school_year=year)
        if filters.level:
            enrolled = enrolled.filter(level__code=filters.level)
        if filters.status:
            enrolled = enrolled.filter(status=filters.status)
        else:
            enrolled = enrolled.filter(status__in=ACTIVE_ENROLMENT_STATUSES)
        queryset = queryset.filter(Q(pk__in=enrolled.values("student_id")))
    known_count = None
    if by_name:
        # Taken once here (one index scan), then paged by primary key; the count is known.
        matches = list(queryset.order_by().values_list("pk", flat=True)[: SEARCH_COUNT_CAP + 1])
        queryset = Student.objects.filter(pk__in=matches)
        known_count = len(matches)
    queryset = (
        queryset.select_related("establishment")
        .prefetch_related(Prefetch("enrolments", queryset=current, to_attr="current_enrolments"))
        .order_by("last_name_fr", "first_name_fr", "code_massar")
    )
    queryset.known_count = known_count  # read by massar.core.paging.capped_count
    return queryset


def student_path(student: Student) -> QuerySet[Enrolment]:
    """Every year of a pupil's schooling, oldest first: year, school, level, class, outcome."""
    return (
        Enrolment.objects.filter(student=student)
        .select_related("school_year", "establishment", "level", "stream")
        .order_by("school_year__starts_on", "entered_on", "pk")
    )


def current_enrolment(student: Student, school_year: SchoolYear | None = None) -> Enrolment | None:
    year = school_year or SchoolYear.objects.filter(is_current=True).first()
    return (
        Enrolment.objects.filter(
            student=student, school_year=year, status__in=ACTIVE_ENROLMENT_STATUSES
        )
        .select_related("school_year", "establishment", "level", "stream")
        .first()
    )


def student_detail_queryset() -> QuerySet[Student]:
    return Student.objects.select_related("establishment", "civil_record_commune").prefetch_related(
        "guardians", "documents"
    )


@dataclass(frozen=True)
class FileChange:
    """One change of a file, for its history tab: who, when, what."""

    at: object
    user: object
    part: str
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, str, str]]  # (field label, old, new)


def _changes_of(records, *, part_of) -> list[FileChange]:
    """Changes between consecutive history records of each object (newest first in)."""
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    changes = []
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in versions:
            fields = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                for change in delta.changes:
                    field = record.instance_type._meta.get_field(change.field)
                    fields.append((str(field.verbose_name), str(change.old), str(change.new)))
            changes.append(
                FileChange(
                    at=record.history_date,
                    user=record.history_user,
                    part=part_of(record),
                    kind=record.history_type,
                    changes=fields,
                )
            )
            previous = record
    return changes


def file_history(student: Student, *, limit: int = 100) -> list[FileChange]:
    """The changes of a pupil's identity, guardians and enrolments, newest first."""
    from django.utils.translation import gettext

    from .models import Guardian

    identity = Student.history.filter(id=student.pk).select_related("history_user")
    guardians = Guardian.history.filter(student_id=student.pk).select_related("history_user")
    enrolments = Enrolment.history.filter(student_id=student.pk).select_related(
        "history_user", "school_year", "establishment", "level"
    )
    changes = [
        *_changes_of(identity, part_of=lambda r: gettext("Identity")),
        *_changes_of(
            guardians,
            part_of=lambda r: (
                gettext("Guardian: %(relationship)s")
                % {"relationship": r.get_relationship_display()}
            ),
        ),
        *_changes_of(
            enrolments,
            part_of=lambda r: (
                gettext("Enrolment %(year)s, %(school)s")
                % {"year": r.school_year.label, "school": r.establishment.code}
            ),
        ),
    ]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]
