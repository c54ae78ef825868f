"""A teacher's own space: the classes they teach this year, and each class's list of pupils
(code Massar, names, sex; read only). Any class they do not teach is not found."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from massar.core.errors import NotFound

from . import access, selectors


@login_required
def my_classes_view(request):
    teacher = access.teacher_of(request.user)
    year = selectors.current_year()
    if teacher is None or year is None:
        raise Http404
    context = {
        "teacher": teacher,
        "year": year,
        "assignments": list(selectors.teacher_classes(teacher, year)),
    }
    return render(request, "staff/my_classes.html", context)


@login_required
def my_class_view(request, public_id):
    year = selectors.current_year()
    if year is None:
        raise Http404
    try:
        school_class = access.access_class_for_teacher(
            actor=request.user, public_id=public_id, school_year=year
        )
    except NotFound as error:
        raise Http404 from error
    context = {
        "school_class": school_class,
        "year": year,
        "pupils": list(selectors.class_pupils(school_class)),
    }
    return render(request, "staff/my_class.html", context)
