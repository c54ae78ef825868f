"""The JSON API: the apps' routers under ``/api/v1/``, bearer authentication, one error shape.

Every error answers ``{"error": {"code": str, "message": str, "details": list}}`` with the
message in the caller's language.
"""

from __future__ import annotations

import logging

from axes.exceptions import AxesBackendPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from massar.accounts.api import LockedOut
from massar.accounts.api import router as accounts_router
from massar.accounts.api_auth import bearer
from massar.assessment.api_calendar import router as calendar_router
from massar.assessment.api_marks import router as marks_router
from massar.assessment.api_results import router as results_router
from massar.core.errors import DomainError
from massar.schooling.api import router as schooling_router
from massar.staff.api import router as staff_router
from massar.students.api import router as students_router
from massar.students.certificates.api import router as certificates_router
from massar.students.transfers_api import router as transfers_router
from massar.territory.api import router as territory_router
from massar.timetable.api import router as timetable_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Massar API",
    version="1",
    description=(
        "The API of Massar for the teacher, pupil and parent apps and for partners. "
        "Get a token with POST /auth/token, then send it as `Authorization: Bearer <token>`. "
        "Every answer is limited to the caller's scope."
    ),
    urls_namespace="api-v1",
    auth=bearer,
)


def error_response(request, status: int, code: str, message: str, details=None):
    body = {"error": {"code": code, "message": str(message), "details": details or []}}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return error_response(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    details = [
        {"loc": list(error.get("loc", [])), "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return error_response(request, 400, "invalid", _("The request is not valid."), details)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return error_response(
        request,
        401,
        "unauthenticated",
        _("A valid bearer token is required: it is missing, expired, revoked or wrong."),
    )


@api.exception_handler(AxesBackendPermissionDenied)
def locked_out(request, exc):
    error = LockedOut()
    return error_response(request, error.status, error.code, error.message)


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400:  # ninja's "Cannot parse request body"
        return error_response(
            request, 400, "invalid", _("The request body could not be read: send valid JSON.")
        )
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Exception)
def unexpected_error(request, exc):
    logger.exception("Unexpected API error on %s", request.path)
    return error_response(request, 500, "server_error", _("An unexpected error occurred."))


api.add_router("/", accounts_router)
api.add_router("/", territory_router)
api.add_router("/", students_router)
api.add_router("/", transfers_router)
api.add_router("/", certificates_router)
api.add_router("/", schooling_router)
api.add_router("/", staff_router)
api.add_router("/", timetable_router)
api.add_router("/", calendar_router)
api.add_router("/", marks_router)
api.add_router("/", results_router)
