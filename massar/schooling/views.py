"""Pages of a school's physical structure: the schooling home (which school, which directorate),
rooms with their type filter, buildings, and the forms to create and change them.

Readers: national, academy and directorate officers and the school's director and staff. Writers:
the director and staff. Anyone else, and another school's director, gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from massar.core.errors import DomainError, NotFound
from massar.core.pages import page_of, wants_fragment

from . import access, rooms, selectors
from .forms import BuildingForm, RoomFilterForm, RoomForm

PAGE_SIZE = 25


def establishment_or_404(request, code: str, *, write: bool = False):
    try:
        return access.access_establishment_by_code(actor=request.user, code=code, write=write)
    except NotFound as error:
        raise Http404 from error


def read_scope_or_404(request):
    scope = access.read_scope(request.user)
    if scope.is_empty:
        raise Http404
    return scope


@login_required
@vary_on_headers("HX-Request")
def index_view(request):
    """Where to organise: the establishments in scope, and the directorates an officer oversees.

    Someone who organises a single school goes straight to its classes.
    """
    scope = read_scope_or_404(request)
    directorates = list(access.directorates_overseen(request.user).order_by("code")[:100])
    q = request.GET.get("q", "")[:100]
    schools = selectors.establishments_for_index(scope=scope, q=q)
    if not directorates and not q:
        only = list(schools[:2])
        if len(only) == 1:
            return redirect("schooling:classes", school=only[0].code)
    page, query = page_of(request, schools, per_page=PAGE_SIZE)
    context = {"page": page, "query": query, "q": q, "directorates": directorates}
    template = "schooling/index.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@login_required
@vary_on_headers("HX-Request")
def rooms_view(request, school: str):
    establishment = establishment_or_404(request, school)
    form = RoomFilterForm(request.GET or None)
    listed = list(selectors.rooms_of(establishment=establishment, room_type=form.room_type_value()))
    context = {
        "establishment": establishment,
        "form": form,
        "rooms": listed,
        "buildings": list(selectors.buildings_of(establishment=establishment)),
        "can_write": access.can_write_at(request.user, establishment),
    }
    template = "schooling/rooms.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


def _room_form_page(request, *, establishment, room=None):
    buildings = list(selectors.buildings_of(establishment=establishment))
    initial = RoomForm.initial_of(room) if room else None
    form = RoomForm(request.POST or None, initial=initial, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        try:
            if room is None:
                saved = rooms.room_create(
                    actor=request.user, establishment=establishment, data=form.room_data()
                )
            else:
                saved = rooms.room_update(actor=request.user, room=room, data=form.room_data())
        except DomainError as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(request, _("The room %(code)s is saved.") % {"code": saved.code})
            return redirect("schooling:rooms", school=establishment.code)
    status = 400 if form.errors else 200
    context = {"establishment": establishment, "form": form, "room": room}
    return render(request, "schooling/room_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def room_create_view(request, school: str):
    establishment = establishment_or_404(request, school, write=True)
    return _room_form_page(request, establishment=establishment)


@login_required
@require_http_methods(["GET", "POST"])
def room_edit_view(request, public_id):
    try:
        room = access.access_room_by_public_id(actor=request.user, public_id=public_id, write=True)
    except NotFound as error:
        raise Http404 from error
    return _room_form_page(request, establishment=room.establishment, room=room)


def _building_form_page(request, *, establishment, building=None):
    initial = {"code": building.code, "name": building.name} if building else None
    form = BuildingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if building is None:
                saved = rooms.building_create(
                    actor=request.user,
                    establishment=establishment,
                    code=data["code"],
                    name=data["name"],
                )
            else:
                saved = rooms.building_update(
                    actor=request.user, building=building, code=data["code"], name=data["name"]
                )
        except DomainError as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(request, _("The building %(code)s is saved.") % {"code": saved.code})
            return redirect("schooling:rooms", school=establishment.code)
    status = 400 if form.errors else 200
    context = {"establishment": establishment, "form": form, "building": building}
    return render(request, "schooling/building_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def building_create_view(request, school: str):
    establishment = establishment_or_404(request, school, write=True)
    return _building_form_page(request, establishment=establishment)


@login_required
@require_http_methods(["GET", "POST"])
def building_edit_view(request, public_id):
    try:
        building = access.access_building_by_public_id(
            actor=request.user, public_id=public_id, write=True
        )
    except NotFound as error:
        raise Http404 from error
    return _building_form_page(request, establishment=building.establishment, building=building)
