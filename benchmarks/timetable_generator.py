"""Benchmark: the timetable generator on a synthetic lycée (no database).

    python benchmarks/timetable_generator.py
    MASSAR_BENCH_LONG_SECONDS=120 python benchmarks/timetable_generator.py   # shorter long run

40 classes of the 2025/2026 curriculum (TC, 1BAC and 2BAC streams, their weekly hours cut into
blocks of at most two periods), 80 teachers (full-timers with 18–21 periods, the rest shared with
another school or on a partial service), 30 classrooms of three sizes (a class may use those that
seat it), science labs, computer rooms, workshops, two sports grounds and a covered hall; a
6-day grid of 8 periods (4 + 4) with Saturday afternoon free, at most 6 periods a day per class;
some teachers unavailable a few periods; most would rather have a half-day off, some no last
period or no Saturday (soft).

Prints: the time to a first valid timetable; the objective after ``MASSAR_BENCH_SECONDS``
(default 60) and after ``MASSAR_BENCH_LONG_SECONDS`` (default 600) and their gap; a repair after
one teacher becomes unavailable for a whole day (time, sessions moved). Workers:
``MASSAR_BENCH_WORKERS`` (default 2). Asserts only that every timetable is valid.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from massar.curriculum.data.y2025 import ALLOCATIONS  # noqa: E402
from massar.timetable.generator import (  # noqa: E402
    GridSpec,
    LessonSpec,
    Problem,
    RoomSpec,
    Solution,
    TeacherSpec,
    solve,
    split_hours,
    validate,
)
from massar.timetable.reference import RULES  # noqa: E402

STREAMS = {  # stream -> classes
    "TCS": 8,
    "TCLSH": 4,
    "TCT": 2,
    "1BAC-SEX": 5,
    "1BAC-SM": 2,
    "1BAC-L": 2,
    "1BAC-SH": 1,
    "1BAC-SEG": 2,
    "1BAC-STE": 1,
    "2BAC-PC": 4,
    "2BAC-SVT": 4,
    "2BAC-SMA": 1,
    "2BAC-L": 2,
    "2BAC-SH": 1,
    "2BAC-SE": 1,
}

# The lycée of the brief, and a tighter one (MASSAR_BENCH_VARIANT=tight): fewer teachers, all
# nearly full-time, fewer classrooms, two sports grounds only, busier labs.
VARIANTS = {
    "standard": {
        "teachers": 80,
        "classrooms": ((10, 44), (14, 40), (6, 36)),  # (how many, seats)
        "special_rooms": {"computer_room": 2, "workshop": 2, "sports_ground": 3},
        "lab_use": 0.75,  # labs are sized so that lessons fill this share of their slots
    },
    "tight": {
        "teachers": 60,
        "classrooms": ((8, 44), (12, 40), (6, 36)),
        "special_rooms": {"computer_room": 2, "workshop": 2, "sports_ground": 2},
        "lab_use": 0.85,
    },
}


def build_lycee(seed: int = 2025, variant: str = "standard") -> Problem:
    rng = random.Random(seed)
    shape = VARIANTS[variant]
    days = (1, 2, 3, 4, 5, 6)
    grid = GridSpec(
        weekdays=days,
        periods=tuple(range(1, 9)),
        closed=frozenset((6, p) for p in range(5, 9)),
        afternoon_from=5,
        late_from=8,
        class_max_periods_per_day=6,
    )
    open_slots = len(days) * 8 - 4

    classes = []  # (class id, stream, pupils)
    for stream, count in STREAMS.items():
        for _ in range(count):
            classes.append((len(classes) + 1, stream, rng.randint(30, 44)))
    subjects = sorted(
        {code for stream in STREAMS for code, hours, _ in ALLOCATIONS[stream] if hours}
    )
    subject_id = {code: index + 1 for index, code in enumerate(subjects)}

    # Rooms: classrooms of three sizes, then the special rooms.
    rooms: list[RoomSpec] = []
    for count, seats in shape["classrooms"]:
        for _ in range(count):
            rooms.append(RoomSpec(100 + len(rooms), "classroom", seats))
    lab_periods = sum(
        hours
        for _, stream, _ in classes
        for code, hours, _ in ALLOCATIONS[stream]
        if RULES.get(code, ("classroom",))[0] == "science_lab"
    )
    labs = math.ceil(lab_periods / (open_slots * shape["lab_use"]))
    special = {**shape["special_rooms"], "science_lab": labs}
    for room_type, count in special.items():
        for _ in range(count):
            rooms.append(RoomSpec(100 + len(rooms), room_type, 50))

    # Teaching assignments, then teachers per subject: full-timers first.
    assignments = []  # (assignment id, class id, subject code, periods)
    for class_id, stream, _ in classes:
        for code, hours, _ in ALLOCATIONS[stream]:
            if hours:
                assignments.append((len(assignments) + 1, class_id, code, math.ceil(hours)))
    per_subject: dict[str, list] = defaultdict(list)
    for row in assignments:
        per_subject[row[2]].append(row)
    minimum = {code: math.ceil(sum(r[3] for r in rows) / 20) for code, rows in per_subject.items()}
    counts = dict(minimum)
    while sum(counts.values()) < shape["teachers"]:  # the extra posts go to the largest subjects
        code = max(counts, key=lambda c: sum(r[3] for r in per_subject[c]) / counts[c])
        counts[code] += 1
    teacher_of: dict[int, int] = {}
    loads: dict[int, int] = defaultdict(int)
    next_teacher = 1
    for code in subjects:
        rows = sorted(per_subject[code], key=lambda r: -r[3])
        total, count = sum(r[3] for r in rows), counts[code]
        # Full-timers (18–21 periods) while the others keep at least 6 periods each.
        full = 0
        while full < count and (full + 1) * 19.5 + (count - full - 1) * 6 <= total:
            full += 1
        targets = [rng.randint(18, 21) for _ in range(full)]
        rest = max(0, total - sum(targets))
        part = count - full
        targets += [math.ceil(rest / part)] * part if part else []
        ids = list(range(next_teacher, next_teacher + count))
        next_teacher += count
        for row in rows:
            fits = [
                t for t, target in zip(ids, targets, strict=True) if loads[t] + row[3] <= target
            ]
            teacher = fits[0] if fits else min(ids, key=lambda t: loads[t])
            teacher_of[row[0]] = teacher
            loads[teacher] += row[3]

    teacher_specs = []
    weekday_names = list(days)
    for teacher in range(1, next_teacher):
        unavailable, busy, avoid = set(), set(), set()
        free = open_slots - loads[teacher]
        if loads[teacher] <= 12 and free > 24:  # shared with another school one or two days
            for day in rng.sample(weekday_names[:5], 1 if loads[teacher] > 8 else 2):
                busy |= {(day, p) for p in range(1, 9)}
        elif rng.random() < 0.2:  # a few periods off (a training, a duty)
            day = rng.choice(weekday_names[:5])
            half = rng.choice(((1, 2, 3, 4), (5, 6, 7, 8)))
            unavailable |= {(day, p) for p in half[: rng.randint(2, 4)]}
        # Wishes: most teachers would like a half-day off, some no last period, no Saturday.
        if rng.random() < 0.6:
            day = rng.choice(weekday_names[:5])
            avoid |= {(day, p) for p in rng.choice(((1, 2, 3, 4), (5, 6, 7, 8)))}
        if rng.random() < 0.3:
            avoid |= {(day, 8) for day in weekday_names[:5]}
        if rng.random() < 0.2:
            avoid |= {(6, p) for p in (1, 2, 3, 4)}
        avoid -= busy | unavailable
        teacher_specs.append(
            TeacherSpec(
                teacher,
                unavailable=frozenset(unavailable),
                avoid=frozenset(avoid),
                busy_elsewhere=frozenset(busy),
            )
        )

    pupils = {class_id: size for class_id, _, size in classes}
    lessons = []
    for assignment_id, class_id, code, periods in assignments:
        room_type, heavy, max_block = RULES.get(code, ("classroom", False, 2))
        room_ids = tuple(
            r.id for r in rooms if r.room_type == room_type and r.capacity >= pupils[class_id]
        )
        for index, length in enumerate(split_hours(periods, max_block)):
            lessons.append(
                LessonSpec(
                    key=f"{assignment_id}:{index}",
                    assignment_id=assignment_id,
                    class_id=class_id,
                    teacher_id=teacher_of[assignment_id],
                    subject_id=subject_id[code],
                    length=length,
                    room_ids=room_ids,
                    is_heavy=heavy,
                )
            )
    return Problem(
        grid=grid, lessons=tuple(lessons), teachers=tuple(teacher_specs), rooms=tuple(rooms)
    )


def describe(problem: Problem) -> None:
    classes = defaultdict(int)
    teachers = defaultdict(int)
    for lesson in problem.lessons:
        classes[lesson.class_id] += lesson.length
        teachers[lesson.teacher_id] += lesson.length
    full = [load for load in teachers.values() if 18 <= load <= 21]
    room_types = defaultdict(int)
    for room in problem.rooms:
        room_types[room.room_type] += 1
    print(
        f"lycée: {len(classes)} classes, {len(teachers)} teachers, {len(problem.lessons)} lessons, "
        f"{sum(classes.values())} periods a week"
    )
    print(
        f"  periods per class: {min(classes.values())}–{max(classes.values())} "
        f"(mean {sum(classes.values()) / len(classes):.1f}); teachers with 18–21 periods: "
        f"{len(full)}, others {min(teachers.values())}–{max(teachers.values())}"
    )
    print("  rooms: " + ", ".join(f"{count} {kind}" for kind, count in sorted(room_types.items())))
    print(
        f"  teachers unavailable some periods: "
        f"{sum(1 for t in problem.teachers if t.unavailable)}, shared with another school: "
        f"{sum(1 for t in problem.teachers if t.busy_elsewhere)}, with preferences: "
        f"{sum(1 for t in problem.teachers if t.avoid)}"
    )


class Recorder:
    """Keeps the time of each improving timetable."""

    def __init__(self):
        self.began = time.monotonic()
        self.points: list[tuple[float, float]] = []

    def __call__(self, fraction: float, objective: float | None) -> None:
        if objective is not None and (not self.points or objective < self.points[-1][1]):
            self.points.append((time.monotonic() - self.began, objective))


def check(problem: Problem, solution: Solution, label: str) -> None:
    if not solution.found:
        print(f"{label}: no timetable ({solution.status}) after {solution.wall_seconds:.1f} s")
        return
    violations = validate(problem, solution.placements)
    assert not violations, violations[:5]


def run(problem: Problem, label: str, **options) -> Solution:
    recorder = Recorder()
    solution = solve(problem, on_progress=recorder, **options)
    check(problem, solution, label)
    first = f", first at {recorder.points[0][0]:.1f} s" if recorder.points else ""
    last = f", last improvement at {recorder.points[-1][0]:.1f} s" if recorder.points else ""
    print(
        f"{label}: {solution.status} in {solution.wall_seconds:.1f} s, objective "
        f"{solution.objective}, bound {solution.best_bound}{first}{last}"
    )
    return solution


def repair_problem(problem: Problem, solution: Solution) -> tuple[Problem, int, int, int]:
    """The timetable made current, and its busiest teacher unavailable on their busiest day."""
    per_day = defaultdict(int)
    for lesson in problem.lessons:
        placed = solution.placements[lesson.key]
        per_day[lesson.teacher_id, placed.weekday] += 1
    (teacher_id, day), count = max(per_day.items(), key=lambda item: item[1])
    teachers = tuple(
        replace(t, unavailable=t.unavailable | {(day, p) for p in problem.grid.periods})
        if t.id == teacher_id
        else t
        for t in problem.teachers
    )
    lessons = tuple(
        replace(lesson, current=solution.placements[lesson.key]) for lesson in problem.lessons
    )
    return replace(problem, lessons=lessons, teachers=teachers), teacher_id, day, count


def main() -> None:
    workers = int(os.environ.get("MASSAR_BENCH_WORKERS", "2"))
    short = float(os.environ.get("MASSAR_BENCH_SECONDS", "60"))
    long = float(os.environ.get("MASSAR_BENCH_LONG_SECONDS", "600"))
    variant = os.environ.get("MASSAR_BENCH_VARIANT", "standard")
    problem = build_lycee(variant=variant)
    print(f"variant: {variant}")
    describe(problem)
    print(f"workers: {workers}")

    began = time.monotonic()
    first = solve(problem, time_limit=60, workers=workers, stop_after_first=True)
    check(problem, first, "first")
    print(
        f"first valid timetable: {time.monotonic() - began:.2f} s "
        f"(objective {first.objective}; target < 5 s)"
    )

    regular = run(problem, f"{short:.0f}-second run", time_limit=short, workers=workers)
    extended = run(problem, f"{long:.0f}-second run", time_limit=long, workers=workers)
    if regular.found and extended.found:
        difference = regular.objective - extended.objective
        if extended.objective:
            gap = f"gap {difference / extended.objective:.1%}"
        else:  # a relative gap to 0 says nothing: compare with the first timetable's penalty
            share = difference / first.objective if first.found and first.objective else 0.0
            gap = f"gap {difference:+.0f} points ({share:.2%} of the first timetable's penalty)"
        print(
            f"objective after {short:.0f} s: {regular.objective}, after {long:.0f} s: "
            f"{extended.objective}, {gap} (target: within 5%)"
        )

    if not regular.found:
        return
    damaged, teacher_id, day, count = repair_problem(problem, regular)
    print(f"repair: teacher {teacher_id} unavailable on day {day}, where they had {count} lessons")
    began = time.monotonic()
    quick = solve(damaged, mode="repair", time_limit=60, workers=workers, stop_after_first=True)
    check(damaged, quick, "repair (first)")
    print(
        f"  first repaired timetable: {time.monotonic() - began:.2f} s, "
        f"{quick.moved} sessions moved (target < 10 s)"
    )
    repaired = run(damaged, "  repair, 10 s", mode="repair", time_limit=10, workers=workers)
    if repaired.found:
        print(f"  sessions moved: {repaired.moved} of {len(problem.lessons)}")


if __name__ == "__main__":
    main()
