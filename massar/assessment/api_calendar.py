"""The test calendar's router of the JSON API (wired under /api/v1/): a class's tests, a
teacher's own tests, a pupil's upcoming tests (for the pupil and their parents); a test scheduled,
moved and cancelled by its teacher or the school's director and staff.

A class with too many tests in a day or a week answers 409 ``overloaded`` with the class's other
tests in ``details``; send ``force: true`` to keep the date. Who sees what is ``access``'s:
missing and forbidden are the same 404.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from massar.core.api import PageQuery, paginate, reject_unknown_parameters
from massar.core.errors import NotFound, ValidationFailed

from . import access
from . import selectors_calendar as selectors
from . import services_calendar as services
from .models import Test
from .schemas_calendar import (
    ClassTestsQuery,
    TestIn,
    TestMoveIn,
    TestOut,
    TestPage,
    UpcomingTestsQuery,
)

router = Router(tags=["test calendar"])

OVERLOAD_RESPONSE = {
    409: {
        "description": "The class would have too many tests that day or week: the other tests "
        "are in details; send force=true to keep the date."
    }
}


def _test(test: Test) -> dict:
    return {
        "public_id": test.public_id,
        "school_class": {"public_id": test.school_class.public_id, "name": test.school_class.name},
        "establishment": test.establishment.code,
        "school_year": test.school_year.code,
        "subject": test.subject.name,
        "subject_code": test.subject.code,
        "semester": test.semester,
        "number": test.number,
        "kind": test.kind,
        "scheduled_on": test.scheduled_on,
        "teacher": test.teacher.display_name if test.teacher_id else None,
        "note": test.note,
        "is_locked": bool(getattr(test, "is_locked", False)),
    }


def _page(queryset, query: PageQuery) -> dict:
    page = paginate(queryset, query)
    page["results"] = [_test(test) for test in page["results"]]
    return page


@router.get("/classes/{public_id}/tests", response=TestPage, summary="A class's tests")
def class_tests(request, public_id: str, query: Query[ClassTestsQuery]):
    """Every test of a class this year, by date (the school's staff, the officers above it and
    the class's teachers); paginated, by semester or subject on demand."""
    reject_unknown_parameters(request, ClassTestsQuery.model_fields)
    school_class = access.access_class(actor=request.user, public_id=public_id)
    tests = selectors.class_tests(school_class, semester=query.semester, subject_code=query.subject)
    return _page(tests, query)


@router.get("/me/tests", response=TestPage, summary="The caller's own tests (teacher)")
def my_tests(request, query: Query[UpcomingTestsQuery]):
    """A teacher's tests of this year's classes and subjects, by date, from ``since`` when
    given; empty for anyone else."""
    reject_unknown_parameters(request, UpcomingTestsQuery.model_fields)
    teacher = access.own_teacher(request.user)
    if teacher is None:
        tests = Test.objects.none()
    else:
        tests = selectors.own_tests(request.user)
        if query.since is not None:
            tests = tests.filter(scheduled_on__gte=query.since)
    return _page(tests, query)


@router.get(
    "/students/{code}/tests", response=TestPage, summary="A pupil's upcoming tests (family)"
)
def pupil_tests(request, code: str, query: Query[UpcomingTestsQuery]):
    """The tests of the pupil's current class from ``since`` (default today), for the pupil
    and their parents; another pupil's code is 404."""
    reject_unknown_parameters(request, UpcomingTestsQuery.model_fields)
    student = access.access_family_student(actor=request.user, code=code)
    child = selectors.child_of(selectors.family_children(request.user), student)
    if child is None or child.school_class is None:
        tests = Test.objects.none()
    else:
        tests = selectors.class_tests(child.school_class, since=query.since or selectors.today())
    return _page(tests, query)


@router.post(
    "/tests",
    response={201: TestOut},
    summary="Schedule a test",
    openapi_extra={"responses": OVERLOAD_RESPONSE},
)
def test_schedule(request, payload: TestIn):
    """The teacher of the class × subject, or the school's director or staff, schedules a test.
    A class they do not teach (or of another school) is 404."""
    school_class = selectors.access_class_for_scheduling(
        actor=request.user, public_id=payload.school_class
    )
    try:
        subject = access.access_subject(payload.subject)
    except NotFound as error:
        message = _("Unknown subject: %(codes)s.") % {"codes": payload.subject}
        raise ValidationFailed(
            message,
            code="unknown_subject",
            details=[{"loc": ["body", "payload", "subject"], "msg": message}],
        ) from error
    test = services.test_schedule(
        actor=request.user,
        school_class=school_class,
        subject=subject,
        semester=payload.semester,
        number=payload.number,
        scheduled_on=payload.scheduled_on,
        kind=payload.kind,
        note=payload.note,
        force=payload.force,
        today=selectors.today(),
    )
    return 201, _test(selectors.tests_queryset().get(pk=test.pk))


@router.patch(
    "/tests/{public_id}",
    response=TestOut,
    summary="Move a test",
    openapi_extra={"responses": OVERLOAD_RESPONSE},
)
def test_move(request, public_id: str, payload: TestMoveIn):
    """Move a test to another day (and change its kind or note). Refused once its mark sheet
    is validated."""
    test = selectors.access_test(actor=request.user, public_id=public_id)
    services.test_reschedule(
        actor=request.user,
        test=test,
        scheduled_on=payload.scheduled_on,
        kind=payload.kind,
        note=payload.note,
        force=payload.force,
        today=selectors.today(),
    )
    return _test(selectors.tests_queryset().get(pk=test.pk))


@router.delete("/tests/{public_id}", response={204: None}, summary="Cancel a test")
def test_cancel(request, public_id: str):
    """Cancel a test (its history keeps it). Refused once its mark sheet is validated."""
    test = selectors.access_test(actor=request.user, public_id=public_id)
    services.test_cancel(actor=request.user, test=test)
    return 204, None
