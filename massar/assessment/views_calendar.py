"""Pages of the test calendar: where each account starts, a teacher's calendar with the form to
schedule (an htmx check warns before saving), a class's calendar, a school's week with its
overloaded days, a pupil's upcoming tests (for the pupil and their parents), moving and
cancelling a test.

Every object named by the URL goes through ``access`` (or the calendar's lookups built on it):
missing and forbidden are the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from massar.accounts.models import Role
from massar.accounts.scope import scope_for
from massar.core.errors import DomainError, NotFound
from massar.territory.models import Establishment
from massar.territory.selectors import current_school_year

from . import access
from . import selectors_calendar as selectors
from . import services_calendar as services
from .forms_calendar import TestMoveForm, TestScheduleForm, WeekForm, add_failure


def _year():
    year = current_school_year()
    if year is None:
        raise Http404
    return year


def _or_404(lookup, **kwargs):
    try:
        return lookup(**kwargs)
    except NotFound as error:
        raise Http404 from error


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT")


# --- where each account starts ----------------------------------------------------------------


@login_required
def calendar_home_view(request):
    """A teacher to their calendar, a pupil or parent to the upcoming tests, a director or
    staff to their school's week; officers choose a school by code."""
    user = request.user
    scope = scope_for(user)
    if scope.is_empty:
        raise Http404
    teacher = access.own_teacher(user)
    family = scope.has_role(Role.STUDENT, Role.PARENT)
    children = selectors.family_children(user) if family else []
    running = access.school_scope(user)
    schools = (
        list(running.filter_establishments(Establishment.objects.all()).order_by("code"))
        if not running.is_empty
        else []
    )
    reading = access.read_scope(user)
    reads_schools = bool(reading.national or reading.academy_ids or reading.directorate_ids)
    code = request.GET.get("code", "").strip().upper()
    if reads_schools and code:
        return redirect("assessment:calendar_school", code=code)
    targets = int(teacher is not None) + len(children) + len(schools)
    if targets == 1 and not reads_schools:
        if teacher is not None:
            return redirect("assessment:calendar_teacher")
        if children:
            return redirect("assessment:calendar_pupil", code=children[0].student.code_massar)
        return redirect("assessment:calendar_school", code=schools[0].code)
    context = {
        "teacher": teacher,
        "family": family,
        "children": children,
        "schools": schools,
        "reads_schools": reads_schools,
    }
    return render(request, "assessment/calendar_home.html", context)


# --- scheduling -------------------------------------------------------------------------------


def _schedule_form(request, *, assignments, with_class: bool, year):
    """The form to schedule a test, bound on POST; ``(form, warning, response)`` where the
    response is the redirect after a saved test."""
    today = selectors.today()
    if request.method != "POST":
        day = selectors.reference_day(year, today)
        initial = {"semester": selectors.semester_of(day)}
        if year.starts_on <= today <= year.ends_on:
            initial["scheduled_on"] = today
        return (
            TestScheduleForm(assignments=assignments, with_class=with_class, initial=initial),
            None,
            None,
        )
    form = TestScheduleForm(request.POST, assignments=assignments, with_class=with_class)
    if not form.is_valid():
        return form, None, None
    chosen = form.chosen
    data = form.cleaned_data
    try:
        test = services.test_schedule(
            actor=request.user,
            school_class=chosen.school_class,
            subject=chosen.subject,
            semester=data["semester"],
            number=data["number"],
            scheduled_on=data["scheduled_on"],
            kind=data["kind"],
            note=data["note"],
            force=data["force"],
            today=today,
        )
    except services.TestOverloaded as warning:
        return form, warning, None
    except DomainError as failure:
        add_failure(form, failure)
        return form, None, None
    messages.success(
        request,
        _("Test %(number)s of %(subject)s is scheduled for %(class)s on %(day)s.")
        % {
            "number": test.number,
            "subject": chosen.subject.name,
            "class": chosen.school_class.name,
            "day": _day(test.scheduled_on),
        },
    )
    return form, None, redirect(request.get_full_path())


