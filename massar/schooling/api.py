"""The schooling router of the JSON API under /api/v1/: classes, their pupils, rooms, placing
pupils, and an establishment's school map.

Reads follow the organisation scope (officers, the school's director and staff); other callers
see empty lists and 404s. Creating classes and placing pupils needs the school's director or
staff; anyone else gets 404 for the establishment or class.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from massar.core.api import PageQuery, paginate, reject_unknown_parameters
from massar.core.errors import NotFound, ValidationFailed
from massar.curriculum.models import Level, Stream
from massar.territory.selectors import current_school_year

from . import access, placements, school_map, selectors, services
from .schemas import (
    ClassIn,
    ClassOut,
    ClassPage,
    ClassPupilPage,
    ClassQuery,
    PlacementsIn,
    PlacementsOut,
    RoomPage,
    RoomQuery,
    SchoolMapOut,
    SchoolMapQuery,
)

router = Router(tags=["schooling"])


def _with_count(school_class):
    """The class again, with its pupil count and other levels (after an access or a write)."""
    return selectors.class_with_count(school_class.pk)


def _current_year():
    year = current_school_year()
    if year is None:
        raise ValidationFailed(_("No school year is current: ask a national administrator."))
    return year


@router.get("/classes", response=ClassPage, summary="Classes")
def classes(request, query: Query[ClassQuery]):
    """Classes in the caller's scope, of the current school year unless ``year`` is given,
    with their pupil counts; by establishment, level and name; paginated."""
    reject_unknown_parameters(request, ClassQuery.model_fields)
    filters = selectors.ClassFilters(
        establishment=query.establishment, school_year=query.year, level=query.level
    )
    queryset = selectors.class_list(scope=access.read_scope(request.user), filters=filters)
    return paginate(queryset, query)


@router.get("/classes/{public_id}", response=ClassOut, summary="One class")
def school_class(request, public_id: str):
    found = access.access_class_by_public_id(actor=request.user, public_id=public_id)
    return _with_count(found)


@router.get("/classes/{public_id}/pupils", response=ClassPupilPage, summary="Pupils of a class")
def class_pupils(request, public_id: str, query: Query[PageQuery]):
    """The class's pupils (active enrolments) by name: names in both scripts, code Massar, sex,
    birth date, level, repeating; paginated."""
    reject_unknown_parameters(request, PageQuery.model_fields)
    found = access.access_class_by_public_id(actor=request.user, public_id=public_id)
    rows = selectors.class_pupils(found)
    start = (query.page - 1) * query.page_size
    return {
        "count": len(rows),
        "page": query.page,
        "page_size": query.page_size,
        "results": rows[start : start + query.page_size],
    }


@router.get("/rooms", response=RoomPage, summary="Rooms")
def rooms(request, query: Query[RoomQuery]):
    """Rooms in the caller's scope, by establishment and code; paginated."""
    reject_unknown_parameters(request, RoomQuery.model_fields)
    filters = selectors.RoomFilters(
        establishment=query.establishment,
        room_type=query.room_type or "",
        active=query.active,
    )
    return paginate(
        selectors.room_list(scope=access.read_scope(request.user), filters=filters), query
    )


@router.post("/classes", response={201: ClassOut}, summary="Create a class")
def class_create(request, payload: ClassIn):
    """A class of the current year at an establishment the caller organises (director, staff),
    named by the usual convention; ``number`` defaults to the next free one."""
    establishment = access.access_establishment_by_code(
        actor=request.user, code=payload.establishment, write=True
    )
    stream = Stream.objects.filter(code=payload.stream.strip().upper()).first()
    if stream is None:
        raise ValidationFailed(
            _("Unknown stream."),
            code="unknown_stream",
            details=[{"loc": ["body", "payload", "stream"], "msg": _("Unknown stream.")}],
        )
    codes = {code.strip().upper() for code in payload.other_levels}
    others = list(Level.objects.filter(code__in=codes))
    if len(others) != len(codes):
        raise ValidationFailed(
            _("Unknown level."),
            code="unknown_level",
            details=[{"loc": ["body", "payload", "other_levels"], "msg": _("Unknown level.")}],
        )
    home_room = None
    if payload.home_room is not None:
        try:
            home_room = access.access_room_by_public_id(
                actor=request.user, public_id=payload.home_room, write=True
            )
        except NotFound as error:
            raise ValidationFailed(
                _("The home room must be a room of this school."), code="room_elsewhere"
            ) from error
    created = services.class_create(
        actor=request.user,
        establishment=establishment,
        school_year=_current_year(),
        data=services.ClassData(
            stream=stream,
            capacity=payload.capacity,
            number=payload.number,
            language_option=payload.language_option,
            home_room=home_room,
            other_levels=tuple(others),
        ),
    )
    return 201, _with_count(created)


@router.post(
    "/classes/{public_id}/placements", response={200: PlacementsOut}, summary="Place pupils"
)
def class_place(request, public_id: str, payload: PlacementsIn):
    """Put pupils (codes Massar) of the school and year in this class, placing or moving them.
    All or nothing: a pupil not of the school, of another level or stream, or a class over its
    capacity answers 400 and nothing changes."""
    found = access.access_class_by_public_id(actor=request.user, public_id=public_id, write=True)
    result = placements.pupils_place(actor=request.user, school_class=found, codes=payload.codes)
    return {
        "placed": result.placed,
        "moved": result.moved,
        "unchanged": result.unchanged,
        "school_class": _with_count(found),
    }


@router.get(
    "/establishments/{code}/school-map", response=SchoolMapOut, summary="School map of a school"
)
def establishment_school_map(request, code: str, query: Query[SchoolMapQuery]):
    """Pupils, classes and classrooms the establishment needs the year after ``year`` (the
    current school year by default), level by level."""
    reject_unknown_parameters(request, SchoolMapQuery.model_fields)
    establishment = access.access_establishment_by_code(actor=request.user, code=code)
    try:
        school_year = access.access_school_year_by_code(query.year, default=current_school_year())
    except NotFound as error:
        raise ValidationFailed(
            _("Unknown school year."),
            code="unknown_year",
            details=[{"loc": ["query", "year"], "msg": _("Unknown school year.")}],
        ) from error
    return school_map.establishment_school_map(establishment=establishment, school_year=school_year)
