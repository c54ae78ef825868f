"""The home page: what the actor's roles and scope cover, at a glance.

One page serves every role; each section appears for the roles it concerns:

- national administrator: the academies, with their numbers of directorates and establishments;
- academy officer: the directorates of the academy, with their establishment counts;
- directorate officer: the directorate with its counts, and its establishments;
- director, staff, teacher, parent, student: their establishment (a director's satellites too);
- no role: a message saying so, and nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from massar.accounts.scope import active_assignments
from massar.territory.selectors import (
    academies_with_counts,
    directorates_overseen_with_counts,
    establishments_assigned,
    establishments_overseen,
)

#: How many establishments a directorate officer's home lists before linking to the directory.
HOME_ESTABLISHMENT_LIMIT = 50


@login_required
def home(request):
    scope = request.scope
    context = {
        "assignments": list(active_assignments(request.user).order_by("role")),
        "academies": None,
        "directorates": None,
        "overseen_establishments": None,
        "overseen_establishment_total": 0,
        "own_establishments": None,
    }
    if scope.national:
        context["academies"] = list(academies_with_counts(scope=scope))
    if scope.academy_ids or scope.directorate_ids:
        context["directorates"] = list(directorates_overseen_with_counts(scope=scope))
    if scope.directorate_ids:
        overseen = establishments_overseen(scope=scope)
        shown = list(overseen[:HOME_ESTABLISHMENT_LIMIT])
        context["overseen_establishments"] = shown
        context["overseen_establishment_total"] = (
            len(shown) if len(shown) < HOME_ESTABLISHMENT_LIMIT else overseen.count()
        )
    if scope.establishment_ids:
        context["own_establishments"] = list(establishments_assigned(scope=scope))
    return render(request, "web/home.html", context)


class LoginView(auth_views.LoginView):
    """Django's login, which also switches to the user's preferred language on success.

    A language the visitor already chose with the switch (the cookie) is kept.
    """

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                form.get_user().preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
