"""How the staff services refuse bad input: one ``ValidationFailed`` with a translated message
and, per field, a detail the pages put next to the field; ``NeedsConfirmation`` for what a
director may override ("assign anyway")."""

from __future__ import annotations

from massar.core.errors import ValidationFailed
from massar.core.validation import full_clean_or_refuse


class NeedsConfirmation(ValidationFailed):
    """A check the director may override with "assign anyway" (``force=True``)."""

    status = 409


def full_clean(instance, *, exclude=None) -> None:
    full_clean_or_refuse(instance, exclude=exclude, single_message=True)


def field_error(field: str, message: str, code: str, error=ValidationFailed):
    return error(message, code=code, details=[{"loc": [field], "msg": message}])
