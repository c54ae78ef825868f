"""Pages that read timetables: an establishment's timetable home, the week of a class, a teacher
or a room, the conflict report, and "my timetable" (each account to what it may see)."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from massar.core.errors import NotFound
from massar.territory.selectors import current_school_year

from . import access, conflicts, selectors
from .models import Weekday

ESTABLISHMENT_CODE = re.compile(r"[0-9A-Za-z]{1,12}")


def _current_year():
    year = current_school_year()
    if year is None:
        raise Http404
    return year


def _or_404(lookup, **kwargs):
    try:
        return lookup(**kwargs)
    except NotFound as error:
        raise Http404 from error


@login_required
def overview_view(request, code: str):
    """An establishment's timetable: its grid, and the classes, teachers and rooms to open."""
    establishment = _or_404(access.access_establishment_for_read, actor=request.user, code=code)
    year = _current_year()
    shape = selectors.shape_for(establishment, year)
    context = {
        "establishment": establishment,
        "school_year": year,
        "shape": shape,
        "days": [Weekday(day).label for day in shape.days] if shape else [],
        "classes": list(selectors.school_classes(establishment, year)),
        "teachers": list(selectors.school_teachers(establishment, year)),
        "rooms": list(selectors.school_rooms(establishment)),
        "can_write": access.can_write_at(request.user, establishment),
    }
    return render(request, "timetable/overview.html", context)


def _week_page(request, *, week, mode, title, establishment, subject, can_edit=False, **extra):
    context = {
        "week": week,
        "mode": mode,
        "title": title,
        "establishment": establishment,
        "subject": subject,
        "can_edit": can_edit,
        "reads_school": establishment is not None
        and access.reads_school_of(request.user, establishment),
        **extra,
    }
    return render(request, "timetable/week.html", context)


@login_required
def class_view(request, public_id):
    school_class = _or_404(access.access_class_timetable, actor=request.user, public_id=public_id)
    return _week_page(
        request,
        week=selectors.class_week(school_class),
        mode="class",
        title=_("Timetable of %(class)s") % {"class": school_class.name},
        establishment=school_class.establishment,
        subject=school_class,
        can_edit=access.can_write_at(request.user, school_class.establishment),
    )


@login_required
def teacher_view(request, public_id):
    teacher = _or_404(access.access_teacher_timetable, actor=request.user, public_id=public_id)
    own = teacher.user_id is not None and teacher.user_id == request.user.pk
    scope = access.read_scope(request.user)
    week = selectors.teacher_week(
        teacher,
        _current_year(),
        shows=lambda establishment: own or access.covers(scope, establishment),
    )
    main = teacher.main_establishment
    return _week_page(
        request,
        week=week,
        mode="teacher",
        title=_("Timetable of %(teacher)s") % {"teacher": teacher.display_name},
        establishment=main if access.covers(scope, main) else None,
        subject=teacher,
        is_own=own,
    )


@login_required
def room_view(request, public_id):
    room = _or_404(access.access_room_timetable, actor=request.user, public_id=public_id)
    return _week_page(
        request,
        week=selectors.room_week(room, _current_year()),
        mode="room",
        title=_("Timetable of room %(room)s") % {"room": room.code},
        establishment=room.establishment,
        subject=room,
    )


@login_required
def conflicts_view(request, code: str):
    """Every conflict of the establishment's timetable at once."""
    establishment = _or_404(access.access_establishment_for_read, actor=request.user, code=code)
    year = _current_year()
    found = conflicts.school_conflicts(
        establishment_id=establishment.pk,
        school_year_id=year.pk,
        shape=selectors.shape_for(establishment, year),
    )
    context = {
        "establishment": establishment,
        "hard": [c for c in found if c.hard],
        "soft": [c for c in found if not c.hard],
    }
    return render(request, "timetable/conflicts.html", context)


@login_required
def mine_view(request):
    """Each account to the timetables it may see: a teacher to theirs, a pupil to their class's,
    a parent to their children's, a director to their school's, an officer to a school's."""
    mine = access.my_timetables(request.user)
    if mine.is_empty:
        raise Http404
    code = request.GET.get("code", "").strip()
    if mine.reads_schools and ESTABLISHMENT_CODE.fullmatch(code):
        return redirect("timetable:overview", code=code.upper())
    targets = int(mine.teacher is not None) + len(mine.children) + len(mine.schools)
    if targets == 1 and not mine.reads_schools:  # one thing to see: go straight to it
        if mine.teacher is not None:
            return redirect("timetable:teacher", public_id=mine.teacher.public_id)
        if mine.children:
            return redirect("timetable:class", public_id=mine.children[0].school_class.public_id)
        return redirect("timetable:overview", code=mine.schools[0].code)
    return render(request, "timetable/mine.html", {"mine": mine})
