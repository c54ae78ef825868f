"""Students API: search the files in scope, read one, register a new pupil, re-register one.

Files are read through the administrative roles only (see ``access.records_scope``); writes
need the director or staff of the establishment. Missing and forbidden are the same 404.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from massar.core.api import paginate, reject_unknown_parameters
from massar.core.errors import NotFound, ValidationFailed
from massar.curriculum.models import Level, Stream
from massar.territory.selectors import current_school_year

from . import access, selectors, services
from .schemas import (
    EnrolmentOut,
    PlacementIn,
    ReRegistrationIn,
    StudentDetailOut,
    StudentPage,
    StudentQuery,
    StudentRegistrationIn,
)

router = Router(tags=["students"])


def _placement(*, actor, data: PlacementIn) -> services.Placement:
    establishment = access.access_establishment_for_write(actor=actor, code=data.establishment)
    level = Level.objects.filter(code=data.level.strip().upper()).select_related("cycle").first()
    stream = Stream.objects.filter(code=data.stream.strip().upper()).first()
    if level is None or stream is None:
        raise ValidationFailed(
            _("Unknown level or stream."),
            code="unknown_level",
            details=[{"loc": ["body", "placement"], "msg": _("Unknown level or stream.")}],
        )
    return services.Placement(
        school_year=current_school_year(),
        establishment=establishment,
        level=level,
        stream=stream,
        class_label=data.class_label,
    )


def _detail(student):
    student = selectors.student_detail_queryset().get(pk=student.pk)
    student.enrolments_list = list(selectors.student_path(student))
    return student


@router.get("/students", response=StudentPage, summary="Search pupils")
def students(request, query: Query[StudentQuery]):
    """Files in the caller's scope: by code Massar (or its start) or part of a name in either
    script (spelling variants folded), with filters; ordered by name; paginated.

    Matches are counted up to 5,000: beyond, ``count`` is 5,000, ``count_capped`` is true and
    the pages stop there (refine the search)."""
    reject_unknown_parameters(request, StudentQuery.model_fields)
    filters = selectors.StudentFilters(
        q=query.q,
        establishment=query.establishment,
        level=query.level,
        sex=query.sex or "",
        status=query.status or "",
    )
    queryset = selectors.student_list(scope=access.records_scope(request.user), filters=filters)
    return paginate(queryset, query, cap=selectors.SEARCH_COUNT_CAP)


@router.get("/students/{code}", response=StudentDetailOut, summary="One pupil's file")
def student(request, code: str):
    """The file with its guardians and schooling path; the code of a merged duplicate gives the
    surviving file. 404 when missing or outside the scope. The read is logged."""
    found = access.access_student_by_code(actor=request.user, code=code, log_read=True)
    return _detail(found)


@router.post(
    "/students",
    response={201: StudentDetailOut},
    summary="Register a new pupil",
    openapi_extra={"responses": {409: {"description": "A likely duplicate exists."}}},
)
def student_create(request, payload: StudentRegistrationIn):
    """A new file, its code Massar and this year's enrolment. A likely duplicate answers 409
    with the similar files in ``details``; a director may confirm with ``duplicate_reason``."""
    placement = _placement(actor=request.user, data=payload.placement)
    data = services.StudentData(
        **payload.dict(exclude={"guardians", "placement", "code_massar", "duplicate_reason"}),
        guardians=[
            services.GuardianData(
                **{**guardian.dict(), "phone_operator": guardian.phone_operator or ""}
            )
            for guardian in payload.guardians
        ],
    )
    created = services.student_register(
        actor=request.user,
        data=data,
        placement=placement,
        duplicate_reason=payload.duplicate_reason,
        code_massar=payload.code_massar,
    )
    return 201, _detail(created)


@router.post(
    "/students/{code}/enrolments",
    response={201: EnrolmentOut},
    summary="Re-register a pupil for this year",
)
def student_reregister(request, code: str, payload: ReRegistrationIn):
    """Enrol an existing file for this year at the school holding it (moving to another school
    is a transfer). A second active enrolment in the same year answers 400."""
    found = access.access_student_by_code(actor=request.user, code=code)
    placement = _placement(actor=request.user, data=payload.placement)
    if found.establishment_id != placement.establishment.pk:
        raise NotFound()
    enrolment = services.enrolment_register(
        actor=request.user, student=found, placement=placement, is_repeating=payload.is_repeating
    )
    return 201, enrolment
