"""The automatic timetable generator (OR-Tools CP-SAT), free of Django: it takes a ``Problem``
and returns a ``Solution``. Loading a problem from the database and writing the sessions back
are the timetable app's job (``massar.timetable.generation``).
"""

from .problem import (
    Conflict,
    GridSpec,
    LessonSpec,
    Placement,
    Problem,
    RoomSpec,
    Solution,
    SolveStatus,
    TeacherSpec,
)

__all__ = [
    "Conflict",
    "GridSpec",
    "LessonSpec",
    "Placement",
    "Problem",
    "RoomSpec",
    "Solution",
    "SolveStatus",
    "TeacherSpec",
]
