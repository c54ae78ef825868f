"""Shell middleware: Arabic by default, and the API's error shape for every API error.

``DefaultLanguageMiddleware``: Arabic is the default language, whatever the browser asks for.

Without this, ``LocaleMiddleware`` would follow the ``Accept-Language`` header and most browsers
would get French or English. A visitor switches language with the switch in the header (a cookie);
logging in sets the cookie to the user's preferred language when none is set
(``massar.web.views.LoginView``).
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from massar.accounts.api import LockedOut


class DefaultLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


API_PREFIX = "/api/"


class ApiErrorShapeMiddleware:
    """Errors produced outside the API's own handlers (an unknown path, a wrong method) get the
    API's one JSON error shape too, instead of an HTML page or plain text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return self.as_json(response)
        return response

    @staticmethod
    def as_json(response):
        if response.status_code == 404:
            code, message = "not_found", _("Not found.")
        elif response.status_code == 429:  # django-axes answered a locked-out login
            locked = LockedOut()
            code, message = locked.code, str(locked.message)
        elif response.status_code == 405:
            code, message = "method_not_allowed", _("This method is not allowed here.")
        else:
            code, message = "http_error", _("The request could not be served.")
        shaped = JsonResponse(
            {"error": {"code": code, "message": message, "details": []}},
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped
