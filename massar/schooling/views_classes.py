"""Pages of the classes of a year: the list grouped by level, creating one class or several,
a class with its pupils (placing one, moving one), changing a class, and the automatic placement
of a whole level."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from massar.core.errors import DomainError, NotFound
from massar.curriculum.models import Level
from massar.territory.selectors import current_school_year

from . import access, placements, selectors, services
from .forms import (
    AutoPlaceForm,
    ClassBatchForm,
    ClassEditForm,
    ClassForm,
    MovePupilForm,
    PlacePupilForm,
)
from .views import establishment_or_404


def _current_year_or_404():
    year = current_school_year()
    if year is None:
        raise Http404
    return year


def _class_or_404(request, public_id, *, write: bool = False):
    try:
        return access.access_class_by_public_id(
            actor=request.user, public_id=public_id, write=write
        )
    except NotFound as error:
        raise Http404 from error


def _active_rooms(establishment) -> list:
    return list(selectors.rooms_of(establishment=establishment).filter(is_active=True))


@login_required
def classes_view(request, school: str):
    establishment = establishment_or_404(request, school)
    try:
        school_year = access.access_school_year_by_code(
            request.GET.get("year"), default=current_school_year()
        )
    except NotFound as error:
        raise Http404 from error
    groups = selectors.classes_by_level(establishment=establishment, school_year=school_year)
    can_write = access.can_write_at(request.user, establishment)
    context = {
        "establishment": establishment,
        "school_year": school_year,
        "years": list(selectors.school_years_with_classes(establishment)),
        "groups": groups,
        "can_write": can_write and school_year.is_current,
    }
    return render(request, "schooling/classes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def class_create_view(request, school: str):
    establishment = establishment_or_404(request, school, write=True)
    school_year = _current_year_or_404()
    form = ClassForm(
        request.POST or None, establishment=establishment, rooms=_active_rooms(establishment)
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.class_create(
                actor=request.user,
                establishment=establishment,
                school_year=school_year,
                data=form.class_data(),
            )
        except DomainError as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(request, _("The class %(name)s is created.") % {"name": created.name})
            return redirect("schooling:classes", school=establishment.code)
    status = 400 if form.errors else 200
    context = {"establishment": establishment, "school_year": school_year, "form": form}
    return render(request, "schooling/class_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def classes_create_many_view(request, school: str):
    establishment = establishment_or_404(request, school, write=True)
    school_year = _current_year_or_404()
    form = ClassBatchForm(request.POST or None, establishment=establishment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.classes_create_many(
                actor=request.user,
                establishment=establishment,
                school_year=school_year,
                stream=form.streams[data["stream"]],
                count=data["count"],
                capacity=data["capacity"],
                language_option=data.get("language_option") or "",
            )
        except DomainError as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s class created: %(names)s.",
                    "%(count)s classes created: %(names)s.",
                    len(created),
                )
                % {"count": len(created), "names": ", ".join(c.name for c in created)},
            )
            return redirect("schooling:classes", school=establishment.code)
    status = 400 if form.errors else 200
    context = {"establishment": establishment, "school_year": school_year, "form": form}
    return render(request, "schooling/class_batch_form.html", context, status=status)


@login_required
def class_detail_view(request, public_id):
    school_class = _class_or_404(request, public_id)
    can_write = (
        access.can_write_at(request.user, school_class.establishment)
        and school_class.school_year.is_current
    )
    pupils = selectors.class_pupils(school_class)
    context = {
        "school_class": school_class,
        "other_levels": list(school_class.other_levels.order_by("order")),
        "pupils": pupils,
        "can_write": can_write,
        "export_query": urlencode(
            {
                "establishment": school_class.establishment.code,
                "level": school_class.level.code,
                "class": school_class.name,
            }
        ),
    }
    if can_write:
        context["place_form"] = PlacePupilForm(
            enrolments=selectors.unplaced_pupils_for(school_class)
        )
        siblings = selectors.sibling_classes(school_class)
        context["siblings"] = siblings
        context["move_form"] = MovePupilForm(classes=siblings)
    return render(request, "schooling/class_detail.html", context)


@login_required
@require_POST
def class_place_view(request, public_id):
    """Put one pupil (by code Massar) in this class, placing or moving them."""
    school_class = _class_or_404(request, public_id, write=True)
    code = request.POST.get("code", "")[:10]
    _place(request, school_class, code)
    return redirect("schooling:class_detail", public_id=school_class.public_id)


@login_required
@require_POST
def class_move_view(request, public_id):
    """Move one pupil of this class to another class of the school."""
    school_class = _class_or_404(request, public_id, write=True)
    form = MovePupilForm(request.POST, classes=selectors.sibling_classes(school_class))
    if not form.is_valid():
        messages.error(request, _("Choose the class to move the pupil to."))
    else:
        _place(request, form.classes[form.cleaned_data["to"]], form.cleaned_data["code"])
    return redirect("schooling:class_detail", public_id=school_class.public_id)


def _place(request, school_class, code: str) -> None:
    try:
        placements.pupils_place(actor=request.user, school_class=school_class, codes=[code])
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request,
            _("The pupil %(code)s is in the class %(name)s.")
            % {"code": code.strip().upper(), "name": school_class.name},
        )


@login_required
@require_http_methods(["GET", "POST"])
def class_edit_view(request, public_id):
    school_class = _class_or_404(request, public_id, write=True)
    form = ClassEditForm(
        request.POST or None,
        initial={
            "capacity": school_class.capacity,
            "home_room": str(school_class.home_room.public_id) if school_class.home_room else "",
        },
        rooms=_active_rooms(school_class.establishment),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.class_update(
                actor=request.user,
                school_class=school_class,
                capacity=form.cleaned_data["capacity"],
                home_room=form.home_room_value(),
            )
        except DomainError as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(
                request, _("The class %(name)s is saved.") % {"name": school_class.name}
            )
            return redirect("schooling:class_detail", public_id=school_class.public_id)
    status = 400 if form.errors else 200
    context = {"school_class": school_class, "form": form}
    return render(request, "schooling/class_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def auto_place_view(request, school: str):
    """Spread a level's pupils over its classes, balanced (see ``distribution``)."""
    establishment = establishment_or_404(request, school, write=True)
    school_year = _current_year_or_404()
    groups = selectors.classes_by_level(establishment=establishment, school_year=school_year)
    levels = [group.level for group in groups if group.classes]
    initial = {"level": request.GET.get("level", "")}
    form = AutoPlaceForm(request.POST or None, initial=initial, levels=levels)
    result = None
    if request.method == "POST" and form.is_valid():
        level: Level = form.levels[form.cleaned_data["level"]]
        try:
            result = placements.level_auto_place(
                actor=request.user,
                establishment=establishment,
                school_year=school_year,
                level=level,
                include_placed=form.cleaned_data["include_placed"],
            )
        except DomainError as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s pupil placed or moved.",
                    "%(count)s pupils placed or moved.",
                    result.written,
                )
                % {"count": result.written},
            )
            return redirect("schooling:classes", school=establishment.code)
    status = 400 if form.errors else 200
    context = {
        "establishment": establishment,
        "school_year": school_year,
        "groups": groups,
        "form": form,
    }
    return render(request, "schooling/auto_place.html", context, status=status)
