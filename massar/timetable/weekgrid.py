"""The shape of a weekly grid as plain data, the usual secondary-school week, and where a lesson
fits in a grid (days taught, periods, free half-days, the break between the half-days).

``GridShape`` is built from a ``WeeklyGrid`` row (or from a form, before it is saved), so that the
same rules judge a new grid, a session placed by hand and a whole timetable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from .models import HalfDay, WeeklyGrid


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    number: int
    starts_at: time
    ends_at: time
    half: str  # HalfDay value


@dataclass(frozen=True, slots=True)
class GridShape:
    days: tuple[int, ...]
    periods: tuple[PeriodSpec, ...]
    free_half_days: frozenset[tuple[int, str]] = frozenset()
    class_max_periods_per_day: int = 6
    _by_number: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_number", {p.number: p for p in self.periods})

    def period(self, number: int) -> PeriodSpec | None:
        return self._by_number.get(number)

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(sorted(self._by_number))

    def is_free(self, weekday: int, number: int) -> bool:
        spec = self.period(number)
        return spec is not None and (weekday, spec.half) in self.free_half_days

    def open_slots(self) -> list[tuple[int, int]]:
        """``(weekday, period)`` of every teaching slot (free half-days left out)."""
        return [
            (day, number)
            for day in self.days
            for number in self.numbers
            if not self.is_free(day, number)
        ]


#: The usual week of a Moroccan collège or lycée: Monday to Saturday, four one-hour periods in the
#: morning (08:00–12:00) and four in the afternoon (14:00–18:00), Saturday afternoon free, and at
#: most six periods a day for a class.
USUAL_SECONDARY_WEEK = GridShape(
    days=(1, 2, 3, 4, 5, 6),
    periods=tuple(
        PeriodSpec(
            number=index + 1,
            starts_at=time(hour, 0),
            ends_at=time(hour + 1, 0),
            half=HalfDay.MORNING if hour < 12 else HalfDay.AFTERNOON,
        )
        for index, hour in enumerate([8, 9, 10, 11, 14, 15, 16, 17])
    ),
    free_half_days=frozenset({(6, HalfDay.AFTERNOON)}),
    class_max_periods_per_day=6,
)


def shape_of(grid: WeeklyGrid) -> GridShape:
    """The shape of a saved grid; ``periods`` and ``free_half_days`` are read (prefetch them)."""
    return GridShape(
        days=tuple(grid.days),
        periods=tuple(
            PeriodSpec(p.number, p.starts_at, p.ends_at, p.half)
            for p in sorted(grid.periods.all(), key=lambda p: p.number)
        ),
        free_half_days=frozenset((f.weekday, f.half) for f in grid.free_half_days.all()),
        class_max_periods_per_day=grid.class_max_periods_per_day,
    )
