"""Pages of the school map: an establishment's plan for next year, the new pupils its director
expects, and a directorate's plan adding up its establishments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from massar.core.errors import DomainError, NotFound
from massar.territory.selectors import current_school_year, school_years_before

from . import access, school_map, selectors
from .forms import IntakeForm
from .services import expected_intakes_set
from .views import establishment_or_404


def _planning_years():
    """The current year first, then the earlier ones (a map can be drawn from any of them)."""
    current = current_school_year()
    if current is None:
        raise Http404
    return current, [current, *school_years_before(current)[:5]]


def _year_or_404(request, current):
    try:
        return access.access_school_year_by_code(request.GET.get("year"), default=current)
    except NotFound as error:
        raise Http404 from error


@login_required
def school_map_view(request, school: str):
    establishment = establishment_or_404(request, school)
    current, years = _planning_years()
    school_year = _year_or_404(request, current)
    plan = school_map.establishment_school_map(establishment=establishment, school_year=school_year)
    context = {
        "establishment": establishment,
        "plan": plan,
        "years": years,
        "school_year": school_year,
        "can_edit_intake": school_year.is_current
        and access.can_write_at(request.user, establishment),
    }
    return render(request, "schooling/school_map.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def intake_edit_view(request, school: str):
    """The director's expected new pupils per level for next year (recorded this year)."""
    establishment = establishment_or_404(request, school, write=True)
    school_year, _years = _planning_years()
    plan = school_map.establishment_school_map(establishment=establishment, school_year=school_year)
    levels = [row.level for row in plan.levels]
    current = selectors.expected_intakes_of(establishment=establishment, school_year=school_year)
    form = IntakeForm(request.POST or None, levels=levels, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            expected_intakes_set(
                actor=request.user,
                establishment=establishment,
                school_year=school_year,
                intakes=form.intakes(),
            )
        except DomainError as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(request, _("The expected new pupils are saved."))
            return redirect("schooling:school_map", school=establishment.code)
    status = 400 if form.errors else 200
    context = {"establishment": establishment, "school_year": school_year, "form": form}
    return render(request, "schooling/intake_form.html", context, status=status)


@login_required
def directorate_map_view(request, code: str):
    try:
        directorate = access.access_directorate_by_code(actor=request.user, code=code)
    except NotFound as error:
        raise Http404 from error
    current, years = _planning_years()
    school_year = _year_or_404(request, current)
    plan = school_map.directorate_school_map(
        directorate=directorate,
        establishments=access.establishments_in(access.read_scope(request.user)),
        school_year=school_year,
    )
    context = {"directorate": directorate, "plan": plan, "years": years, "school_year": school_year}
    return render(request, "schooling/directorate_map.html", context)
