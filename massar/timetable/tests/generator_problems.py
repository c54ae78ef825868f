"""Small generator problems for the tests (plain data, no database)."""

from __future__ import annotations

import zlib

from massar.timetable.generator import (
    GridSpec,
    LessonSpec,
    Placement,
    Problem,
    RoomSpec,
    TeacherSpec,
)

# Three days of six periods: morning 1–3, afternoon 4–6; period 6 is late.
GRID = GridSpec(
    weekdays=(1, 2, 3),
    periods=(1, 2, 3, 4, 5, 6),
    afternoon_from=4,
    late_from=6,
    class_max_periods_per_day=5,
)


def lesson(
    key: str,
    *,
    assignment: int | None = None,
    class_id: int = 1,
    teacher: int = 1,
    subject: int = 1,
    length: int = 1,
    rooms: tuple[int, ...] = (),
    heavy: bool = False,
    locked: Placement | None = None,
    current: Placement | None = None,
) -> LessonSpec:
    return LessonSpec(
        key=key,
        assignment_id=assignment if assignment is not None else zlib.crc32(key.encode()),
        class_id=class_id,
        teacher_id=teacher,
        subject_id=subject,
        length=length,
        room_ids=rooms,
        is_heavy=heavy,
        locked=locked,
        current=current,
    )


def problem(lessons, *, grid: GridSpec = GRID, teachers=(), rooms=()) -> Problem:
    return Problem(grid=grid, lessons=tuple(lessons), teachers=tuple(teachers), rooms=tuple(rooms))


def room(room_id: int, room_type: str = "classroom", capacity: int = 40) -> RoomSpec:
    return RoomSpec(room_id, room_type, capacity)


def small_school() -> Problem:
    """Three classes, four teachers, two classrooms and a lab, with every kind of constraint."""

    grid = GridSpec(
        weekdays=(1, 2, 3),
        periods=(1, 2, 3, 4, 5, 6),
        closed=frozenset({(3, 4), (3, 5), (3, 6)}),
        afternoon_from=4,
        late_from=6,
        class_max_periods_per_day=4,
    )
    classrooms, lab = (10, 11), (20,)
    lessons = []
    for class_id in (1, 2, 3):
        base = class_id * 100
        lessons += [
            lesson(
                f"{base}:0",
                assignment=base,
                class_id=class_id,
                teacher=1,
                length=2,
                rooms=classrooms,
                heavy=True,
                subject=1,
            ),
            lesson(
                f"{base}:1",
                assignment=base,
                class_id=class_id,
                teacher=1,
                length=1,
                rooms=classrooms,
                heavy=True,
                subject=1,
            ),
            lesson(
                f"{base + 1}:0",
                assignment=base + 1,
                class_id=class_id,
                teacher=2,
                length=2,
                rooms=lab,
                subject=2,
            ),
            lesson(
                f"{base + 2}:0",
                assignment=base + 2,
                class_id=class_id,
                teacher=3 + class_id % 2,
                length=1,
                rooms=classrooms,
                subject=3,
            ),
            lesson(
                f"{base + 2}:1",
                assignment=base + 2,
                class_id=class_id,
                teacher=3 + class_id % 2,
                length=1,
                rooms=classrooms,
                subject=3,
            ),
        ]
    teachers = [
        TeacherSpec(1, unavailable=frozenset({(1, 1), (1, 2)}), avoid=frozenset({(2, 6)})),
        TeacherSpec(2, busy_elsewhere=frozenset({(2, p) for p in range(1, 7)})),
        TeacherSpec(3),
        TeacherSpec(4, unavailable=frozenset({(3, 1)})),
    ]
    return Problem(
        grid=grid,
        lessons=tuple(lessons),
        teachers=tuple(teachers),
        rooms=(room(10), room(11), room(20, "science_lab")),
    )