def _mark_changeable(request, tests, assignments) -> None:
    pairs = selectors.own_pairs(assignments)
    for test in tests:
        test.can_change = selectors.can_change(request.user, test, own_pairs=pairs)


@login_required
def calendar_teacher_view(request):
    """A teacher's calendar: every test of the classes they teach (their own subjects marked),
    and the form to schedule one of theirs."""
    teacher = access.own_teacher(request.user)
    if teacher is None:
        raise Http404
    year = _year()
    assignments = selectors.schedulable_assignments(request.user)
    form, warning, response = _schedule_form(
        request, assignments=assignments, with_class=True, year=year
    )
    if response is not None:
        return response
    tests = selectors.teacher_calendar(assignments)
    _mark_changeable(request, tests, assignments)
    today = selectors.today()
    context = {
        "teacher": teacher,
        "year": year,
        "form": form,
        "warning": warning,
        "assignments": assignments,
        "can_schedule": bool(assignments) and today <= year.ends_on,
        "upcoming": [t for t in tests if t.scheduled_on >= today],
        "past": [t for t in tests if t.scheduled_on < today],
        "today": today,
        "show_actions": any(t.can_change or t.is_locked for t in tests),
    }
    return render(request, "assessment/calendar_teacher.html", context)


@login_required
def calendar_class_view(request, public_id):
    """A class's calendar: the school's staff, the officers above it and the class's teachers
    read it; its teachers (their subjects) and the school's staff schedule from it."""
    school_class = _or_404(access.access_class, actor=request.user, public_id=public_id)
    year = school_class.school_year
    assignments = selectors.schedulable_assignments(request.user, school_class)
    form, warning, response = _schedule_form(
        request, assignments=assignments, with_class=False, year=year
    )
    if response is not None:
        return response
    tests = selectors.class_calendar(school_class)
    _mark_changeable(request, tests, assignments)
    today = selectors.today()
    context = {
        "school_class": school_class,
        "year": year,
        "form": form,
        "warning": warning,
        "can_schedule": bool(assignments) and today <= year.ends_on,
        "semesters": [
            (1, "calendar-s1", [t for t in tests if t.semester == 1]),
            (2, "calendar-s2", [t for t in tests if t.semester == 2]),
        ],
        "show_actions": any(t.can_change or t.is_locked for t in tests),
        "today": today,
        "reads_school": access.reads_school(request.user, school_class.establishment),
    }
    return render(request, "assessment/calendar_class.html", context)


@login_required
@require_POST
def calendar_check_view(request):
    """The htmx check of the schedule form: the refusal a save would give, or the class's other
    tests that day and week, with the warning when it is overloaded. Nothing is saved."""
    assignment = selectors.access_assignment_for_scheduling(
        actor=request.user, public_id=request.POST.get("assignment", "")
    )
    context = {}
    if assignment is not None:
        form = TestScheduleForm(request.POST, assignments=[assignment])
        if form.is_valid():
            data = form.cleaned_data
            school_class = assignment.school_class
            try:
                load = services.test_schedule_check(
                    actor=request.user,
                    school_class=school_class,
                    subject=assignment.subject,
                    semester=data["semester"],
                    number=data["number"],
                    scheduled_on=data["scheduled_on"],
                    today=selectors.today(),
                )
            except DomainError as failure:
                context["refusal"] = failure.message
            else:
                weekdays = selectors.subject_weekdays(school_class, assignment.subject_id)
                context.update(
                    {
                        "load": load,
                        "school_class": school_class,
                        "subject": assignment.subject,
                        "message": (
                            services.overload_message(school_class, load) if load.overloaded else ""
                        ),
                        "weekdays": weekdays,
                        "off_day": bool(weekdays)
                        and data["scheduled_on"].isoweekday() not in weekdays,
                    }
                )
    return render(request, "assessment/_calendar_check.html", context)


# --- the school's week ------------------------------------------------------------------------


