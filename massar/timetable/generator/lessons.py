"""Weekly hours of a teaching assignment cut into lessons (blocks of consecutive periods)."""

from __future__ import annotations

import math
from decimal import Decimal


def split_hours(hours: Decimal | float | int, max_block: int = 2) -> list[int]:
    """The lengths of the lessons that teach ``hours`` a week, longest first.

    A period is an hour; a half-hour rounds up to a whole period (1.5 h → 2 periods), since a
    lesson cannot be shorter than a period. The periods are cut into as few blocks of at most
    ``max_block`` as possible, as even as possible: 5 h by 2 → [2, 2, 1]; 4 h by 3 → [2, 2]
    (not [3, 1]); 0 h → [].
    """
    if max_block < 1:
        raise ValueError("max_block must be at least 1")
    amount = Decimal(str(hours)) if isinstance(hours, float) else Decimal(hours)
    if amount < 0:
        raise ValueError("hours cannot be negative")
    periods = math.ceil(amount)
    if periods == 0:
        return []
    blocks = -(-periods // max_block)
    base, longer = divmod(periods, blocks)
    return [base + 1] * longer + [base] * (blocks - longer)
