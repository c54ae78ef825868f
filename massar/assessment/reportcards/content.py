"""What a pupil's report card for a period says, as plain JSON, frozen at publication.

Built **set-based** for a whole establishment or one class in a fixed number of queries (eleven,
whatever the number of classes and pupils): the computed results (``SubjectResult``,
``PeriodResult``, ``SubjectStatistics``), the mark sheets (tests, absences, activities, the
teacher and their appreciation) and the *validated* class councils (mention, remark, decision,
next stream). Marks are strings with two decimals ("12.50") so that a snapshot reads back
exactly; the period, mention and decision are codes, worded by the page or the PDF in their own
language.

Shape (``CONTENT_VERSION`` 1)::

    {"version": 1, "period": 1 | 2 | 3,
     "school_year": {"code", "label"},
     "establishment": {"code", "name": {ar, fr}, "commune": {ar, fr}},
     "academy": {"code", "name": {ar, fr}}, "directorate": {"code", "name": {ar, fr}},
     "pupil": {"code_massar", "first_name": {ar, fr}, "last_name": {ar, fr}, "sex",
               "birth_date": "2010-01-31"},
     "class": {"name"}, "level": {"code", "name"}, "stream": {"code", "name", "is_general"},
     "scale": {"out_of": 20, "pass_mark": "10.00"},
     "test_columns": 2,                       # 0 on the year's card
     "subjects": [{"code", "name": {ar, fr}, "is_conduct", "coefficient": "4",
                   "tests": ["12.50", "absent", ""], "activities": "15.00" | "absent" | "",
                   "mark": "13.25" | "", "semesters": {"1", "2"} (year's card only),
                   "class_max", "class_mean", "class_min",
                   "teacher": {ar, fr} | None, "appreciation": "…"}],
     "average": "12.34" | "", "rank": 3 | None, "ranked_pupils": 30,
     "semester_averages": {"1", "2"} (year's card only),
     "council": {"mention": "honour_roll" | "", "remark": "…"} | None,
     "decision": "pass" | "repeat" | "excluded" | "",
     "next_stream": {"code", "name": {ar, fr}} | None}
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from massar.curriculum.models import AssessmentRule, SubjectAllocation
from massar.schooling.models import ClassPlacement, SchoolClass
from massar.students.models import ACTIVE_ENROLMENT_STATUSES
from massar.territory.models import Establishment, SchoolYear

from ..models import (
    CouncilDecision,
    CouncilStatus,
    MarkRow,
    MarkSheet,
    Period,
    PeriodResult,
    SubjectResult,
    SubjectStatistics,
)

CONTENT_VERSION = 1
ABSENT = "absent"
_TWO_PLACES = Decimal("0.01")
_DEFAULT_SCALE = {"out_of": 20, "pass_mark": "10.00"}


@dataclass(frozen=True)
class CardContent:
    """One pupil's card, with the keys ``PublishedReport`` keeps beside the content."""

    enrolment_id: int
    student_id: int
    school_class_id: int
    average: Decimal | None
    rank: int | None
    decision: str
    content: dict


