"""The CP-SAT model of the hard constraints, shared by the solver and the explanation.

Time: one Boolean ``x[lesson, start]`` per start where the lesson fits (its day, never across
the break or into a closed slot), exactly one per lesson. A class and a teacher take at most one
lesson per slot (``AddAtMostOne`` over the starts that cover the slot).

Rooms are *pooled* by default: per slot, the lessons that can only use rooms of a set ``S`` are
at most ``|S|`` (for the lessons' own sets of rooms and the unions of overlapping ones). That is
the whole room constraint for a set of interchangeable rooms (rooms are then chosen afterwards,
``rooms.py``) and keeps the model small whatever the number of classrooms. With
``exact_rooms`` each lesson also has one Boolean per possible room and an optional interval per
room, with a no-overlap per room: exact for any sets of rooms (the fallback when choosing the
rooms afterwards fails), the pool counts then being redundant cuts.

In *explain* mode each group of constraints (a teacher's unavailability, a class's daily
maximum, a locked lesson, the rooms of a type, …) is enforced by an assumption literal, so
that the solver can name a set of groups that cannot hold together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from . import grid as grid_geometry
from .problem import LessonSpec, Problem, Slot, TeacherSpec

# A slot's position on one time line for intervals: days never touch (periods are ≤ 12, a
# lesson ≤ 4 periods).
DAY_STRIDE = 16


def time_index(slot: Slot) -> int:
    return slot[0] * DAY_STRIDE + slot[1]


@dataclass
class LessonVars:
    index: int
    spec: LessonSpec
    starts: list[Slot]
    lits: list[cp_model.IntVar]
    rooms: tuple[int, ...] = ()  # possible rooms; () = no room needed
    room_lits: dict[int, cp_model.IntVar] = field(default_factory=dict)  # several rooms only
    start_var: cp_model.IntVar | None = None

    def start_lit(self, slot: Slot) -> cp_model.IntVar | None:
        try:
            return self.lits[self.starts.index(slot)]
        except ValueError:
            return None


@dataclass(frozen=True)
class Group:
    """A named group of constraints that the explanation may relax."""

    kind: str
    params: tuple[tuple[str, object], ...]

    def describe(self) -> dict:
        return {"kind": self.kind, **dict(self.params)}


class TimetableModel:
    """Builds the hard constraints of ``problem``; ``explain`` puts them under assumptions.

    ``exact_rooms``: choose each lesson's room in the model; otherwise rooms are only counted
    per pool and slot, and chosen afterwards (``rooms.py``).
    ``relax_hours``: in explain mode, each class's weekly hours become a group too (used only
    when nothing else explains the infeasibility). ``uncapped_classes``: classes without the
    daily maximum (the explanation's checks drop that group so).
    """

    def __init__(
        self,
        problem: Problem,
        *,
        exact_rooms: bool = False,
        explain: bool = False,
        relax_hours: bool = False,
        uncapped_classes: frozenset[int] = frozenset(),
    ):
        self.problem = problem
        self.exact_rooms = exact_rooms
        self.uncapped_classes = uncapped_classes
        self.grid = problem.grid
        self.explain = explain
        self.relax_hours = explain and relax_hours
        self.model = cp_model.CpModel()
        self.groups: dict[Group, cp_model.IntVar] = {}
        self.teachers: dict[int, TeacherSpec] = {t.id: t for t in problem.teachers}
        self.room_types: dict[int, str] = {r.id: r.room_type for r in problem.rooms}
        self.lessons: list[LessonVars] = []
        # slot -> literals of the lessons that cover it, per class / teacher / room
        self.class_occ: dict[int, dict[Slot, list]] = defaultdict(lambda: defaultdict(list))
        self.teacher_occ: dict[int, dict[Slot, list]] = defaultdict(lambda: defaultdict(list))
        self._build()

    # -- groups -------------------------------------------------------------------------
    def group(self, kind: str, **params) -> cp_model.IntVar | None:
        """The assumption literal of a group in explain mode; ``None`` (always enforced)."""
        if not self.explain:
            return None
        key = Group(kind, tuple(sorted(params.items())))
        if key not in self.groups:
            self.groups[key] = self.model.NewBoolVar(f"group {kind} {params}")
        return self.groups[key]

    @staticmethod
    def _enforce(constraint, *lits) -> None:
        lits = [lit for lit in lits if lit is not None]
        if lits:
            constraint.OnlyEnforceIf(lits)

    def _forbid(self, lits: list, *enforcers) -> None:
        """None of ``lits`` may be true (under the enforcers)."""
        if lits:
            self._enforce(self.model.Add(sum(lits) == 0), *enforcers)

    # -- building -----------------------------------------------------------------------
    def _blocked(self, teacher_id: int) -> tuple[frozenset[Slot], frozenset[Slot]]:
        teacher = self.teachers.get(teacher_id)
        if teacher is None:
            return frozenset(), frozenset()
        return teacher.unavailable, teacher.busy_elsewhere

    def _lesson_starts(self, spec: LessonSpec) -> list[Slot]:
        candidates = list(grid_geometry.starts(self.grid, spec.length))
        if self.explain:
            return candidates  # availability and locks are groups, not domain filters
        unavailable, busy = self._blocked(spec.teacher_id)
        blocked = unavailable | busy
        candidates = [
            s
            for s in candidates
            if not any(c in blocked for c in grid_geometry.covered(s, spec.length))
        ]
        if spec.locked is not None:
            locked = (spec.locked.weekday, spec.locked.period)
            candidates = [s for s in candidates if s == locked]
        return candidates

    def _lesson_rooms(self, spec: LessonSpec) -> tuple[int, ...]:
        rooms = tuple(dict.fromkeys(r for r in spec.room_ids if r in self.room_types))
        if spec.locked is not None and spec.locked.room_id is not None:
            if not self.explain:
                return (spec.locked.room_id,)
            if spec.locked.room_id not in rooms:
                rooms = (*rooms, spec.locked.room_id)
        return rooms

    def _build(self) -> None:
        m = self.model
        for index, spec in enumerate(self.problem.lessons):
            starts = self._lesson_starts(spec)
            lits = [m.NewBoolVar(f"x{index}@{d}.{p}") for d, p in starts]
            lesson = LessonVars(index, spec, starts, lits, rooms=self._lesson_rooms(spec))
            self.lessons.append(lesson)
            hours = self.group("class_hours", class_id=spec.class_id) if self.relax_hours else None
            if hours is None:
                m.AddExactlyOne(lits)
            else:
                m.AddAtMostOne(lits)
                self._enforce(m.Add(sum(lits) == 1), hours)
            for lit, start in zip(lits, starts, strict=True):
                for slot in grid_geometry.covered(start, spec.length):
                    self.class_occ[spec.class_id][slot].append(lit)
                    self.teacher_occ[spec.teacher_id][slot].append(lit)
        for lesson in self.lessons:
            self._add_rooms(lesson)
            if self.explain:
                self._add_lock(lesson)
        for per_slot in (*self.class_occ.values(), *self.teacher_occ.values()):
            for lits in per_slot.values():
                if len(lits) > 1:
                    m.AddAtMostOne(lits)
        if self.explain:
            self._add_availability()
        self._add_class_daily_max()
        self._add_room_capacity()

    def _rooms_group(self, lesson: LessonVars) -> cp_model.IntVar | None:
        return self.group("rooms", room_type=pool_type(lesson.rooms, self.room_types))

    def _add_rooms(self, lesson: LessonVars) -> None:
        """Exact rooms: one Boolean per possible room and an optional interval per room."""
        m = self.model
        spec = lesson.spec
        if spec.room_ids and not lesson.rooms:
            # Needs a room and none of its rooms exists: relaxable only with the room group.
            lit = self.group("rooms", room_type="")
            m.AddBoolOr([] if lit is None else [lit.Not()])
            return
        if not lesson.rooms or not self.exact_rooms:
            return
        placed = sum(lesson.lits)
        lesson.room_lits = {r: m.NewBoolVar(f"y{lesson.index}r{r}") for r in lesson.rooms}
        choice = list(lesson.room_lits.values())
        if self.explain:
            m.Add(sum(choice) <= placed)
            self._enforce(m.Add(sum(choice) == placed), self._rooms_group(lesson))
        else:
            m.AddExactlyOne(choice)
        index_values = [time_index(s) for s in lesson.starts]
        # 0 when the lesson is not placed (explain mode); its intervals are then absent.
        lesson.start_var = m.NewIntVarFromDomain(
            cp_model.Domain.FromValues(sorted({0, *index_values})), f"t{lesson.index}"
        )
        m.Add(
            lesson.start_var
            == sum(v * lit for v, lit in zip(index_values, lesson.lits, strict=True))
        )

    def _add_lock(self, lesson: LessonVars) -> None:
        spec = lesson.spec
        if spec.locked is None:
            return
        lit = self.group(
            "locked",
            lesson_key=spec.key,
            class_id=spec.class_id,
            teacher_id=spec.teacher_id,
            subject_id=spec.subject_id,
            weekday=spec.locked.weekday,
            period=spec.locked.period,
        )
        start = lesson.start_lit((spec.locked.weekday, spec.locked.period))
        if start is None:
            self.model.AddBoolOr([lit.Not()])
            return
        self.model.AddImplication(lit, start)
        if spec.locked.room_id is not None and spec.locked.room_id in lesson.room_lits:
            self.model.AddImplication(lit, lesson.room_lits[spec.locked.room_id])

    def _add_availability(self) -> None:
        for lesson in self.lessons:
            unavailable, busy = self._blocked(lesson.spec.teacher_id)
            for kind, blocked in (
                ("teacher_unavailable", unavailable),
                ("teacher_busy_elsewhere", busy),
            ):
                hits = [
                    lit
                    for lit, start in zip(lesson.lits, lesson.starts, strict=True)
                    if any(c in blocked for c in grid_geometry.covered(start, lesson.spec.length))
                ]
                if hits:
                    group = self.group(kind, teacher_id=lesson.spec.teacher_id)
                    self._forbid(hits, group)

    def _add_class_daily_max(self) -> None:
        limit = self.grid.class_max_periods_per_day
        per_class_day: dict[tuple[int, int], list] = defaultdict(list)
        reachable: dict[tuple[int, int], set[int]] = defaultdict(set)
        for lesson in self.lessons:
            for lit, start in zip(lesson.lits, lesson.starts, strict=True):
                key = (lesson.spec.class_id, start[0])
                per_class_day[key].append((lesson.spec.length, lit))
                reachable[key].update(
                    p for _, p in grid_geometry.covered(start, lesson.spec.length)
                )
        week: dict[int, tuple[list, int]] = defaultdict(lambda: ([], 0))
        for (class_id, day), terms in per_class_day.items():
            # A day also holds no more than the periods its lessons can reach (open, with a
            # teacher there): implied by the slots, but stated here (and summed over the week)
            # it lets the solver see at once that a class's week is too short.
            reach = len(reachable[class_id, day])
            bound = reach if class_id in self.uncapped_classes else min(limit, reach)
            group = self.group("class_daily_max", class_id=class_id, max_periods=limit)
            all_terms, total = week[class_id]
            week[class_id] = ([*all_terms, *terms], total + bound)
            if sum(length for length, _ in terms) > bound:
                ct = self.model.Add(sum(length * lit for length, lit in terms) <= bound)
                self._enforce(ct, group)
        for class_id, (terms, bound) in week.items():
            if sum(length for length, _ in terms) > bound:
                ct = self.model.Add(sum(length * lit for length, lit in terms) <= bound)
                self._enforce(
                    ct, self.group("class_daily_max", class_id=class_id, max_periods=limit)
                )

    def _add_room_capacity(self) -> None:
        m = self.model
        if self.exact_rooms:
            by_room: dict[int, list] = defaultdict(list)
            for lesson in self.lessons:
                for room, presence in lesson.room_lits.items():
                    by_room[room].append(
                        m.NewOptionalFixedSizeIntervalVar(
                            lesson.start_var,
                            lesson.spec.length,
                            presence,
                            f"i{lesson.index}r{room}",
                        )
                    )
            for intervals in by_room.values():
                if len(intervals) > 1:
                    m.AddNoOverlap(intervals)
        # Per slot, the lessons that can only use rooms of a pool are at most its size: the
        # whole room constraint when rooms are pooled, a redundant cut when they are exact.
        with_rooms = [lesson for lesson in self.lessons if lesson.rooms]
        for pool in room_pools(lesson.rooms for lesson in with_rooms):
            members = [lesson for lesson in with_rooms if pool.issuperset(lesson.rooms)]
            per_slot: dict[Slot, list] = defaultdict(list)
            for lesson in members:
                for lit, start in zip(lesson.lits, lesson.starts, strict=True):
                    for slot in grid_geometry.covered(start, lesson.spec.length):
                        per_slot[slot].append(lit)
            enforcers = {}
            if self.explain:
                for member in members:
                    lit = self._rooms_group(member)
                    enforcers[lit.Index()] = lit
            for lits in per_slot.values():
                if len(lits) <= len(pool):
                    continue
                if len(pool) == 1:
                    ct = m.AddAtMostOne(lits) if not enforcers else m.Add(sum(lits) <= 1)
                else:
                    ct = m.Add(sum(lits) <= len(pool))
                self._enforce(ct, *enforcers.values())


def pool_type(rooms, room_types: dict[int, str]) -> str:
    """The room type of a set of rooms (types joined by "+" when they differ)."""
    return "+".join(sorted({room_types.get(r, "") for r in rooms}))


def room_pools(sets) -> set[frozenset[int]]:
    """Sets of rooms to count: the lessons' own sets of possible rooms, and the union of each
    family of overlapping sets (so that lessons sharing rooms through different sets are counted
    together too)."""
    sets = {frozenset(rooms) for rooms in sets if rooms}
    components: list[set[int]] = []
    for rooms in sets:
        merged = set(rooms)
        rest = []
        for component in components:
            if component & merged:
                merged |= component
            else:
                rest.append(component)
        components = [*rest, merged]
    return sets | {frozenset(component) for component in components}
