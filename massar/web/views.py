"""The home page: what the actor's role and scope cover, at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from massar.accounts.scope import active_assignments
from massar.territory.selectors import (
    EstablishmentFilters,
    academies_with_counts,
    directorates_with_counts,
    establishment_list,
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
        "directorate_establishments": None,
        "own_establishments": None,
    }
    if scope.national:
        context["academies"] = list(academies_with_counts(scope=scope))
    if scope.academy_ids:
        context["directorates"] = list(
            directorates_with_counts(scope=scope).filter(academy_id__in=scope.academy_ids)
        )
    if scope.directorate_ids:
        context["directorates"] = (context["directorates"] or []) + list(
            directorates_with_counts(scope=scope).filter(id__in=scope.directorate_ids)
        )
        establishments = establishment_list(scope=scope, filters=EstablishmentFilters()).filter(
            directorate_id__in=scope.directorate_ids
        )
        context["directorate_establishments"] = list(establishments[:HOME_ESTABLISHMENT_LIMIT])
        context["directorate_establishment_total"] = establishments.count()
    if scope.establishment_ids:
        context["own_establishments"] = list(
            establishment_list(scope=scope, filters=EstablishmentFilters()).filter(
                id__in=scope.establishment_ids
            )
        )
    return render(request, "web/home.html", context)