def mark_text(value) -> str:
    """A mark as a string with two decimals ("12.50"); "" when there is none."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(_TWO_PLACES))


def coefficient_text(value) -> str:
    """A coefficient without useless zeros: "4", "1.5", "0.25"."""
    if value is None:
        return ""
    text = str(Decimal(value).quantize(_TWO_PLACES))
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pair(ar: str, fr: str) -> dict:
    return {"ar": ar or fr, "fr": fr or ar}


def _bilingual(obj) -> dict:
    return _pair(obj.name_ar, obj.name_fr)


def _person(first_ar, last_ar, first_fr, last_fr) -> dict | None:
    arabic = f"{first_ar or ''} {last_ar or ''}".strip()
    latin = f"{first_fr or ''} {last_fr or ''}".strip()
    if not arabic and not latin:
        return None
    return _pair(arabic, latin)


def _cell(value, absent: bool) -> str:
    return ABSENT if absent else mark_text(value)


def _semesters_of(period: int) -> tuple[int, ...]:
    return (1, 2) if period == Period.YEAR else (period,)


def _rule_for(rules: list[tuple], school_class: SchoolClass) -> dict:
    """The class's rule among the year's (its stream's, else its level's)."""
    own = general = None
    for level_id, stream_id, scale, pass_mark in rules:
        if level_id != school_class.level_id:
            continue
        if stream_id == school_class.stream_id:
            own = (scale, pass_mark)
        elif stream_id is None:
            general = (scale, pass_mark)
    found = own or general
    if found is None:
        return dict(_DEFAULT_SCALE)
    return {"out_of": found[0], "pass_mark": mark_text(found[1])}


def _subject_entry(code, name_ar, name_fr, is_conduct) -> dict:
    return {"code": code, "name": _pair(name_ar, name_fr), "is_conduct": is_conduct}


def build_contents(
    *,
    establishment: Establishment,
    school_year: SchoolYear,
    period: int,
    school_class: SchoolClass | None = None,
) -> list[CardContent]:
    """Every pupil's card for ``period`` in ``establishment`` (or only ``school_class``), in
    class order then name order: eleven queries, whatever the size of the school."""
    period = int(period)
    semesters = _semesters_of(period)
    periods = (1, 2, 3) if period == Period.YEAR else (period,)
    school = Establishment.objects.select_related("academy", "directorate", "commune").get(
        pk=establishment.pk
    )
    classes_query = (
        SchoolClass.objects.filter(establishment=school, school_year=school_year)
        .select_related("level", "stream")
        .order_by("level__order", "name", "pk")
    )
    if school_class is not None:
        classes_query = classes_query.filter(pk=school_class.pk)
    classes = {found.pk: found for found in classes_query}
    if not classes:
        return []
    class_ids = list(classes)
    class_order = {pk: index for index, pk in enumerate(class_ids)}

    pupils = sorted(
        ClassPlacement.objects.filter(
            school_class_id__in=class_ids,
            enrolment__school_year=school_year,
            enrolment__status__in=ACTIVE_ENROLMENT_STATUSES,
        ).values_list(
            "school_class_id",
            "enrolment_id",
            "enrolment__student_id",
            "enrolment__student__code_massar",
            "enrolment__student__first_name_ar",
            "enrolment__student__last_name_ar",
            "enrolment__student__first_name_fr",
            "enrolment__student__last_name_fr",
            "enrolment__student__sex",
            "enrolment__student__birth_date",
        ),
        key=lambda row: (class_order[row[0]], row[7].casefold(), row[6].casefold(), row[3]),
    )
    if not pupils:
        return []

    # Subjects of each stream, in the curriculum's order (conduct last).
    subjects_of_stream: dict[int, list[tuple]] = defaultdict(list)
    subject_info: dict[int, dict] = {}
    allocations = SubjectAllocation.objects.filter(
        school_year=school_year, stream_id__in={c.stream_id for c in classes.values()}
    ).order_by("pk")
    for (
        stream_id,
        subject_id,
        coefficient,
        code,
        name_ar,
        name_fr,
        is_conduct,
    ) in allocations.values_list(
        "stream_id",
        "subject_id",
        "coefficient",
        "subject__code",
        "subject__name_ar",
        "subject__name_fr",
        "subject__is_conduct",
    ):
        subjects_of_stream[stream_id].append((subject_id, coefficient))
        subject_info[subject_id] = _subject_entry(code, name_ar, name_fr, is_conduct)

    # Sheets of the period's semesters: columns of tests and the teacher.
    sheet_of: dict[int, tuple[int, int, int]] = {}  # sheet id → (class, subject, semester)
    sheet_by_key: dict[tuple[int, int, int], tuple[int, dict | None]] = {}
    extra_subjects: dict[int, list[int]] = defaultdict(list)
    for row in MarkSheet.objects.filter(
        school_class_id__in=class_ids, semester__in=semesters
    ).values_list(
        "id",
        "school_class_id",
        "subject_id",
        "semester",
        "test_count",
        "teacher__first_name_ar",
        "teacher__last_name_ar",
        "teacher__first_name_fr",
        "teacher__last_name_fr",
        "subject__code",
        "subject__name_ar",
        "subject__name_fr",
        "subject__is_conduct",
    ):
        sheet_id, class_id, subject_id, semester, test_count = row[:5]
        sheet_of[sheet_id] = (class_id, subject_id, semester)
        sheet_by_key[(class_id, subject_id, semester)] = (test_count, _person(*row[5:9]))
        if subject_id not in subject_info:
            subject_info[subject_id] = _subject_entry(*row[9:13])
        allocated = {s for s, _c in subjects_of_stream[classes[class_id].stream_id]}
        if subject_id not in allocated and subject_id not in extra_subjects[class_id]:
            extra_subjects[class_id].append(subject_id)

    # Rows: tests, absences, activities and appreciation (the year's card: appreciations of
    # the second semester only).
    row_of: dict[tuple[int, int], tuple] = {}  # (enrolment, subject) → row values
    appreciation_semester = semesters[-1]
    rows = MarkRow.objects.filter(
        sheet__school_class_id__in=class_ids, sheet__semester=appreciation_semester
    )
    if period == Period.YEAR:
        for sheet_id, enrolment_id, appreciation in rows.values_list(
            "sheet_id", "enrolment_id", "appreciation"
        ):
            row_of[(enrolment_id, sheet_of[sheet_id][1])] = (appreciation,)
    else:
        for values in rows.values_list(
            "sheet_id",
            "enrolment_id",
            "test_1",
            "test_2",
            "test_3",
            "test_4",
            "absent_1",
            "absent_2",
            "absent_3",
            "absent_4",
            "activities",
            "activities_absent",
            "appreciation",
        ):
            row_of[(values[1], sheet_of[values[0]][1])] = values[2:]

    # Computed results.
    subject_results = SubjectResult.objects.filter(
        establishment=school, school_year=school_year, period__in=periods
    )
    period_results = PeriodResult.objects.filter(
        establishment=school, school_year=school_year, period__in=periods
    )
    statistics = SubjectStatistics.objects.filter(
        establishment=school, school_class_id__in=class_ids, period=period
    )
    if school_class is not None:
        subject_results = subject_results.filter(school_class=school_class)
        period_results = period_results.filter(school_class=school_class)
    marks: dict[tuple[int, int, int], tuple] = {}
    for enrolment_id, subject_id, result_period, mark, coefficient in subject_results.values_list(
        "enrolment_id", "subject_id", "period", "mark", "coefficient"
    ):
        marks[(enrolment_id, subject_id, result_period)] = (mark, coefficient)
    averages: dict[tuple[int, int], tuple] = {}
    for enrolment_id, result_period, average, rank, ranked in period_results.values_list(
        "enrolment_id", "period", "average", "rank", "ranked_pupils"
    ):
        averages[(enrolment_id, result_period)] = (average, rank, ranked)
    stats: dict[tuple[int, int], tuple[str, str, str]] = {
        (class_id, subject_id): (mark_text(high), mark_text(mean), mark_text(low))
        for class_id, subject_id, high, mean, low in statistics.values_list(
            "school_class_id", "subject_id", "maximum", "mean", "minimum"
        )
    }

    # Validated councils of the period.
    councils: dict[int, tuple] = {}
    for values in CouncilDecision.objects.filter(
        council__school_class_id__in=class_ids,
        council__period=period,
        council__status=CouncilStatus.VALIDATED,
    ).values_list(
        "enrolment_id",
        "decision",
        "appreciation",
        "remark",
        "next_stream__code",
        "next_stream__name_ar",
        "next_stream__name_fr",
    ):
        councils[values[0]] = values[1:]

    rules = list(
        AssessmentRule.objects.filter(
            school_year=school_year, level_id__in={c.level_id for c in classes.values()}
        ).values_list("level_id", "stream_id", "scale", "pass_threshold")
    )

    head = {
        "version": CONTENT_VERSION,
        "period": period,
        "school_year": {"code": school_year.code, "label": school_year.label},
        "establishment": {
            "code": school.code,
            "name": _bilingual(school),
            "commune": _bilingual(school.commune),
        },
        "academy": {"code": school.academy.code, "name": _bilingual(school.academy)},
        "directorate": {"code": school.directorate.code, "name": _bilingual(school.directorate)},
    }
    per_class: dict[int, dict] = {}
    for class_id, found in classes.items():
        subject_ids = [s for s, _c in subjects_of_stream[found.stream_id]]
        subject_ids += extra_subjects.get(class_id, [])
        conduct_last = sorted(
            subject_ids, key=lambda subject_id: subject_info[subject_id]["is_conduct"]
        )
        columns = 0
        if period != Period.YEAR:
            columns = max(
                (
                    sheet_by_key[(class_id, subject_id, period)][0]
                    for subject_id in conduct_last
                    if (class_id, subject_id, period) in sheet_by_key
                ),
                default=0,
            )
        per_class[class_id] = {
            "subjects": conduct_last,
            "coefficients": dict(subjects_of_stream[found.stream_id]),
            "columns": columns,
            "scale": _rule_for(rules, found),
            "class": {"name": found.name},
            "level": {"code": found.level.code, "name": _bilingual(found.level)},
            "stream": {
                "code": found.stream.code,
                "name": _bilingual(found.stream),
                "is_general": found.stream.is_general,
            },
        }

    cards = []
    for (
        class_id,
        enrolment_id,
        student_id,
        code_massar,
        first_ar,
        last_ar,
        first_fr,
        last_fr,
        sex,
        birth_date,
    ) in pupils:
        frame = per_class[class_id]
        subjects = [
            _subject_line(
                enrolment_id=enrolment_id,
                class_id=class_id,
                subject_id=subject_id,
                period=period,
                frame=frame,
                info=subject_info[subject_id],
                marks=marks,
                row_of=row_of,
                sheet_by_key=sheet_by_key,
                stats=stats,
            )
            for subject_id in frame["subjects"]
        ]
        average, rank, ranked = averages.get((enrolment_id, period), (None, None, 0))
        council = councils.get(enrolment_id)
        decision = (council[0] or "") if council and period == Period.YEAR else ""
        content = {
            **head,
            "pupil": {
                "code_massar": code_massar,
                "first_name": {"ar": first_ar, "fr": first_fr},
                "last_name": {"ar": last_ar, "fr": last_fr},
                "sex": sex,
                "birth_date": birth_date.isoformat() if birth_date else None,
            },
            "class": frame["class"],
            "level": frame["level"],
            "stream": frame["stream"],
            "scale": frame["scale"],
            "test_columns": frame["columns"],
            "subjects": subjects,
            "average": mark_text(average),
            "rank": rank,
            "ranked_pupils": ranked or 0,
            "council": (
                {"mention": council[1] or "", "remark": council[2] or ""} if council else None
            ),
            "decision": decision,
            "next_stream": (
                {"code": council[3], "name": _pair(council[4], council[5])}
                if council and council[3] and period == Period.YEAR
                else None
            ),
        }
        if period == Period.YEAR:
            content["semester_averages"] = {
                str(semester): mark_text(averages.get((enrolment_id, semester), (None,))[0])
                for semester in (1, 2)
            }
        cards.append(
            CardContent(
                enrolment_id=enrolment_id,
                student_id=student_id,
                school_class_id=class_id,
                average=None if average is None else Decimal(average).quantize(_TWO_PLACES),
                rank=rank,
                decision=decision,
                content=content,
            )
        )
    return cards


def _subject_line(
    *, enrolment_id, class_id, subject_id, period, frame, info, marks, row_of, sheet_by_key, stats
) -> dict:
    mark, coefficient = marks.get((enrolment_id, subject_id, period), (None, None))
    if coefficient is None:
        coefficient = frame["coefficients"].get(subject_id)
    class_max, class_mean, class_min = stats.get((class_id, subject_id), ("", "", ""))
    row = row_of.get((enrolment_id, subject_id))
    last_semester = 2 if period == Period.YEAR else period
    sheet = sheet_by_key.get((class_id, subject_id, last_semester))
    if sheet is None and period == Period.YEAR:
        sheet = sheet_by_key.get((class_id, subject_id, 1))
    line = {
        **info,
        "coefficient": coefficient_text(coefficient),
        "mark": mark_text(mark),
        "class_max": class_max,
        "class_mean": class_mean,
        "class_min": class_min,
        "teacher": sheet[1] if sheet else None,
        "appreciation": (row[-1] or "") if row else "",
    }
    if period == Period.YEAR:
        line["tests"] = []
        line["activities"] = ""
        line["semesters"] = {
            str(semester): mark_text(marks.get((enrolment_id, subject_id, semester), (None,))[0])
            for semester in (1, 2)
        }
        return line
    columns = frame["columns"]
    if row is None:
        line["tests"] = [""] * columns
        line["activities"] = ""
        return line
    values, absents = row[0:4], row[4:8]
    count = sheet[0] if sheet else columns
    tests = [_cell(values[index], absents[index]) for index in range(min(count, 4))]
    line["tests"] = (tests + [""] * columns)[:columns]
    line["activities"] = _cell(row[8], row[9])
    return line
