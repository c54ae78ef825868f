"""Reading a mark as typed, pasted or imported: "12,5", "12.50", "ABS", "غ", or empty.

One parser for the sheet page, the pasted column, the spreadsheet import and the API, so that
every door accepts and refuses the same things with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from massar.core.errors import ValidationFailed

#: How "absent" may be written (compared case-insensitively, spaces ignored).
ABSENT_WORDS = frozenset({"abs", "absent", "absente", "غ", "غائب", "غائبة"})


@dataclass(frozen=True)
class Cell:
    """A mark cell: a value, "absent", or empty (neither)."""

    value: Decimal | None = None
    absent: bool = False

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.absent


EMPTY = Cell()
ABSENT = Cell(absent=True)


def parse_mark(raw, *, scale: int) -> Cell:
    """A cell from user input, or ``ValidationFailed`` saying what is wrong with it."""
    if raw is None:
        return EMPTY
    if isinstance(raw, bool):
        raise ValidationFailed(_("A mark must be a number or ABS."), code="not_a_mark")
    if isinstance(raw, int | float | Decimal):
        text = str(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return EMPTY
    if text.lower() in ABSENT_WORDS:
        return ABSENT
    try:
        if "e" in text.lower():  # "1e1" is a number to Python, not a mark to a teacher
            raise InvalidOperation
        value = Decimal(text.replace(",", ".").replace("٫", "."))
    except InvalidOperation:
        raise ValidationFailed(
            _("“%(text)s” is not a mark: write a number such as 12,5, or ABS for an absent pupil.")
            % {"text": str(raw).strip()[:20]},
            code="not_a_mark",
        ) from None
    if not value.is_finite():
        raise ValidationFailed(_("A mark must be a number or ABS."), code="not_a_mark")
    if value < 0 or value > scale:
        raise ValidationFailed(
            _("A mark is between 0 and %(scale)s.") % {"scale": scale}, code="out_of_range"
        )
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(_("A mark has at most two decimals."), code="too_many_decimals")
    # "+ 0" turns a typed "-0" into 0.00 rather than -0.00.
    return Cell(value=value.quantize(Decimal("0.01")) + 0)
