"""The arithmetic of marks, in plain Python: the reference of what ``computation`` does in SQL.

Nothing here touches the database. Every value is exact (``Fraction``) until the one rounding
the rule asks for, at the end of each step, as in ``computation``:

- a subject mark for a semester: the mean of the tests entered among the sheet's first
  ``test_count`` (an empty cell is left out; an absent test is left out under the ``exclude``
  policy and counts 0 under ``zero``), then ``(1 − w) × mean + w × activities`` when there is an
  activities mark (an absent activities mark counts 0 under ``zero``, and is left out under
  ``exclude``); the tests alone without activities, the activities alone without tests, nothing
  (``None``) without either; rounded;
- a semester average: Σ(mark × coefficient) / Σ(coefficients of the subjects with a mark and a
  coefficient above 0); rounded; ``None`` without any;
- the year: a subject's year mark is the mean of its semester marks (the one there is, when only
  one), the annual average is (S1 average + S2 average) / 2, ``None`` unless both exist;
- ranks in the class: competition ranking (1, 1, 3), pupils without an average are not ranked;
- class statistics of a subject: highest, mean (rounded), lowest and how many pupils are marked.

``Rule`` carries what the arithmetic needs of a ``curriculum.AssessmentRule``; ``Rule.of(rule)``
takes it from one (or from anything with the same attributes).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final, TypeVar

#: A test or activities cell the pupil missed ("غ" / "ABS"), distinct from 0 and from empty.
ABSENT: Final = "ABS"

# The values of ``curriculum.RoundingMode`` and ``curriculum.AbsencePolicy`` (plain strings, so
# that this module needs no Django).
HALF_UP, HALF_EVEN, DOWN = "half_up", "half_even", "down"
EXCLUDE, ZERO = "exclude", "zero"

Cell = Decimal | str | None  # a mark, ABSENT, or None for an empty cell
Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Rule:
    activities_weight: Decimal = Decimal("0.25")
    absence_policy: str = EXCLUDE
    decimals: int = 2
    rounding: str = HALF_UP

    @classmethod
    def of(cls, rule) -> Rule:
        """The arithmetic part of an ``AssessmentRule`` (or of any object with its attributes)."""
        return cls(
            activities_weight=Decimal(rule.activities_weight),
            absence_policy=str(rule.absence_policy),
            decimals=int(rule.decimals),
            rounding=str(rule.rounding),
        )


def round_value(value: Fraction | Decimal | int, rule: Rule) -> Decimal:
    """``value`` (exact) rounded to the rule's decimals, the rule's way (half up, half to even,
    or truncated); the same result as ``rules.round_mark`` on a ``Decimal``."""
    exact = Fraction(value)
    if exact < 0:
        raise ValueError("marks are never negative")
    unit = 10**rule.decimals
    scaled = exact * unit
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rest
    if rule.rounding == HALF_UP:
        whole += twice >= scaled.denominator
    elif rule.rounding == HALF_EVEN:
        whole += twice > scaled.denominator or (twice == scaled.denominator and whole % 2 == 1)
    elif rule.rounding != DOWN:
        raise ValueError(f"unknown rounding {rule.rounding!r}")
    return Decimal(whole).scaleb(-rule.decimals)


def _counted(cell: Cell, rule: Rule) -> Fraction | None:
    """What a cell counts for: its mark, 0 for an absence under ``zero``, else nothing."""
    if cell is None:
        return None
    if cell == ABSENT:
        return Fraction(0) if rule.absence_policy == ZERO else None
    return Fraction(Decimal(cell))


def subject_mark_exact(
    tests: Sequence[Cell], activities: Cell, rule: Rule, *, test_count: int
) -> Fraction | None:
    """The subject mark before rounding (see the module docstring), or ``None``."""
    counted = [
        value for value in (_counted(c, rule) for c in tests[:test_count]) if value is not None
    ]
    extra = _counted(activities, rule)
    if not counted:
        return extra
    mean = sum(counted, Fraction(0)) / len(counted)
    if extra is None:
        return mean
    weight = Fraction(rule.activities_weight)
    return (1 - weight) * mean + weight * extra


def subject_mark(
    tests: Sequence[Cell], activities: Cell, rule: Rule, *, test_count: int
) -> Decimal | None:
    """A pupil's subject mark of a semester from their row of the sheet, rounded; ``tests`` are
    the cells test_1, test_2, … (only the first ``test_count`` count)."""
    exact = subject_mark_exact(tests, activities, rule, test_count=test_count)
    return None if exact is None else round_value(exact, rule)


def average(marks: Iterable[tuple[Decimal | None, Decimal]], rule: Rule) -> Decimal | None:
    """Σ(mark × coefficient) / Σ coefficients over ``(mark, coefficient)`` pairs that have a mark
    and a coefficient above 0, rounded; ``None`` when there is none."""
    total = weights = Fraction(0)
    for mark, coefficient in marks:
        if mark is None or coefficient <= 0:
            continue
        total += Fraction(mark) * Fraction(coefficient)
        weights += Fraction(coefficient)
    return round_value(total / weights, rule) if weights else None


def year_mark(first: Decimal | None, second: Decimal | None, rule: Rule) -> Decimal | None:
    """A subject's mark for the year: the mean of the semesters' (the one there is, if one)."""
    marks = [Fraction(mark) for mark in (first, second) if mark is not None]
    return round_value(sum(marks, Fraction(0)) / len(marks), rule) if marks else None


def annual_average(first: Decimal | None, second: Decimal | None, rule: Rule) -> Decimal | None:
    """(S1 average + S2 average) / 2, ``None`` unless both semesters have an average."""
    if first is None or second is None:
        return None
    return round_value((Fraction(first) + Fraction(second)) / 2, rule)


def ranks(averages: Mapping[Key, Decimal | None]) -> dict[Key, int | None]:
    """Competition ranks in a class (ties share a rank, the next is skipped: 1, 1, 3); a pupil
    without an average has no rank."""
    ranked = sorted((value for value in averages.values() if value is not None), reverse=True)
    first_place: dict[Decimal, int] = {}
    for place, value in enumerate(ranked, start=1):
        first_place.setdefault(value, place)
    return {key: None if value is None else first_place[value] for key, value in averages.items()}


@dataclass(frozen=True)
class Statistics:
    maximum: Decimal | None
    mean: Decimal | None
    minimum: Decimal | None
    pupils: int


def statistics(marks: Iterable[Decimal | None], rule: Rule) -> Statistics:
    """Highest, mean (rounded) and lowest of a class's marks in a subject, and how many."""
    present = [mark for mark in marks if mark is not None]
    if not present:
        return Statistics(None, None, None, 0)
    mean = round_value(sum(map(Fraction, present), Fraction(0)) / len(present), rule)
    return Statistics(max(present), mean, min(present), len(present))
