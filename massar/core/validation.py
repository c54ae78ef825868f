"""Model validation in services: ``full_clean`` turned into the domain's ``ValidationFailed``.

Services call ``full_clean_or_refuse`` before saving; a field's error becomes a detail
(``{"loc": [field], "msg": …}``) of the one error the page or the API shows. Uniqueness and
database constraints are left to the services' own checks and to the database.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


def messages_of(error: ValidationError) -> list[dict]:
    """The messages of ``error`` as error details, by field when it has fields."""
    if hasattr(error, "error_dict"):
        return [
            {"loc": [name], "msg": str(message)}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"loc": [], "msg": str(message)} for message in error.messages]


def full_clean_or_refuse(instance, *, exclude=None, single_message: bool = False) -> None:
    """Validate ``instance``'s fields, or raise ``ValidationFailed`` with every message.

    With ``single_message``, a lone error is the message itself rather than "Some fields are
    not valid." (for forms that show the refusal in one line).
    """
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        details = messages_of(error)
        message = (
            details[0]["msg"]
            if single_message and len(details) == 1
            else _("Some fields are not valid.")
        )
        raise ValidationFailed(message, details=details) from error
