"""Printable timetables: the week of a class, a teacher or a room as PDF or spreadsheet, and every
class of a school as one PDF (a page per class).

Whoever may see a timetable may print it (``access.py``): administrative roles of the school's
scope, and a teacher, pupil or parent for their own weeks. A school's whole set of classes is
for the administrative roles only. Missing and forbidden are the same 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from massar.core.errors import NotFound
from massar.territory.selectors import current_school_year

from . import access
from .printing.excel import week_workbook
from .printing.pdf import week_pdf
from .printing.week import class_sections, room_sections, school_class_sections, teacher_sections

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _render(sections, *, fmt: str, name: str, title: str) -> HttpResponse:
    stem = f"timetable-{slugify(name) or 'week'}"
    if fmt == "xlsx":
        return _download(
            week_workbook(sections, title=title), content_type=XLSX, filename=f"{stem}.xlsx"
        )
    return _download(week_pdf(sections), content_type=PDF, filename=f"{stem}.pdf")


def _found(lookup, **kwargs):
    try:
        return lookup(**kwargs)
    except NotFound as error:
        raise Http404 from error


def _year():
    year = current_school_year()
    if year is None:
        raise Http404
    return year


@login_required
@require_GET
def class_print_view(request, public_id, fmt: str):
    school_class = _found(access.access_class_timetable, actor=request.user, public_id=public_id)
    sections = class_sections([school_class])
    return _render(sections, fmt=fmt, name=f"class-{school_class.name}", title=school_class.name)


@login_required
@require_GET
def teacher_print_view(request, public_id, fmt: str):
    teacher = _found(access.access_teacher_timetable, actor=request.user, public_id=public_id)
    own = access.own_staff_member(request.user)
    scope = access.read_scope(request.user)
    visible = (
        None
        if own is not None and own.pk == teacher.pk
        else (lambda establishment: access.covers(scope, establishment))
    )
    sections = teacher_sections(teacher, _year(), visible=visible)
    if not sections:  # a teacher reached through an assignment of a school out of sight
        raise Http404
    return _render(
        sections,
        fmt=fmt,
        name=f"teacher-{teacher.last_name_fr}-{teacher.first_name_fr}",
        title=teacher.display_name,
    )


@login_required
@require_GET
def room_print_view(request, public_id, fmt: str):
    room = _found(access.access_room_timetable, actor=request.user, public_id=public_id)
    sections = room_sections(room, _year())
    return _render(sections, fmt=fmt, name=f"room-{room.code}", title=room.code)


@login_required
@require_GET
def school_classes_print_view(request, code: str):
    establishment = _found(access.access_establishment_for_read, actor=request.user, code=code)
    sections = school_class_sections(establishment, _year())
    if not sections:
        return render(
            request,
            "timetable/printing/nothing.html",
            {"establishment": establishment, "message": _("This school has no class this year.")},
            status=404,
        )
    return _download(
        week_pdf(sections),
        content_type=PDF,
        filename=f"timetables-{establishment.code}-classes.pdf",
    )
