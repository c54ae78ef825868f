"""The staff router of the JSON API under /api/v1/: staff files, teaching assignments, a
teacher's own classes and an establishment's shortages.

Staff files are read by the administrative roles of their scope, with CIN and payroll number;
a teacher reads the colleagues of their school without them. Assignments are made by the
director and staff of the class's school; a teacher reads only their own.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from massar.core.api import paginate, reject_unknown_parameters
from massar.core.errors import NotFound, ValidationFailed
from massar.territory.models import SchoolYear

from . import access, selectors, services, shortages
from .schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPage,
    AssignmentQuery,
    MyClassesOut,
    ShortagesOut,
    StaffOut,
    StaffPage,
    StaffQuery,
)

router = Router(tags=["staff"])


def _year() -> SchoolYear:
    year = selectors.current_year()
    if year is None:
        raise NotFound()
    return year


@router.get("/staff", response=StaffPage, summary="List staff")
def staff(request, query: Query[StaffQuery]):
    """Staff files in the caller's scope (administrative roles), or the colleagues of a
    teacher's school, by name, paginated. ``cin`` and ``payroll_number`` are null unless the
    caller holds an administrative role over the file."""
    reject_unknown_parameters(request, StaffQuery.model_fields)
    active = "" if query.active is None else ("yes" if query.active else "no")
    filters = selectors.StaffFilters(
        q=query.q,
        establishment=query.establishment,
        kind=query.kind or "",
        status=query.status or "",
        subject=query.subject,
        active=active,
    )
    queryset = selectors.staff_list(
        scope=access.read_scope(request.user),
        filters=filters,
        base=access.staff_visible_to(request.user),
    )
    return paginate(queryset, query)


@router.get("/staff/{public_id}", response=StaffOut, summary="One staff file")
def staff_member(request, public_id: str):
    """One staff file; 404 when it does not exist or is outside the caller's scope."""
    found = access.access_colleague_by_public_id(actor=request.user, public_id=public_id)
    return selectors.staff_detail(found, base=access.staff_visible_to(request.user))


@router.get("/teaching-assignments", response=AssignmentPage, summary="List teaching assignments")
def teaching_assignments(request, query: Query[AssignmentQuery]):
    """This year's assignments in the caller's scope; a teacher gets only their own."""
    reject_unknown_parameters(request, AssignmentQuery.model_fields)
    queryset = selectors.assignments_visible(
        actor=request.user, scope=access.read_scope(request.user), school_year=_year()
    )
    if query.school_class is not None:
        queryset = queryset.filter(school_class__public_id=query.school_class)
    if query.teacher is not None:
        queryset = queryset.filter(teacher__public_id=query.teacher)
    if query.establishment:
        queryset = queryset.filter(establishment__code=query.establishment.strip().upper())
    return paginate(queryset, query)


@router.post(
    "/teaching-assignments",
    response={201: AssignmentOut},
    summary="Assign a teacher to a class's subject",
    openapi_extra={
        "responses": {
            409: {
                "description": (
                    "The subject already has a teacher, or the teacher is not qualified or "
                    "would go over quota (send force=true to assign anyway)."
                )
            }
        }
    },
)
def teaching_assignment_create(request, payload: AssignmentIn):
    """The director or staff of the class's school assigns a teacher for the year; the hours
    default to the curriculum's. A class of another school is 404."""
    school_class = access.access_class_by_public_id(
        actor=request.user, public_id=payload.school_class, for_write=True
    )
    try:
        subject = access.access_subject_by_code(payload.subject)
    except NotFound as error:
        message = _("Unknown subject: %(codes)s.") % {"codes": payload.subject}
        raise ValidationFailed(
            message,
            code="unknown_subject",
            details=[{"loc": ["body", "payload", "subject"], "msg": message}],
        ) from error
    try:
        teacher = access.access_staff_by_public_id(actor=request.user, public_id=payload.teacher)
    except NotFound as error:
        message = _("No staff file with this id serves your establishments.")
        raise ValidationFailed(
            message,
            code="unknown_teacher",
            details=[{"loc": ["body", "payload", "teacher"], "msg": message}],
        ) from error
    assignment = services.teaching_assignment_create(
        actor=request.user,
        school_class=school_class,
        subject=subject,
        teacher=teacher,
        weekly_hours=payload.weekly_hours,
        force=payload.force,
    )
    return 201, assignment


@router.get("/me/classes", response=MyClassesOut, summary="My classes (teachers)")
def my_classes(request):
    """The classes the caller teaches this year, with subject, hours and number of pupils;
    empty for someone without a staff file."""
    year = selectors.current_year()
    teacher = access.teacher_of(request.user)
    if teacher is None or year is None:
        return {"school_year": year.code if year else None, "results": []}
    return {"school_year": year.code, "results": list(selectors.teacher_classes(teacher, year))}


@router.get(
    "/establishments/{code}/shortages",
    response=ShortagesOut,
    summary="An establishment's teacher shortages",
)
def establishment_shortages(request, code: str):
    """Every class's subject with curriculum hours and no teacher this year, with totals per
    subject in hours and full-time teachers. Administrative roles of the scope; 404 otherwise."""
    establishment = access.access_establishment_for_read(actor=request.user, code=code)
    year = _year()
    result = shortages.establishment_shortages(establishment=establishment, school_year=year)
    return {
        "establishment": establishment.code,
        "school_year": year.code,
        "hours": float(result.hours),
        "full_time_equivalent": float(result.fte),
        "by_subject": [
            {
                "subject": total.code,
                "name": total.name,
                "classes": total.classes,
                "hours": float(total.hours),
                "full_time_equivalent": float(total.fte),
            }
            for total in result.by_subject
        ],
        "rows": [
            {
                "school_class": row.class_public_id,
                "class_name": row.class_name,
                "subject": row.subject_code,
                "hours": float(row.hours),
            }
            for row in result.rows
        ],
    }
