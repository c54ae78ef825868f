"""The geometry of the weekly grid shared by the model, the checks and the validator: which
slots are open, and where a lesson of a given length may start.
"""

from __future__ import annotations

from functools import lru_cache

from .problem import GridSpec, Slot


def covered(start: Slot, length: int) -> list[Slot]:
    """The slots a lesson of ``length`` periods starting at ``start`` takes."""
    day, period = start
    return [(day, period + k) for k in range(length)]


def open_slots(grid: GridSpec) -> list[Slot]:
    """Every teaching slot of the week, in order (closed half-days left out)."""
    return [
        (day, period)
        for day in sorted(grid.weekdays)
        for period in sorted(grid.periods)
        if (day, period) not in grid.closed
    ]


def fits(grid: GridSpec, start: Slot, length: int) -> bool:
    """Whether a lesson may start here: on a teaching day, within the periods of the day,
    never across the morning/afternoon break, never in a closed slot."""
    day, period = start
    if day not in grid.weekdays or length < 1:
        return False
    periods = set(grid.periods)
    cells = covered(start, length)
    if any(p not in periods or (day, p) in grid.closed for _, p in cells):
        return False
    return not (
        grid.afternoon_from is not None and period < grid.afternoon_from <= period + length - 1
    )


@lru_cache(maxsize=256)
def starts(grid: GridSpec, length: int) -> tuple[Slot, ...]:
    """Every start where a lesson of ``length`` periods fits, in week order."""
    return tuple(
        (day, period)
        for day in sorted(grid.weekdays)
        for period in sorted(grid.periods)
        if fits(grid, (day, period), length)
    )


def day_capacity(grid: GridSpec, day: int) -> int:
    """The periods a class may be taught on ``day``: its open slots, capped by the daily max."""
    open_count = sum(1 for p in grid.periods if (day, p) not in grid.closed)
    return min(open_count, grid.class_max_periods_per_day)
