"""Pages of teaching assignments: the entry page of the actor's establishments and
directorates, the classes of a school, a class's assignment grid (one htmx save per row),
teachers' loads against their quotas, and the shortages of a school and of a directorate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from massar.core.errors import DomainError, NotFound

from . import access, loads, selectors, services, shortages
from .forms import AssignmentRowForm


def _year():
    year = selectors.current_year()
    if year is None:
        raise Http404
    return year


def _or_404(lookup, **kwargs):
    try:
        return lookup(**kwargs)
    except NotFound as error:
        raise Http404 from error


@login_required
def organisation_view(request):
    """Where the actor starts: their establishments, and the directorates they oversee."""
    schools = access.writable_establishments(request.user)
    directorates = list(access.officer_directorates(request.user).order_by("code"))
    if not schools and not directorates:
        raise Http404
    context = {"schools": schools, "directorates": directorates, "year": _year()}
    return render(request, "staff/organisation.html", context)


@login_required
def school_classes_view(request, code: str):
    establishment = _or_404(access.access_establishment_for_read, actor=request.user, code=code)
    year = _year()
    context = {
        "establishment": establishment,
        "year": year,
        "classes": list(selectors.school_classes(establishment=establishment, school_year=year)),
        "can_write": access.can_write_at(request.user, establishment),
    }
    return render(request, "staff/school_classes.html", context)


def _grid_context(request, school_class, *, can_write: bool) -> dict:
    teachers = (
        selectors.grid_teachers(
            establishment=school_class.establishment, school_year=school_class.school_year
        )
        if can_write
        else []
    )
    return {"school_class": school_class, "teachers": teachers, "can_write": can_write}


@login_required
def class_grid_view(request, public_id):
    school_class = _or_404(
        access.access_class_by_public_id, actor=request.user, public_id=public_id
    )
    can_write = access.can_write_at(request.user, school_class.establishment)
    context = _grid_context(request, school_class, can_write=can_write)
    context["rows"] = selectors.class_grid(school_class)
    return render(request, "staff/class_grid.html", context)


def _feedback(assignment) -> str:
    if assignment is None:
        return _("Saved: this subject has no teacher now.")
    teacher = assignment.teacher
    year = assignment.school_class.school_year
    load = loads.teacher_load(teacher, year)
    quota = loads.effective_quota(teacher, year)
    values = {
        "name": teacher.display_name,
        "load": loads.hours_text(load),
        "quota": loads.hours_text(quota),
    }
    if quota is None:
        return _("Saved: %(name)s now teaches %(load)s h a week.") % values
    return _("Saved: %(name)s now teaches %(load)s h of a %(quota)s h quota.") % values


@login_required
@require_POST
def class_grid_row_view(request, public_id, subject: str):
    """Save one row of the grid; an htmx request gets the row back with its feedback."""
    school_class = _or_404(
        access.access_class_by_public_id, actor=request.user, public_id=public_id, for_write=True
    )
    subject_obj = _or_404(access.access_subject_by_code, code=subject)
    form = AssignmentRowForm(request.POST)
    feedback, error = "", ""
    if not form.is_valid():
        error = _("Weekly hours must be between 0.5 and 20, with at most one decimal.")
    else:
        data = form.cleaned_data
        try:
            teacher = (
                access.access_staff_by_public_id(actor=request.user, public_id=data["teacher"])
                if data["teacher"]
                else None
            )
            assignment = services.teaching_assignment_save(
                actor=request.user,
                school_class=school_class,
                subject=subject_obj,
                teacher=teacher,
                weekly_hours=data["weekly_hours"],
                force=data["force"],
            )
        except NotFound:
            error = _("Choose a teacher from the list.")
        except DomainError as failure:
            error = str(failure.message)
        else:
            feedback = _feedback(assignment)
    if request.htmx:
        row = selectors.grid_row(school_class, subject_obj)
        if row is None:
            raise Http404
        if error:  # keep what was typed, so that it can be corrected
            row.chosen_teacher = form.data.get("teacher", "")
            row.chosen_hours = form.data.get("weekly_hours", "")
        context = _grid_context(request, school_class, can_write=True)
        context.update({"row": row, "feedback": feedback, "error": error})
        return render(request, "staff/class_grid.html#row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, feedback)
    return redirect(reverse("staff:class_grid", args=[school_class.public_id]))


@login_required
def school_loads_view(request, code: str):
    establishment = _or_404(access.access_establishment_for_read, actor=request.user, code=code)
    year = _year()
    rows = loads.establishment_loads(establishment=establishment, school_year=year)
    context = {
        "establishment": establishment,
        "year": year,
        "rows": rows,
        "over": [row for row in rows if row.state == loads.OVER],
        "under": [row for row in rows if row.state == loads.UNDER],
    }
    return render(request, "staff/loads.html", context)


@login_required
def school_shortages_view(request, code: str):
    establishment = _or_404(access.access_establishment_for_read, actor=request.user, code=code)
    year = _year()
    context = {
        "establishment": establishment,
        "year": year,
        "shortages": shortages.establishment_shortages(
            establishment=establishment, school_year=year
        ),
        "can_write": access.can_write_at(request.user, establishment),
    }
    return render(request, "staff/shortages.html", context)


@login_required
def directorate_shortages_view(request, code: str):
    directorate = _or_404(access.access_directorate_by_code, actor=request.user, code=code)
    year = _year()
    context = {
        "directorate": directorate,
        "year": year,
        "shortages": shortages.directorate_shortages(directorate=directorate, school_year=year),
    }
    return render(request, "staff/directorate_shortages.html", context)
