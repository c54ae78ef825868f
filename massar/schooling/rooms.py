"""Writes of a school's physical structure: buildings and rooms (type, capacity 1–500,
step-free access, in use).

Same rules as ``services``: the school's director or staff, everything checked first, one
transaction, a clear message for each bad input.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from massar.territory.models import Establishment

from .access import require_write_at
from .models import Building, Room, RoomType, SchoolClass
from .services import full_clean, invalid

ROOM_CAPACITY = (1, 500)


def _check_building_code(establishment: Establishment, code: str, *, exclude_pk=None) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise invalid(_("Give the building a code."), "code_required", "code")
    taken = Building.objects.filter(establishment=establishment, code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise invalid(
            _("A building with the code %(code)s already exists in this school.") % {"code": code},
            "building_code_taken",
            "code",
        )
    return code


def _building_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise invalid(_("Give the building a name."), "name_required", "name")
    return name


@transaction.atomic
def building_create(*, actor, establishment: Establishment, code: str, name: str) -> Building:
    """A building of the establishment (block A, the annex…); codes are unique per school."""
    require_write_at(actor, establishment)
    building = Building(
        establishment=establishment,
        code=_check_building_code(establishment, code),
        name=_building_name(name),
    )
    full_clean(building, exclude=["establishment"])
    building.save()
    return building


@transaction.atomic
def building_update(*, actor, building: Building, code: str, name: str) -> Building:
    require_write_at(actor, building.establishment)
    building.code = _check_building_code(building.establishment, code, exclude_pk=building.pk)
    building.name = _building_name(name)
    full_clean(building, exclude=["establishment"])
    building.save(update_fields=["code", "name", "updated_at"])
    return building


# --- Rooms -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomData:
    """A room as the edges (form, API, seed) validated it."""

    code: str
    capacity: int
    room_type: str = RoomType.CLASSROOM
    name: str = ""
    building: Building | None = None
    is_accessible: bool = False
    is_active: bool = True


def _check_room(establishment: Establishment, data: RoomData, *, exclude_pk=None) -> str:
    code = (data.code or "").strip().upper()
    if not code:
        raise invalid(_("Give the room a code."), "code_required", "code")
    if data.room_type not in RoomType.values:
        raise invalid(_("Choose the type of room."), "room_type", "room_type")
    low, high = ROOM_CAPACITY
    if not isinstance(data.capacity, int) or not low <= data.capacity <= high:
        raise invalid(
            _("The capacity of a room is between %(min)s and %(max)s places.")
            % {"min": low, "max": high},
            "room_capacity",
            "capacity",
        )
    if data.building is not None and data.building.establishment_id != establishment.pk:
        raise invalid(
            _("The building must be a building of this school."), "building_elsewhere", "building"
        )
    taken = Room.objects.filter(establishment=establishment, code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise invalid(
            _("A room with the code %(code)s already exists in this school.") % {"code": code},
            "room_code_taken",
            "code",
        )
    return code


def _apply_room(room: Room, data: RoomData, code: str) -> None:
    room.code = code
    room.name = (data.name or "").strip()
    room.room_type = data.room_type
    room.capacity = data.capacity
    room.building = data.building
    room.is_accessible = bool(data.is_accessible)
    room.is_active = bool(data.is_active)


@transaction.atomic
def room_create(*, actor, establishment: Establishment, data: RoomData) -> Room:
    """A room of the establishment: code unique in the school, capacity 1–500."""
    require_write_at(actor, establishment)
    code = _check_room(establishment, data)
    room = Room(establishment=establishment)
    _apply_room(room, data, code)
    full_clean(room, exclude=["establishment"])
    room.save()
    return room


@transaction.atomic
def room_update(*, actor, room: Room, data: RoomData) -> Room:
    """Change a room. Its capacity cannot go below a class of the year that has it as home."""
    require_write_at(actor, room.establishment)
    code = _check_room(room.establishment, data, exclude_pk=room.pk)
    larger = (
        SchoolClass.objects.filter(
            home_room=room, school_year__is_current=True, capacity__gt=data.capacity
        )
        .order_by("-capacity")
        .first()
    )
    if larger is not None:
        raise invalid(
            _(
                "The class %(name)s has this room as its home room and takes %(capacity)s "
                "pupils: the room cannot hold fewer."
            )
            % {"name": larger.name, "capacity": larger.capacity},
            "room_below_class",
            "capacity",
        )
    _apply_room(room, data, code)
    full_clean(room, exclude=["establishment"])
    room.save(
        update_fields=[
            "code",
            "name",
            "room_type",
            "capacity",
            "building",
            "is_accessible",
            "is_active",
            "updated_at",
        ]
    )
    return room
