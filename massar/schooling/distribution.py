"""Balanced distribution of pupils over classes: pure Python, no database.

Given the pupils to place and the classes (each with its capacity and the pupils who stay in it),
``distribute`` answers which class each pupil goes to:

1. **sizes** — each pupil adds to the class with the fewest pupils that still has a free seat
   (ties: the class with the most free seats, then the first), so class sizes end up as even
   as their capacities allow;
2. **sexes** — each class's number of new girls and boys is set so that girls and boys are
   spread evenly too (each sex's counts differ by at most one between classes when the sizes
   allow it);
3. **mix** — pupils are taken girls first, then boys; within each sex repeaters first, then
   grouped by previous class, then by birth date; each goes, among the classes that still take
   that sex, to the one with the fewest repeaters (for a repeater), then the fewest pupils of
   the same previous class, then the fewest of the same sex so far. So repeaters and former
   classmates are spread, and ages are dealt out in turn within each group.

Pupils who may go to the same set of classes are placed together; groups that may go to fewer
classes go first. A group that does not fit raises ``NotEnoughSeats`` and nothing is decided.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Pupil:
    key: int
    sex: str
    birth_date: date
    is_repeating: bool = False
    previous_class: str = ""  # "" when unknown


@dataclass
class ClassSeats:
    """A class: its capacity and the pupils who stay in it (counted, not moved)."""

    key: int
    capacity: int
    staying: list[Pupil] = field(default_factory=list)


class NotEnoughSeats(Exception):
    """``pupils`` must go to the classes ``class_keys``, which have ``free_seats`` seats left."""

    def __init__(self, pupils: int, free_seats: int, class_keys: tuple[int, ...]):
        self.pupils = pupils
        self.free_seats = free_seats
        self.class_keys = class_keys
        super().__init__(f"{pupils} pupils, {free_seats} free seats")


class _Tally:
    def __init__(self, seats: ClassSeats, order: int):
        self.key = seats.key
        self.order = order
        self.capacity = seats.capacity
        self.size = len(seats.staying)
        self.sexes: Counter = Counter(p.sex for p in seats.staying)
        self.repeaters = sum(1 for p in seats.staying if p.is_repeating)
        self.previous: Counter = Counter(p.previous_class for p in seats.staying)
        self.target = self.size  # the size this round brings the class to
        self.quota: Counter = Counter()  # new pupils of each sex this round brings

    def add(self, pupil: Pupil) -> None:
        self.size += 1
        self.sexes[pupil.sex] += 1
        self.quota[pupil.sex] -= 1
        self.repeaters += int(pupil.is_repeating)
        if pupil.previous_class:
            self.previous[pupil.previous_class] += 1


def _sizes(tallies: list[_Tally], count: int) -> None:
    """Spread ``count`` new seats so that sizes are as even as capacities allow."""
    for tally in tallies:
        tally.target = tally.size
    for _ in range(count):
        best = min(
            (t for t in tallies if t.target < t.capacity),
            key=lambda t: (t.target, -(t.capacity - t.target), t.order),
        )
        best.target += 1


def _quotas(tallies: list[_Tally], members: list[Pupil]) -> None:
    """How many girls and boys each class takes: the seats of the first sex go one by one to
    the class with the fewest of that sex (ties: the most seats left for the other), the other
    sex takes the remaining seats. Both sexes end up as even as the sizes allow."""
    wanted = Counter(pupil.sex for pupil in members)
    sexes = sorted(wanted)
    for tally in tallies:
        tally.quota = Counter()
    if not sexes:
        return
    first, others = sexes[0], sexes[1:]
    for _ in range(wanted[first]):
        best = min(
            (t for t in tallies if t.quota[first] < t.target - t.size),
            key=lambda t: (
                t.sexes[first] + t.quota[first],
                -(t.target - t.sexes[first] - t.quota[first]),
                t.order,
            ),
        )
        best.quota[first] += 1
    for sex in others:  # one other sex in practice; more would share the rest in turn
        for _ in range(wanted[sex]):
            best = min(
                (t for t in tallies if sum(t.quota.values()) < t.target - t.size),
                key=lambda t: (t.sexes[sex] + t.quota[sex], t.order),
            )
            best.quota[sex] += 1


def _pupil_order(pupil: Pupil):
    return (pupil.sex, not pupil.is_repeating, pupil.previous_class, pupil.birth_date, pupil.key)


def _choose(pupil: Pupil, tallies: list[_Tally]) -> _Tally:
    return min(
        (t for t in tallies if t.quota[pupil.sex] > 0),
        key=lambda t: (
            t.repeaters if pupil.is_repeating else 0,
            t.previous[pupil.previous_class] if pupil.previous_class else 0,
            t.sexes[pupil.sex],
            -t.quota[pupil.sex],
            t.order,
        ),
    )


def distribute(
    pupils: list[Pupil], classes: list[ClassSeats], eligible: dict[int, frozenset[int]]
) -> dict[int, int]:
    """``{pupil key: class key}`` for every pupil; ``eligible[pupil key]`` are the class keys
    that pupil may join. Raises ``NotEnoughSeats`` when a group of pupils does not fit."""
    tallies = {seats.key: _Tally(seats, order) for order, seats in enumerate(classes)}
    groups: dict[frozenset[int], list[Pupil]] = defaultdict(list)
    for pupil in pupils:
        groups[eligible[pupil.key]].append(pupil)
    result: dict[int, int] = {}
    for keys, members in sorted(groups.items(), key=lambda item: (len(item[0]), sorted(item[0]))):
        chosen = sorted((tallies[k] for k in keys if k in tallies), key=lambda t: t.order)
        free = sum(max(t.capacity - t.size, 0) for t in chosen)
        if len(members) > free:
            raise NotEnoughSeats(len(members), free, tuple(t.key for t in chosen))
        _sizes(chosen, len(members))
        _quotas(chosen, members)
        for pupil in sorted(members, key=_pupil_order):
            tally = _choose(pupil, chosen)
            tally.add(pupil)
            result[pupil.key] = tally.key
    return result
