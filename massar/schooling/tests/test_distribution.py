"""Properties of the balanced distribution of pupils over classes (pure, no database)."""

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massar.schooling.distribution import ClassSeats, NotEnoughSeats, Pupil, distribute

born = st.integers(min_value=0, max_value=1500).map(lambda d: date(2008, 1, 1) + timedelta(d))


@st.composite
def level(draw, *, sexes="FM", previous="", repeating=True, divisible=False):
    """Classes of one capacity and pupils who fit in them (all may go to every class)."""
    classes = draw(st.integers(min_value=1, max_value=8))
    capacity = draw(st.integers(min_value=1, max_value=45))
    if divisible:
        count = classes * draw(st.integers(min_value=0, max_value=capacity))
    else:
        count = draw(st.integers(min_value=0, max_value=classes * capacity))
    pupils = [
        Pupil(
            key=index,
            sex=draw(st.sampled_from(sexes)),
            birth_date=draw(born),
            is_repeating=draw(st.booleans()) if repeating else False,
            previous_class=draw(st.sampled_from(previous)) if previous else "",
        )
        for index in range(count)
    ]
    seats = [ClassSeats(key=100 + n, capacity=capacity) for n in range(classes)]
    return pupils, seats


def run(pupils, seats):
    keys = frozenset(s.key for s in seats)
    return distribute(pupils, seats, {p.key: keys for p in pupils})


def counts(result, pupils, seats, which=lambda p: True):
    tally = Counter({s.key: 0 for s in seats})
    for pupil in pupils:
        if which(pupil):
            tally[result[pupil.key]] += 1
    return tally


def spread(tally) -> int:
    return max(tally.values()) - min(tally.values())


@settings(max_examples=300, deadline=None)
@given(level())
def test_sizes_and_sexes_are_even_and_capacities_kept(case):
    pupils, seats = case
    result = run(pupils, seats)
    assert set(result) == {p.key for p in pupils}
    sizes = counts(result, pupils, seats)
    assert all(sizes[s.key] <= s.capacity for s in seats)
    assert spread(sizes) <= 1
    assert spread(counts(result, pupils, seats, lambda p: p.sex == "F")) <= 1
    assert spread(counts(result, pupils, seats, lambda p: p.sex == "M")) <= 1
    assert spread(counts(result, pupils, seats, lambda p: p.is_repeating)) <= 2


@settings(max_examples=200, deadline=None)
@given(level(sexes="F", previous="ABC", repeating=False, divisible=True))
def test_former_classmates_are_spread(case):
    pupils, seats = case
    result = run(pupils, seats)
    for previous in "ABC":
        assert (
            spread(counts(result, pupils, seats, lambda p, c=previous: p.previous_class == c)) <= 1
        )


@settings(max_examples=200, deadline=None)
@given(level(sexes="M", repeating=False, divisible=True))
def test_ages_are_dealt_out_in_turn(case):
    pupils, seats = case
    result = run(pupils, seats)
    oldest_first = sorted(pupils, key=lambda p: (p.birth_date, p.key))
    for start in range(0, len(oldest_first), len(seats)):
        batch = oldest_first[start : start + len(seats)]
        assert len({result[p.key] for p in batch}) == len(batch)


@settings(max_examples=100, deadline=None)
@given(level())
def test_the_same_input_gives_the_same_classes(case):
    pupils, seats = case
    assert run(pupils, seats) == run(list(reversed(pupils)), seats)


def test_pupils_who_stay_count_for_sizes_and_sexes():
    staying = [Pupil(-n, "F", date(2009, 1, 1)) for n in range(1, 5)]
    seats = [ClassSeats(1, 10, staying=staying), ClassSeats(2, 10)]
    pupils = [Pupil(n, "FM"[n % 2], date(2010, 1, 1)) for n in range(8)]
    result = run(pupils, seats)
    sizes = counts(result, pupils, seats)
    assert (sizes[1] + 4, sizes[2]) == (6, 6)
    girls = counts(result, pupils, seats, lambda p: p.sex == "F")
    assert (girls[1] + 4, girls[2]) == (4, 4)


def test_a_group_that_does_not_fit_is_refused():
    seats = [ClassSeats(1, 3), ClassSeats(2, 3, staying=[Pupil(-1, "M", date(2010, 1, 1))])]
    pupils = [Pupil(n, "F", date(2010, 1, 1)) for n in range(6)]
    with pytest.raises(NotEnoughSeats) as error:
        run(pupils, seats)
    assert (error.value.pupils, error.value.free_seats, error.value.class_keys) == (6, 5, (1, 2))


def test_each_pupil_goes_only_to_a_class_that_takes_them():
    seats = [ClassSeats(1, 5), ClassSeats(2, 5), ClassSeats(3, 5)]
    science = [Pupil(n, "F", date(2010, 1, 1)) for n in range(6)]
    letters = [Pupil(10 + n, "M", date(2010, 1, 1)) for n in range(4)]
    eligible = {p.key: frozenset({1, 2}) for p in science} | {
        p.key: frozenset({3}) for p in letters
    }
    result = distribute(science + letters, seats, eligible)
    assert Counter(result.values()) == {1: 3, 2: 3, 3: 4}
