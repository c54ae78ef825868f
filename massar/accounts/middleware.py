"""Puts the actor's scope on the request: ``request.scope`` is ``scope_for(request.user)``.

Views of every app read ``request.scope`` instead of importing ``scope_for``, so that apps below
``accounts`` in the layering (``territory``, ``curriculum``) can still start every read from the
actor's scope. It is computed lazily, at most once per request.
"""

from django.utils.functional import SimpleLazyObject

from .scope import scope_for


class ScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))
        return self.get_response(request)
