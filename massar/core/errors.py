"""Domain errors raised by services and access functions.

Views turn them into a translated message on the page; the API turns them into its one JSON
error shape. ``NotFound`` is used both for a missing object and for one outside the actor's scope,
so that the two cannot be told apart.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A failure the user can act on. ``code`` is stable; ``message`` is translated."""

    code = "invalid"
    status = 400
    default_message = _("The request is not valid.")

    def __init__(self, message=None, *, code: str | None = None, details=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details or []
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    """Only for actions on an object the actor can see but may not change."""

    code = "forbidden"
    status = 403
    default_message = _("You are not allowed to do this.")


class ValidationFailed(DomainError):
    code = "invalid"
    status = 400
