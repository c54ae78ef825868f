"""Rooms chosen once the times are fixed, day by day.

The time model only counts lessons per pool of rooms and slot. On one day, lessons are intervals
on a line, so for a pool of interchangeable rooms taking them by start time and giving each any
free room always succeeds when the counts hold. Preferred rooms (the current one, kept by a
repair) are given first, then the others in start order, a class keeping the room it had just
before when it is free, else the smallest room that fits. When that greedy pass fails (rooms of
overlapping sets, locked rooms), a small exact model decides the day; ``None`` when even that
finds no assignment (the solver then chooses rooms in its model).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

# Time for the exact assignment of one day's rooms (seconds): a few hundred lessons at most.
DAY_TIME_LIMIT = 5.0


@dataclass(frozen=True, slots=True)
class Booking:
    key: str
    class_id: int
    weekday: int
    period: int
    length: int
    rooms: tuple[int, ...]
    preferred: int | None = None

    @property
    def periods(self) -> range:
        return range(self.period, self.period + self.length)


def assign_rooms(bookings: list[Booking], capacity: dict[int, int]) -> dict[str, int] | None:
    """A room for every booking, no room used twice at once; ``None`` if impossible."""
    by_day: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings:
        by_day[booking.weekday].append(booking)
    chosen: dict[str, int] = {}
    for day in sorted(by_day):
        rooms = _greedy(by_day[day], capacity) or _exact(by_day[day])
        if rooms is None:
            return None
        chosen.update(rooms)
    return chosen


def _greedy(bookings: list[Booking], capacity: dict[int, int]) -> dict[str, int] | None:
    used: dict[int, set[int]] = defaultdict(set)
    chosen: dict[str, int] = {}
    last_room: dict[int, int] = {}

    def free(room: int, booking: Booking) -> bool:
        return not used[room].intersection(booking.periods)

    def take(room: int, booking: Booking) -> None:
        used[room].update(booking.periods)
        chosen[booking.key] = room

    ordered = sorted(bookings, key=lambda b: (b.period, len(b.rooms), b.key))
    for booking in ordered:
        if booking.preferred in booking.rooms and free(booking.preferred, booking):
            take(booking.preferred, booking)
    for booking in ordered:
        if booking.key in chosen:
            last_room[booking.class_id] = chosen[booking.key]
            continue
        options = [room for room in booking.rooms if free(room, booking)]
        if not options:
            return None
        previous = last_room.get(booking.class_id)
        room = (
            previous if previous in options else min(options, key=lambda r: (capacity.get(r, 0), r))
        )
        take(room, booking)
        last_room[booking.class_id] = room
    return chosen


def _exact(bookings: list[Booking]) -> dict[str, int] | None:
    model = cp_model.CpModel()
    choice: dict[str, dict[int, cp_model.IntVar]] = {}
    per_room_period: dict[tuple[int, int], list] = defaultdict(list)
    keep = []
    for booking in bookings:
        lits = {room: model.NewBoolVar(f"{booking.key}@{room}") for room in booking.rooms}
        choice[booking.key] = lits
        model.AddExactlyOne(lits.values())
        for room, lit in lits.items():
            for period in booking.periods:
                per_room_period[room, period].append(lit)
        if booking.preferred in lits:
            keep.append(lits[booking.preferred])
    for lits in per_room_period.values():
        if len(lits) > 1:
            model.AddAtMostOne(lits)
    if keep:
        model.Maximize(sum(keep))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = DAY_TIME_LIMIT
    solver.parameters.num_workers = 1
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {
        key: next(room for room, lit in lits.items() if solver.BooleanValue(lit))
        for key, lits in choice.items()
    }
