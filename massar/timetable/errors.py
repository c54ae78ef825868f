"""Errors of the timetable services: a session refused for its conflicts, a grid change refused
because saved sessions would fall outside the new grid. Both answer 409 in the API, with the
reasons in ``details``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from massar.core.errors import DomainError


class TimetableConflict(DomainError):
    code = "timetable_conflict"
    status = 409
    default_message = _("The session cannot be saved: it conflicts with the timetable.")

    def __init__(self, conflicts, message=None):
        self.conflicts = list(conflicts)
        super().__init__(message, details=[conflict.as_dict() for conflict in self.conflicts])


class GridChangeRefused(DomainError):
    code = "sessions_outside_grid"
    status = 409
    default_message = _(
        "The grid cannot change: some sessions would fall outside it. Move or remove them first."
    )

    def __init__(self, conflicts):
        self.conflicts = list(conflicts)
        super().__init__(details=[conflict.as_dict() for conflict in self.conflicts])
