"""The school map (carte scolaire): pupils, classes and classrooms a school needs next year.

For an establishment and a school year *Y* (the year the planning is made in, by default the
current one), the map of the year after *Y*, level by level:

- **continuing** — pupils enrolled in *Y* at the level before (same establishment) who go up: their
  class council's decision (``Enrolment.decision``) is "passes", or not yet taken (assumed to
  pass). Pupils passing the last level the school teaches leave it and are not counted;
- **repeating** — pupils enrolled in *Y* at the level whose decision is "repeats" (pupils whose
  decision is "end of schooling" leave);
- **new** — the new entrants the director expects (``ExpectedIntake`` recorded under *Y*);
- **classes needed** — ⌈expected ÷ maximum class size of the level's cycle⌉, the maximum being
  the ``ClassSizeNorm`` of *Y* (or, when *Y* has none for the cycle, the nearest year's norm,
  earlier years first);
- **classrooms** — one classroom per class: needed = classes needed; available = the school's
  active rooms of type "classroom". A school working in two shifts (two classes sharing a room,
  morning and afternoon) is not modelled: it would need half the rooms.

The directorate map adds its establishments up, one row each, from the same few aggregate
queries whatever the number of establishments.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from django.db.models import Count, Q

from massar.curriculum.models import Level
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, Enrolment, YearDecision
from massar.territory.models import Directorate, Establishment, EstablishmentCycle, SchoolYear

from .models import ClassSizeNorm, ExpectedIntake, Room, RoomType, SchoolClass


def next_year_label(school_year: SchoolYear) -> str:
    """``2025/2026`` → ``2026/2027`` (the year planned; its row need not exist yet)."""
    start, _, end = school_year.code.partition("-")
    if start.isdigit() and end.isdigit():
        return f"{int(start) + 1}/{int(end) + 1}"
    return ""


@dataclass(frozen=True)
class LevelPlan:
    level: Level
    continuing: int = 0
    repeating: int = 0
    new_pupils: int = 0
    max_per_class: int | None = None
    classes_now: int = 0  # classes of the level in the planning year

    @property
    def expected(self) -> int:
        return self.continuing + self.repeating + self.new_pupils

    @property
    def classes_needed(self) -> int | None:
        if not self.expected:
            return 0
        if not self.max_per_class:
            return None
        return math.ceil(self.expected / self.max_per_class)


@dataclass(frozen=True)
class SchoolMap:
    establishment: Establishment
    school_year: SchoolYear
    levels: list[LevelPlan]
    classrooms_available: int

    @property
    def planned_year(self) -> str:
        return next_year_label(self.school_year)

    @property
    def expected(self) -> int:
        return sum(plan.expected for plan in self.levels)

    @property
    def new_pupils(self) -> int:
        return sum(plan.new_pupils for plan in self.levels)

    @property
    def classes_needed(self) -> int:
        return sum(plan.classes_needed or 0 for plan in self.levels)

    @property
    def norm_missing(self) -> bool:
        return any(plan.classes_needed is None for plan in self.levels)

    @property
    def classrooms_needed(self) -> int:
        return self.classes_needed  # one shift: one classroom per class

    @property
    def classrooms_missing(self) -> int:
        return max(0, self.classrooms_needed - self.classrooms_available)

    @property
    def classrooms_spare(self) -> int:
        return max(0, self.classrooms_available - self.classrooms_needed)


@dataclass(frozen=True)
class DirectorateSchoolMap:
    directorate: Directorate
    school_year: SchoolYear
    schools: list[SchoolMap] = field(default_factory=list)

    @property
    def planned_year(self) -> str:
        return next_year_label(self.school_year)

    def total(self, name: str) -> int:
        return sum(getattr(school, name) for school in self.schools)

    @property
    def expected(self) -> int:
        return self.total("expected")

    @property
    def new_pupils(self) -> int:
        return self.total("new_pupils")

    @property
    def classes_needed(self) -> int:
        return self.total("classes_needed")

    @property
    def classrooms_available(self) -> int:
        return self.total("classrooms_available")

    @property
    def classrooms_missing(self) -> int:
        """Rooms do not move between schools: the sum of each school's shortfall."""
        return self.total("classrooms_missing")

    @property
    def classrooms_spare(self) -> int:
        return self.total("classrooms_spare")


