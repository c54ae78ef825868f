"""Arabic is the default language, whatever the browser asks for.

Without this, ``LocaleMiddleware`` would follow the ``Accept-Language`` header and most browsers
would get French or English. A visitor switches language with the switch in the header (a cookie);
a logged-in user's preferred language applies when no cookie is set.
"""

from django.conf import settings


class DefaultLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
