"""The timetable router of the JSON API under /api/v1/: the timetables of a class, a teacher and
a room, the caller's own (teacher, pupil, parent), sessions placed and removed by hand (conflicts
answer 409 with the reasons in ``details``), and an establishment's conflict report.

Who sees what is ``access``'s: missing and forbidden are the same 404.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router

from massar.core.api import PageQuery, reject_unknown_parameters
from massar.core.errors import NotFound, ValidationFailed
from massar.territory.selectors import current_school_year

from . import access, conflicts, selectors, services
from .schemas import (
    ClassTimetableOut,
    ConflictPage,
    MyTimetableOut,
    RoomTimetableOut,
    SessionIn,
    SessionOut,
    TeacherTimetableOut,
)

router = Router(tags=["timetable"])

CONFLICT_RESPONSE = {409: {"description": "The session conflicts: the reasons are in details."}}


def _year():
    year = current_school_year()
    if year is None:
        raise NotFound()
    return year


def _grid(shape) -> dict | None:
    if shape is None:
        return None
    return {
        "weekdays": list(shape.days),
        "periods": [
            {"number": p.number, "starts_at": p.starts_at, "ends_at": p.ends_at, "half": p.half}
            for p in shape.periods
        ],
        "free_half_days": [
            {"weekday": day, "half": half} for day, half in sorted(shape.free_half_days)
        ],
        "class_max_periods_per_day": shape.class_max_periods_per_day,
    }


def _session(session, *, shown: bool = True) -> dict:
    common = {
        "weekday": session.weekday,
        "period": session.period,
        "length": session.length,
        "establishment": session.establishment.code,
        "is_locked": session.is_locked,
    }
    if not shown:
        return {
            **common,
            "public_id": None,
            "subject": None,
            "subject_code": None,
            "teacher": None,
            "room": None,
            "school_class": None,
            "is_locked": False,
            "hidden": True,
        }
    return {
        **common,
        "public_id": session.public_id,
        "subject": session.assignment.subject.name,
        "subject_code": session.assignment.subject.code,
        "teacher": session.teacher.display_name,
        "room": session.room.code if session.room_id else None,
        "school_class": session.school_class.name,
        "hidden": False,
    }


def _class_timetable(school_class) -> dict:
    return {
        "public_id": school_class.public_id,
        "name": school_class.name,
        "establishment": school_class.establishment.code,
        "school_year": school_class.school_year.code,
        "grid": _grid(selectors.shape_for(school_class.establishment, school_class.school_year)),
        "sessions": [_session(s) for s in selectors.class_sessions(school_class)],
    }


def _teacher_timetable(teacher, *, actor) -> dict:
    year = _year()
    own = teacher.user_id is not None and teacher.user_id == actor.pk
    scope = access.read_scope(actor)
    sessions = selectors.teacher_sessions(teacher, year)
    home_id = selectors.teacher_home(teacher, sessions)
    home = next((s.establishment for s in sessions if s.establishment_id == home_id), None)
    shape = selectors.shape_for(home or teacher.main_establishment, year)
    return {
        "public_id": teacher.public_id,
        "name": teacher.display_name,
        "school_year": year.code,
        "grid": _grid(shape),
        "sessions": [
            _session(s, shown=own or access.covers(scope, s.establishment)) for s in sessions
        ],
    }


@router.get(
    "/timetables/classes/{public_id}", response=ClassTimetableOut, summary="A class's timetable"
)
def class_timetable(request, public_id: str):
    """The week of a class: its establishment's grid and its sessions. Officers and the school
    read every class; a teacher the classes they teach; a pupil their class; a parent their
    children's. 404 otherwise."""
    school_class = access.access_class_timetable(actor=request.user, public_id=public_id)
    return _class_timetable(school_class)


@router.get(
    "/timetables/teachers/{public_id}",
    response=TeacherTimetableOut,
    summary="A teacher's timetable",
)
def teacher_timetable(request, public_id: str):
    """A teacher's week in every establishment they teach at this year. Sessions in a school
    outside the caller's scope only give the time and the establishment (``hidden``)."""
    teacher = access.access_teacher_timetable(actor=request.user, public_id=public_id)
    return _teacher_timetable(teacher, actor=request.user)


