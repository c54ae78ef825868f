"""Pages of the timetable generator: a school's runs, with the form asking for a new one
(director, staff); one run, followed while it works (its status part polls itself with htmx
until the run is over), with its outcome and, when no timetable exists, the reasons.

The officers above the school read its runs; teachers, parents, pupils and anyone outside the
school get 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from massar.core.errors import DomainError, NotFound
from massar.core.pages import page_of, wants_fragment

from .access import access_establishment_for_read, can_write_at
from .explanations import describe
from .forms_generation import GeneratorRunForm
from .generation import ACTIVE_STATUSES, generator_run_request
from .generation_access import access_run_by_public_id, runs_visible_to
from .models import RunStatus

RUNS_PER_PAGE = 20


@login_required
@require_http_methods(["GET", "POST"])
def generator_view(request, code: str):
    """The school's runs, newest first, and (director, staff) the form asking for a run."""
    try:
        establishment = access_establishment_for_read(actor=request.user, code=code)
    except NotFound as error:
        raise Http404 from error
    can_generate = can_write_at(request.user, establishment)
    form = GeneratorRunForm(request.POST if request.method == "POST" else None)
    error = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                run = generator_run_request(
                    actor=request.user,
                    establishment=establishment,
                    mode=form.cleaned_data["mode"],
                    time_limit=form.cleaned_data["time_limit"],
                )
            except DomainError as failure:
                error, status = failure, failure.status
            else:
                return redirect("timetable:generator_run", public_id=run.public_id)
    runs = runs_visible_to(request.user).filter(establishment=establishment)
    page, query = page_of(request, runs, per_page=RUNS_PER_PAGE)
    context = {
        "establishment": establishment,
        "can_generate": can_generate,
        "form": form,
        "error": error,
        "page": page,
        "query": query,
    }
    return render(request, "timetable/generation.html", context, status=status)


@login_required
@require_GET
def generator_run_view(request, public_id):
    try:
        run = access_run_by_public_id(actor=request.user, public_id=public_id)
    except NotFound as error:
        raise Http404 from error
    context = {
        "run": run,
        "active": run.status in ACTIVE_STATUSES,
        "succeeded": run.status == RunStatus.SUCCEEDED,
        "reasons": describe(run.explanation),
        "can_generate": can_write_at(request.user, run.establishment),
    }
    if wants_fragment(request):
        return render(request, "timetable/generation_run.html#status", context)
    return render(request, "timetable/generation_run.html", context)
