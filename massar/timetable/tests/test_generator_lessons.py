"""Weekly hours cut into lessons."""

from decimal import Decimal

import pytest

from massar.timetable.generator import split_hours


@pytest.mark.parametrize(
    ("hours", "max_block", "expected"),
    [
        (5, 2, [2, 2, 1]),
        (4, 2, [2, 2]),
        (1, 2, [1]),
        (Decimal("1.5"), 2, [2]),  # a half-hour rounds up to a whole period
        (Decimal("2.5"), 2, [2, 1]),
        (1.5, 2, [2]),
        (0.5, 2, [1]),
        (0, 2, []),
        (Decimal("0"), 2, []),
        (4, 3, [2, 2]),  # as even as possible, not [3, 1]
        (7, 3, [3, 2, 2]),
        (10, 4, [4, 3, 3]),
        (3, 1, [1, 1, 1]),
        (8, 2, [2, 2, 2, 2]),
    ],
)
def test_split_hours(hours, max_block, expected):
    assert split_hours(hours, max_block) == expected


def test_split_hours_default_block_is_two_periods():
    assert split_hours(Decimal("6")) == [2, 2, 2]


@pytest.mark.parametrize(("hours", "max_block"), [(-1, 2), (2, 0)])
def test_split_hours_refuses_nonsense(hours, max_block):
    with pytest.raises(ValueError):
        split_hours(hours, max_block)
