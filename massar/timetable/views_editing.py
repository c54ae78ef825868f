"""Pages that change a timetable (director and staff of the school): the weekly grid, a
teacher's availability, and a class's sessions placed, moved and removed by hand with their
conflicts checked before saving (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from massar.core.errors import DomainError, NotFound
from massar.core.pages import wants_fragment

from . import access, selectors, services
from .errors import GridChangeRefused, TimetableConflict
from .forms import SessionForm, grid_forms, shape_from
from .models import AvailabilityKind, Weekday
from .views import _current_year, _or_404

# --- the weekly grid --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def grid_view(request, code: str):
    establishment = _or_404(access.access_establishment_for_write, actor=request.user, code=code)
    year = _current_year()
    shape = selectors.shape_for(establishment, year)
    data = request.POST if request.method == "POST" else None
    grid_form, period_forms = grid_forms(data, shape=shape)
    error = None
    status = 200
    if request.method == "POST":
        if grid_form.is_valid() and period_forms.is_valid():
            try:
                services.grid_save(
                    actor=request.user,
                    establishment=establishment,
                    school_year=year,
                    shape=shape_from(grid_form, period_forms),
                )
            except DomainError as failure:
                error, status = failure, failure.status
            else:
                messages.success(request, _("The weekly grid is saved."))
                return redirect("timetable:grid", code=establishment.code)
        else:
            status = 400
    context = {
        "establishment": establishment,
        "school_year": year,
        "shape": shape,
        "grid_form": grid_form,
        "period_forms": period_forms,
        "error": error,
        "outside": error.conflicts if isinstance(error, GridChangeRefused) else [],
    }
    return render(request, "timetable/grid.html", context, status=status)


@login_required
@require_POST
def grid_usual_week_view(request, code: str):
    """The usual secondary-school week in one click."""
    establishment = _or_404(access.access_establishment_for_write, actor=request.user, code=code)
    try:
        services.grid_set_usual_week(
            actor=request.user, establishment=establishment, school_year=_current_year()
        )
    except GridChangeRefused as refused:
        messages.error(request, refused.message)
        for conflict in refused.conflicts:
            messages.error(request, conflict.message)
    else:
        messages.success(
            request,
            _(
                "The usual secondary-school week is set: Monday to Saturday, 08:00–12:00 and "
                "14:00–18:00, Saturday afternoon free."
            ),
        )
    return redirect("timetable:grid", code=establishment.code)


# --- sessions of a class ----------------------------------------------------------------------


def _session_form(school_class, data=None, *, initial=None):
    return SessionForm(
        data,
        initial=initial,
        assignments=selectors.class_assignments(school_class),
        rooms=selectors.school_rooms(school_class.establishment).filter(is_active=True),
        prefix="session",
    )


def _moving(request, school_class, public_id):
    """The session of ``school_class`` being moved, named by the request; ``None`` if none."""
    if not public_id:
        return None
    try:
        session = access.access_session_for_write(actor=request.user, public_id=public_id)
    except NotFound as error:
        raise Http404 from error
    if session.school_class_id != school_class.pk:
        raise Http404
    return session


def _initial_from(request, moving) -> dict:
    if moving is not None:
        return {
            "assignment": str(moving.assignment.public_id),
            "room": str(moving.room.public_id) if moving.room_id else "",
            "weekday": moving.weekday,
            "period": moving.period,
            "length": moving.length,
            "is_locked": moving.is_locked,
        }
    initial = {"length": 1}
    for name, allowed in (("weekday", range(1, 8)), ("period", range(1, 13))):
        value = request.GET.get(name, "")
        if value.isdigit() and int(value) in allowed:
            initial[name] = int(value)
    return initial


def _edit_page(request, school_class, *, form, moving=None, conflicts=(), error=None, status=200):
    context = {
        "school_class": school_class,
        "establishment": school_class.establishment,
        "week": selectors.class_week(school_class),
        "form": form,
        "moving": moving,
        "conflicts": list(conflicts),
        "error": error,
        "mode": "class",
        "editable": True,
    }
    template = "timetable/class_edit.html"
    if wants_fragment(request) and status == 200:
        template += "#panel"
    return render(request, template, context, status=status)


@login_required
@vary_on_headers("HX-Request")
def class_edit_view(request, public_id):
    """The class's week with a form to place a session (``?weekday=&period=``) or move one
    (``?move=<session>``)."""
    school_class = _or_404(access.access_class_for_write, actor=request.user, public_id=public_id)
    moving = _moving(request, school_class, request.GET.get("move", ""))
    form = _session_form(school_class, initial=_initial_from(request, moving))
    return _edit_page(request, school_class, form=form, moving=moving)


def _save(request, school_class, *, moving):
    form = _session_form(school_class, request.POST)
    if not form.is_valid():
        return _edit_page(request, school_class, form=form, moving=moving, status=400)
    try:
        if moving is None:
            services.session_create(
                actor=request.user, assignment=form.chosen_assignment(), place=form.place()
            )
        elif form.chosen_assignment().pk != moving.assignment_id:
            form.add_error("assignment", _("A session keeps its subject and teacher when moved."))
            return _edit_page(request, school_class, form=form, moving=moving, status=400)
        else:
            services.session_move(actor=request.user, session=moving, place=form.place())
    except TimetableConflict as conflict:
        return _edit_page(
            request,
            school_class,
            form=form,
            moving=moving,
            conflicts=conflict.conflicts,
            error=conflict,
            status=409,
        )
    except DomainError as failure:
        return _edit_page(
            request, school_class, form=form, moving=moving, error=failure, status=failure.status
        )
    messages.success(request, _("The session is moved.") if moving else _("The session is added."))
    return redirect("timetable:class_edit", public_id=school_class.public_id)


@login_required
@require_POST
def session_add_view(request, public_id):
    school_class = _or_404(access.access_class_for_write, actor=request.user, public_id=public_id)
    return _save(request, school_class, moving=None)


@login_required
@require_POST
def session_move_view(request, public_id):
    session = _or_404(access.access_session_for_write, actor=request.user, public_id=public_id)
    school_class = _or_404(
        access.access_class_for_write, actor=request.user, public_id=session.school_class.public_id
    )
    return _save(request, school_class, moving=session)


@login_required
@require_POST
def session_check_view(request, public_id):
    """The conflicts the form's session would have (htmx; nothing is saved): shown in the panel
    and in the grid cell it would take."""
    school_class = _or_404(access.access_class_for_write, actor=request.user, public_id=public_id)
    moving = _moving(request, school_class, request.POST.get("moving", ""))
    form = _session_form(school_class, request.POST)
    context = {"form": form, "school_class": school_class, "checked": False, "conflicts": []}
    if form.is_valid():
        try:
            found = services.session_check(
                actor=request.user,
                assignment=form.chosen_assignment(),
                place=form.place(),
                session=moving,
            )
        except DomainError as failure:
            context["check_error"] = failure
        else:
            context.update(checked=True, conflicts=found, place=form.place())
    return render(request, "timetable/class_edit.html#check", context)


@login_required
@require_POST
def session_delete_view(request, public_id):
    session = _or_404(access.access_session_for_write, actor=request.user, public_id=public_id)
    school_class = session.school_class
    services.session_delete(actor=request.user, session=session)
    messages.success(request, _("The session is removed."))
    return redirect("timetable:class_edit", public_id=school_class.public_id)


# --- teachers' availability -------------------------------------------------------------------


def _availability_target(request, code, public_id):
    establishment = _or_404(access.access_establishment_for_write, actor=request.user, code=code)
    teacher = _or_404(
        access.access_teacher_for_availability,
        actor=request.user,
        establishment=establishment,
        public_id=public_id,
    )
    return establishment, teacher


@login_required
def availability_view(request, code: str, public_id):
    """A teacher's week: each period available, unavailable or "would rather not"."""
    establishment, teacher = _availability_target(request, code, public_id)
    year = _current_year()
    shape = selectors.shape_for(establishment, year)
    marks = selectors.availability_of(teacher, year)
    rows = []
    if shape is not None:
        rows = [
            {
                "period": period,
                "cells": [
                    {
                        "weekday": day,
                        "period": period.number,
                        "kind": marks.get((day, period.number)),
                        "free": shape.is_free(day, period.number),
                    }
                    for day in shape.days
                ],
            }
            for period in shape.periods
        ]
    context = {
        "establishment": establishment,
        "teacher": teacher,
        "shape": shape,
        "days": [(day, Weekday(day).label) for day in shape.days] if shape else [],
        "rows": rows,
        "kinds": AvailabilityKind,
    }
    return render(request, "timetable/availability.html", context)


@login_required
@require_POST
def availability_toggle_view(request, code: str, public_id, weekday: int, period: int):
    establishment, teacher = _availability_target(request, code, public_id)
    year = _current_year()
    try:
        kind = services.availability_toggle(
            actor=request.user,
            establishment=establishment,
            school_year=year,
            teacher=teacher,
            weekday=weekday,
            period=period,
        )
    except NotFound as error:
        raise Http404 from error
    except DomainError as failure:
        if wants_fragment(request):
            return render(
                request,
                "timetable/availability.html#failure",
                {"error": failure},
                status=200,
            )
        messages.error(request, failure.message)
        return redirect(
            "timetable:availability", code=establishment.code, public_id=teacher.public_id
        )
    if not wants_fragment(request):
        return redirect(
            reverse("timetable:availability", args=[establishment.code, teacher.public_id])
        )
    shape = selectors.shape_for(establishment, year)
    cell = {
        "weekday": weekday,
        "period": period,
        "kind": kind,
        "free": shape.is_free(weekday, period),
    }
    context = {
        "establishment": establishment,
        "teacher": teacher,
        "cell": cell,
        "kinds": AvailabilityKind,
    }
    return render(request, "timetable/availability.html#cell", context)
