"""The rules that propose a pupil's year decision to the class council.

- **passe** when the annual average reaches the rule's pass threshold (``≥``);
- otherwise **redouble**, unless the pupil has already repeated ``max_repetitions_in_cycle``
  times in the cycle: then **exclu** (end of schooling);
- no proposal for a pupil without an annual average: the council decides.

Repetitions are counted from the pupil's enrolments marked ``is_repeating`` at levels of the
class's cycle, one per school year (a pupil who changed school during a year repeated once);
the current year counts when the pupil is repeating now. A class is handled in one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from massar.curriculum.models import AssessmentRule
from massar.schooling.models import SchoolClass
from massar.students.models import Enrolment, YearDecision

from .rules import rule_for_class

NO_PROPOSAL = ""


def propose(
    *, average: Decimal | None, threshold: Decimal, repetitions: int, max_repetitions: int
) -> str:
    """The decision the rules propose for one pupil (``""`` without an average)."""
    if average is None:
        return NO_PROPOSAL
    if average >= threshold:
        return YearDecision.PASS
    if repetitions >= max_repetitions:
        return YearDecision.EXCLUDED
    return YearDecision.REPEAT


def repetitions_in_cycle(*, student_ids: Iterable[int], cycle_id: int) -> dict[int, int]:
    """Student id → school years repeated at levels of the cycle (one query; absent = 0)."""
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    rows = (
        Enrolment.objects.filter(student_id__in=ids, is_repeating=True, level__cycle_id=cycle_id)
        .values("student_id")
        .annotate(years=Count("school_year", distinct=True))
        .values_list("student_id", "years")
    )
    return dict(rows)


@dataclass(frozen=True)
class Proposal:
    enrolment_id: int
    average: Decimal | None
    repetitions: int
    decision: str  # a YearDecision value, or "" (no proposal)


def proposals_for(
    *,
    rule: AssessmentRule,
    cycle_id: int,
    pupils: Iterable[tuple[int, int]],
    averages: Mapping[int, Decimal | None],
) -> dict[int, Proposal]:
    """Proposals for ``pupils`` (``(enrolment_id, student_id)`` pairs) from their annual
    ``averages`` (enrolment id → average), under ``rule``; one query for the repetitions."""
    pairs = list(pupils)
    repeated = repetitions_in_cycle(student_ids=[s for _e, s in pairs], cycle_id=cycle_id)
    proposals = {}
    for enrolment_id, student_id in pairs:
        average = averages.get(enrolment_id)
        count = repeated.get(student_id, 0)
        proposals[enrolment_id] = Proposal(
            enrolment_id=enrolment_id,
            average=average,
            repetitions=count,
            decision=propose(
                average=average,
                threshold=rule.pass_threshold,
                repetitions=count,
                max_repetitions=rule.max_repetitions_in_cycle,
            ),
        )
    return proposals


def proposals_for_class(
    school_class: SchoolClass,
    *,
    pupils: Iterable[tuple[int, int]],
    averages: Mapping[int, Decimal | None],
) -> dict[int, Proposal]:
    """Proposals for the pupils of ``school_class`` under the rule of its level and stream
    (refused clearly when no rule is set)."""
    rule = rule_for_class(school_class)
    return proposals_for(
        rule=rule, cycle_id=school_class.level.cycle_id, pupils=pupils, averages=averages
    )