@router.get(
    "/timetables/rooms/{public_id}", response=RoomTimetableOut, summary="A room's timetable"
)
def room_timetable(request, public_id: str):
    """The sessions of a room this year (administrative roles of its school and above)."""
    room = access.access_room_timetable(actor=request.user, public_id=public_id)
    year = _year()
    return {
        "public_id": room.public_id,
        "code": room.code,
        "room_type": room.room_type,
        "capacity": room.capacity,
        "establishment": room.establishment.code,
        "school_year": year.code,
        "grid": _grid(selectors.shape_for(room.establishment, year)),
        "sessions": [_session(s) for s in selectors.room_sessions(room, year)],
    }


@router.get("/me/timetable", response=MyTimetableOut, summary="The caller's own timetable")
def my_timetable(request):
    """For a teacher, their week; for a pupil, their class's; for a parent, one entry per child
    with a class this year. Other callers get an empty answer."""
    mine = access.my_timetables(request.user)
    return {
        "teacher": (_teacher_timetable(mine.teacher, actor=request.user) if mine.teacher else None),
        "classes": [
            {
                "pupil": {
                    "code_massar": child.student.code_massar,
                    "first_name_ar": child.student.first_name_ar,
                    "first_name_fr": child.student.first_name_fr,
                },
                "timetable": _class_timetable(child.school_class),
            }
            for child in mine.children
        ],
    }


def _refuse(field: str, message: str, code: str):
    raise ValidationFailed(message, code=code, details=[{"loc": ["body", field], "msg": message}])


@router.post(
    "/timetables/sessions",
    response={201: SessionOut},
    summary="Place a session by hand",
    openapi_extra={"responses": CONFLICT_RESPONSE},
)
def session_create(request, payload: SessionIn):
    """A weekly lesson of a teaching assignment, at a day and period, in a room of the same
    establishment (director, staff). A hard conflict answers 409 with every reason in
    ``details`` and saves nothing; a teacher's preference does not stop it."""
    assignment = access.access_assignment_for_write(
        actor=request.user, public_id=payload.assignment
    )
    if assignment is None:
        _refuse(
            "assignment",
            _("No teaching assignment of your establishments has this id."),
            "unknown_assignment",
        )
    room = None
    if payload.room is not None:
        room = access.room_of(establishment=assignment.establishment, public_id=payload.room)
        if room is None:
            _refuse("room", _("This room is not one of the establishment's rooms."), "unknown_room")
    session = services.session_create(
        actor=request.user,
        assignment=assignment,
        place=services.SessionPlace(
            weekday=payload.weekday,
            period=payload.period,
            length=payload.length,
            room=room,
            is_locked=payload.is_locked,
        ),
    )
    return 201, _session(session)


@router.delete("/timetables/sessions/{public_id}", response={204: None}, summary="Remove a session")
def session_delete(request, public_id: str):
    """Remove a session (director, staff of its school); 404 for anyone else."""
    session = access.access_session_for_write(actor=request.user, public_id=public_id)
    services.session_delete(actor=request.user, session=session)
    return 204, None


@router.get(
    "/establishments/{code}/timetable-conflicts",
    response=ConflictPage,
    summary="Conflicts of an establishment's timetable",
)
def timetable_conflicts(request, code: str, query: Query[PageQuery]):
    """Every conflict of the establishment's timetable this year (clashes, rooms, availability,
    grid, daily and weekly limits), hard ones first; paginated."""
    reject_unknown_parameters(request, PageQuery.model_fields)
    establishment = access.access_establishment_for_read(actor=request.user, code=code)
    year = _year()
    found = conflicts.school_conflicts(
        establishment_id=establishment.pk,
        school_year_id=year.pk,
        shape=selectors.shape_for(establishment, year),
    )
    found.sort(key=lambda conflict: not conflict.hard)
    start = (query.page - 1) * query.page_size
    return {
        "count": len(found),
        "page": query.page,
        "page_size": query.page_size,
        "results": [c.as_dict() for c in found[start : start + query.page_size]],
    }


# The generator's runs (``api_generation.py``).
from .api_generation import router as generation_router  # noqa: E402

router.add_router("", generation_router)