def _norms(school_year: SchoolYear) -> dict[str, int]:
    """Maximum class size per cycle: the year's norm, else the latest earlier one, else the
    nearest later one (one query; the table holds a few rows a year)."""
    rows = ClassSizeNorm.objects.values_list("cycle", "max_pupils", "school_year__starts_on")
    start = school_year.starts_on
    found: dict[str, int] = {}
    for cycle, max_pupils, _starts in sorted(
        rows, key=lambda row: (row[2] > start, abs((row[2] - start).days))
    ):
        found.setdefault(cycle, max_pupils)
    return found


def _maps(establishments: list[Establishment], school_year: SchoolYear) -> list[SchoolMap]:
    """The maps of ``establishments`` from six aggregate queries, whatever their number."""
    if not establishments:
        return []
    ids = [e.pk for e in establishments]
    levels = list(Level.objects.select_related("cycle").order_by("order"))
    before = {level.pk: previous for previous, level in pairwise(levels)}
    norms = _norms(school_year)
    cycles: dict[int, set[str]] = defaultdict(set)
    for establishment_id, cycle in EstablishmentCycle.objects.filter(
        establishment_id__in=ids
    ).values_list("establishment_id", "cycle"):
        cycles[establishment_id].add(cycle)
    going_up: dict[tuple[int, int], int] = {}
    repeating: dict[tuple[int, int], int] = {}
    staying_out = [YearDecision.REPEAT, YearDecision.EXCLUDED]
    for row in (
        Enrolment.objects.filter(
            school_year=school_year,
            establishment_id__in=ids,
            status__in=ACTIVE_ENROLMENT_STATUSES,
        )
        .values("establishment_id", "level_id")
        .annotate(
            up=Count("pk", filter=~Q(decision__in=staying_out)),
            again=Count("pk", filter=Q(decision=YearDecision.REPEAT)),
        )
        .order_by()
    ):
        key = (row["establishment_id"], row["level_id"])
        going_up[key] = row["up"]
        repeating[key] = row["again"]
    intakes = {
        (establishment_id, level_id): value
        for establishment_id, level_id, value in ExpectedIntake.objects.filter(
            school_year=school_year, establishment_id__in=ids
        ).values_list("establishment_id", "level_id", "new_pupils")
    }
    classes_now = {
        (row["establishment_id"], row["level_id"]): row["n"]
        for row in SchoolClass.objects.filter(school_year=school_year, establishment_id__in=ids)
        .values("establishment_id", "level_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rooms = dict(
        Room.objects.filter(establishment_id__in=ids, is_active=True, room_type=RoomType.CLASSROOM)
        .values("establishment_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("establishment_id", "n")
    )
    maps = []
    for establishment in establishments:
        taught = cycles.get(establishment.pk, set())
        plans = []
        for level in levels:
            key = (establishment.pk, level.pk)
            if level.cycle.code not in taught and not (
                going_up.get(key) or repeating.get(key) or intakes.get(key)
            ):
                continue
            previous = before.get(level.pk)
            plans.append(
                LevelPlan(
                    level=level,
                    continuing=going_up.get((establishment.pk, previous.pk), 0) if previous else 0,
                    repeating=repeating.get(key, 0),
                    new_pupils=intakes.get(key, 0),
                    max_per_class=norms.get(level.cycle.code),
                    classes_now=classes_now.get(key, 0),
                )
            )
        maps.append(
            SchoolMap(
                establishment=establishment,
                school_year=school_year,
                levels=plans,
                classrooms_available=rooms.get(establishment.pk, 0),
            )
        )
    return maps


def establishment_school_map(*, establishment: Establishment, school_year: SchoolYear) -> SchoolMap:
    """The map of one establishment (already accessed) for the year after ``school_year``."""
    return _maps([establishment], school_year)[0]


def directorate_school_map(
    *, directorate: Directorate, establishments, school_year: SchoolYear
) -> DirectorateSchoolMap:
    """The map of a directorate (already accessed): one row per establishment of
    ``establishments`` (a scoped queryset) in the directorate, by code."""
    schools = list(establishments.filter(directorate=directorate).order_by("code"))
    return DirectorateSchoolMap(
        directorate=directorate, school_year=school_year, schools=_maps(schools, school_year)
    )