@login_required
def calendar_school_view(request, code: str):
    """A school's tests of one week (``?week=`` any day of it), the days on which a class has
    too many tests flagged; for its director and staff and the officers above it."""
    establishment = _or_404(access.access_establishment, actor=request.user, code=code)
    year = _year()
    form = WeekForm(request.GET)
    chosen = form.cleaned_data.get("week") if form.is_valid() else None
    if chosen is not None:
        day = selectors.reference_day(year, chosen)
    else:
        day = selectors.school_week_day(establishment, year, selectors.today())
    week = selectors.school_week(establishment, year, day)
    context = {
        "establishment": establishment,
        "year": year,
        "week": week,
    }
    return render(request, "assessment/calendar_school.html", context)


# --- pupils and parents -----------------------------------------------------------------------


@login_required
def calendar_family_view(request):
    """A pupil or parent: to the (first) pupil's upcoming tests."""
    if not scope_for(request.user).has_role(Role.STUDENT, Role.PARENT):
        raise Http404
    children = selectors.family_children(request.user)
    if children:
        return redirect("assessment:calendar_pupil", code=children[0].student.code_massar)
    return render(request, "assessment/calendar_pupil.html", {"children": [], "child": None})


@login_required
def calendar_pupil_view(request, code: str):
    """The upcoming tests of a pupil's current class, and those already sat this year, for the
    pupil and their parents (a switch between children); another pupil is not found."""
    student = _or_404(access.access_family_student, actor=request.user, code=code)
    children = selectors.family_children(request.user)
    child = selectors.child_of(children, student)
    today = selectors.today()
    tests = []
    if child is not None and child.school_class is not None:
        tests = selectors.class_calendar(child.school_class)
    context = {
        "student": student,
        "children": children,
        "child": child,
        "upcoming": [t for t in tests if t.scheduled_on >= today],
        "past": [t for t in tests if t.scheduled_on < today],
        "today": today,
    }
    return render(request, "assessment/calendar_pupil.html", context)


# --- moving and cancelling --------------------------------------------------------------------


def _back(request, test) -> str:
    return _next_url(
        request, reverse("assessment:calendar_class", args=[test.school_class.public_id])
    )


@login_required
def calendar_move_view(request, public_id):
    """Move a test to another day (its kind and note too); an overloaded day asks to confirm
    ("move anyway")."""
    test = _or_404(selectors.access_test, actor=request.user, public_id=public_id)
    warning = None
    if request.method == "POST" and not test.is_locked:
        form = TestMoveForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.test_reschedule(
                    actor=request.user,
                    test=test,
                    scheduled_on=data["scheduled_on"],
                    kind=data["kind"],
                    note=data["note"],
                    force=data["force"],
                    today=selectors.today(),
                )
            except services.TestOverloaded as overloaded:
                warning = overloaded
            except DomainError as failure:
                add_failure(form, failure)
            else:
                messages.success(
                    request,
                    _("Test %(number)s of %(subject)s is now on %(day)s.")
                    % {
                        "number": test.number,
                        "subject": test.subject.name,
                        "day": _day(test.scheduled_on),
                    },
                )
                return redirect(_back(request, test))
    else:
        form = TestMoveForm(
            initial={"scheduled_on": test.scheduled_on, "kind": test.kind, "note": test.note}
        )
    history = list(test.history.select_related("history_user").order_by("-history_date")[:20])
    context = {
        "test": test,
        "form": form,
        "warning": warning,
        "history": history,
        "next": _back(request, test),
    }
    return render(request, "assessment/calendar_move.html", context)


@login_required
@require_POST
def calendar_cancel_view(request, public_id):
    test = _or_404(selectors.access_test, actor=request.user, public_id=public_id)
    target = _back(request, test)
    values = {"number": test.number, "subject": test.subject.name, "class": test.school_class.name}
    try:
        services.test_cancel(actor=request.user, test=test)
    except DomainError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request, _("Test %(number)s of %(subject)s for %(class)s is cancelled.") % values
        )
    return redirect(target)
