"""The automatic timetable generator (OR-Tools CP-SAT), free of Django: it takes a ``Problem``
and returns a ``Solution``. Loading a problem from the database and writing the sessions back
are the timetable app's job (``massar.timetable.generation``).

Modules: ``problem`` (the data in and out), ``lessons`` (hours cut into lessons), ``grid`` (where
a lesson fits), ``model`` (hard constraints), ``objective`` and ``weights`` (soft constraints),
``rooms`` (rooms chosen once times are fixed), ``solver`` (``solve``), ``explain`` (why no
timetable exists), ``validate`` (an independent check and score of any timetable).
"""

from .lessons import split_hours
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
from .solver import solve
from .validate import Violation, count_moved, score, validate

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
    "Violation",
    "count_moved",
    "score",
    "solve",
    "split_hours",
    "validate",
]
