"""How the staff services refuse bad input: one ``ValidationFailed`` with a translated message
and, per field, a detail the pages put next to the field; ``NeedsConfirmation`` for what a
director may override ("assign anyway")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from massar.core.errors import ValidationFailed


class NeedsConfirmation(ValidationFailed):
    """A check the director may override with "assign anyway" (``force=True``)."""

    status = 409


def messages_of(error: ValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"loc": [name], "msg": str(message)}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"loc": [], "msg": str(message)} for message in error.messages]


def full_clean(instance, *, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        details = messages_of(error)
        message = details[0]["msg"] if len(details) == 1 else _("Some fields are not valid.")
        raise ValidationFailed(message, details=details) from error


def field_error(field: str, message: str, code: str, error=ValidationFailed):
    return error(message, code=code, details=[{"loc": [field], "msg": message}])
