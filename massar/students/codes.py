"""Handing out codes Massar: one capital letter and nine digits, unique for life, never reused.

Numbers come from the active ``CodeSeries`` row, locked for the length of the transaction, so two
schools registering at the same moment never get the same code. A block of codes is taken in one
statement for bulk work; numbers already taken (codes imported from the national system, or kept
by merged files) are skipped.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from massar.core.errors import ValidationFailed

from .models import CODE_MASSAR_REGEX, CodeSeries, Student

_CODE = re.compile(CODE_MASSAR_REGEX)
_LAST_NUMBER = 999_999_999


def normalise_code(raw: str) -> str:
    return (raw or "").strip().upper()


def is_valid_code(code: str) -> bool:
    return bool(_CODE.match(code or ""))


def allocate_codes(count: int) -> list[str]:
    """``count`` new codes, in order. Must run inside the caller's transaction."""
    if count <= 0:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_codes must run inside a transaction")
    series = CodeSeries.objects.select_for_update().filter(is_active=True).first()
    if series is None:
        raise ValidationFailed(_("No code Massar series is in use: ask a national administrator."))
    codes: list[str] = []
    number = series.next_number
    while len(codes) < count:
        wanted = count - len(codes)
        if number + wanted - 1 > _LAST_NUMBER:
            raise ValidationFailed(
                _("The code Massar series is exhausted: a national administrator opens a new one.")
            )
        block = [f"{series.letter}{n:09d}" for n in range(number, number + wanted)]
        taken = set(
            Student.objects.filter(code_massar__in=block).values_list("code_massar", flat=True)
        )
        codes.extend(code for code in block if code not in taken)
        number += wanted
    series.next_number = number
    series.save(update_fields=["next_number"])
    return codes
