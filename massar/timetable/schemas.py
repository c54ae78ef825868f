"""Input and output schemas of the timetable API (timetables of classes, teachers and rooms, the
caller's own, sessions placed by hand, conflicts)."""

from __future__ import annotations

from datetime import time
from uuid import UUID

from ninja import Schema
from pydantic import Field

from .models import HalfDay


class PeriodOut(Schema):
    number: int
    starts_at: time
    ends_at: time
    half: HalfDay


class FreeHalfDayOut(Schema):
    weekday: int = Field(description="1 = Monday … 7 = Sunday.")
    half: HalfDay


class GridOut(Schema):
    weekdays: list[int] = Field(description="Teaching days, 1 = Monday … 7 = Sunday.")
    periods: list[PeriodOut]
    free_half_days: list[FreeHalfDayOut]
    class_max_periods_per_day: int


class SessionOut(Schema):
    """One weekly lesson. For a teacher's session in an establishment outside the caller's
    scope, only the time and the establishment are given (``hidden`` is true)."""

    public_id: UUID | None
    weekday: int = Field(description="1 = Monday … 7 = Sunday.")
    period: int = Field(description="First period, numbered from 1 in the day.")
    length: int = Field(description="Consecutive periods (1-4).")
    subject: str | None = Field(description="Subject name in the caller's language.")
    subject_code: str | None
    teacher: str | None = Field(description="Teacher's name in the caller's language.")
    room: str | None = Field(description="Room code; null when no room is set.")
    school_class: str | None = Field(description="Class name, e.g. TCS-1.")
    establishment: str = Field(description="Establishment code.")
    is_locked: bool
    hidden: bool = False


class ClassTimetableOut(Schema):
    public_id: UUID
    name: str
    establishment: str
    school_year: str
    grid: GridOut | None
    sessions: list[SessionOut]


class TeacherTimetableOut(Schema):
    public_id: UUID
    name: str
    school_year: str
    grid: GridOut | None = Field(description="The grid of the teacher's main establishment.")
    sessions: list[SessionOut]


class RoomTimetableOut(Schema):
    public_id: UUID
    code: str
    room_type: str
    capacity: int
    establishment: str
    school_year: str
    grid: GridOut | None
    sessions: list[SessionOut]


class PupilOut(Schema):
    code_massar: str
    first_name_ar: str
    first_name_fr: str


class PupilTimetableOut(Schema):
    pupil: PupilOut
    timetable: ClassTimetableOut


class MyTimetableOut(Schema):
    """What concerns the caller: a teacher's own week; a pupil's class; one entry per child for
    a parent."""

    teacher: TeacherTimetableOut | None
    classes: list[PupilTimetableOut]


class SessionIn(Schema):
    assignment: UUID = Field(description="Public id of the teaching assignment (class × subject).")
    room: UUID | None = Field(None, description="Public id of a room of the same establishment.")
    weekday: int = Field(description="1 = Monday … 7 = Sunday.")
    period: int = Field(description="First period (1-12).")
    length: int = Field(1, description="Consecutive periods (1-4).")
    is_locked: bool = Field(False, description="The generator keeps a locked session in place.")


class ConflictOut(Schema):
    code: str = Field(
        description=(
            "teacher_busy, teacher_busy_elsewhere, class_busy, room_busy, room_type, "
            "room_too_small, room_not_in_use, teacher_unavailable, teacher_avoids, "
            "day_not_taught, period_not_in_grid, free_half_day, crosses_half_day, "
            "class_daily_max, weekly_hours_exceeded"
        )
    )
    message: str
    hard: bool = Field(description="False for a teacher's preference (not enforced).")
    sessions: list[str] = Field(description="Public ids of the sessions concerned.")


class ConflictPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ConflictOut]
