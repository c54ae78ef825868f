"""The test calendar's pages with the cast: who reads and who schedules (404 for everyone else,
the other school's director and the outsider included), the schedule form and its htmx check,
the warning and "schedule anyway", moving and cancelling, the school's week with its overloaded
days, a pupil's and a parent's upcoming tests, and bounded queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext

from massar.assessment import selectors_calendar
from massar.assessment import services_calendar as services
from massar.assessment.models import SheetStatus
from massar.assessment.models import Test as CalendarTest
from massar.assessment.rules import rule_for_class
from massar.assessment.tests.builders import class_world, other_world, sheet_for
from massar.schooling.tests.factories import SchoolClassFactory
from massar.staff.models import TeachingAssignment
from massar.staff.tests.factories import TeachingAssignmentFactory
from massar.students.models import Guardian, Relationship

pytestmark = pytest.mark.django_db

TODAY = date(2025, 11, 3)  # a Monday of the 2025/2026 year
MONDAY = date(2025, 11, 10)
TUESDAY = date(2025, 11, 11)

READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]
OTHERS = ["director_a2", "academy_officer_b", "directorate_officer_b1", "outsider"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(selectors_calendar, "today", lambda: TODAY)


@pytest.fixture
def world(cast):
    world = class_world(cast)
    rule = rule_for_class(world.school_class)
    rule.max_tests_per_day = 2
    rule.max_tests_per_week = 4
    rule.save()
    return world


def schedule(actor, world, code="MATH", **overrides):
    values = {
        "actor": actor,
        "school_class": world.school_class,
        "subject": world.subjects[code],
        "semester": 1,
        "number": 1,
        "scheduled_on": MONDAY,
        "today": TODAY,
    }
    values.update(overrides)
    return services.test_schedule(**values)


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def post(client, user, url, data, **headers):
    client.force_login(user)
    return client.post(url, data, **headers)


def assignment(world, code) -> TeachingAssignment:
    return TeachingAssignment.objects.get(school_class=world.school_class, subject__code=code)


def form_data(world, code="MATH", **overrides):
    data = {
        "assignment": str(assignment(world, code).public_id),
        "semester": "1",
        "number": "1",
        "scheduled_on": MONDAY.isoformat(),
        "kind": "test",
        "note": "",
    }
    data.update(overrides)
    return data


TEACHER_URL = reverse("assessment:calendar_teacher")


def class_url(world):
    return reverse("assessment:calendar_class", args=[world.school_class.public_id])


# --- the teacher's calendar -------------------------------------------------------------------


def test_the_teacher_sees_every_test_of_their_classes_and_their_own_marked(client, cast, world):
    schedule(cast.teacher_a1, world, "MATH")
    pc = schedule(cast.director_a1, world, "PC", scheduled_on=TUESDAY)
    response = get(client, cast.teacher_a1, TEACHER_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="calendar-schedule"' in content
    assert content.count('data-own="yes"') == 1
    assert content.count('data-own="no"') == 1
    # they move their own test, not the colleague's
    assert f'id="move-{pc.public_id}"' not in content
    form = response.context["form"]
    assert [label for _value, label in form.fields["assignment"].choices] == [
        f"TCS-1 · {world.subjects['FR'].name}",
        f"TCS-1 · {world.subjects['MATH'].name}",
    ]


@pytest.mark.parametrize(
    "member", ["director_a1", "director_a2", "student_a1", "parent_a1", "outsider"]
)
def test_the_teacher_page_is_not_found_for_anyone_without_a_teacher_file(
    client, cast, world, member
):
    assert get(client, getattr(cast, member), TEACHER_URL).status_code == 404


def test_the_teacher_schedules_from_their_page(client, cast, world):
    response = post(client, cast.teacher_a1, TEACHER_URL, form_data(world, note="Ch. 3"))
    assert response.status_code == 302
    test = CalendarTest.objects.get()
    assert (test.subject.code, test.scheduled_on, test.note, test.teacher) == (
        "MATH",
        MONDAY,
        "Ch. 3",
        world.teacher,
    )


def test_a_refusal_is_shown_on_the_form(client, cast, world):
    response = post(
        client, cast.teacher_a1, TEACHER_URL, form_data(world, scheduled_on="2025-11-06")
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["scheduled_on"]
    holiday = date_format(date(2025, 11, 6), "DATE_FORMAT")
    assert message == gettext(
        "%(day)s falls in %(holiday)s (%(start)s to %(end)s): choose a school day."
    ) % {"day": holiday, "holiday": "ذكرى المسيرة الخضراء", "start": holiday, "end": holiday}
    assert not CalendarTest.objects.exists()


def test_a_colleagues_subject_is_not_a_choice(client, cast, world):
    response = post(client, cast.teacher_a1, TEACHER_URL, form_data(world, "PC"))
    assert response.status_code == 200
    assert "assignment" in response.context["form"].errors
    assert not CalendarTest.objects.exists()


def test_an_overloaded_day_asks_to_schedule_anyway(client, cast, world):
    schedule(cast.director_a1, world, "PC")
    schedule(cast.director_a1, world, "SVT")
    response = post(client, cast.teacher_a1, TEACHER_URL, form_data(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="calendar-overload"' in content
    assert 'id="calendar-force"' in content
    assert gettext("Schedule anyway") in content
    assert content.count("data-same-day") == 2
    assert CalendarTest.objects.count() == 2

    response = post(client, cast.teacher_a1, TEACHER_URL, form_data(world, force="1"))
    assert response.status_code == 302
    assert CalendarTest.objects.count() == 3


def test_the_year_over_hides_the_form(client, cast, world, monkeypatch):
    monkeypatch.setattr(selectors_calendar, "today", lambda: date(2026, 11, 25))
    response = get(client, cast.teacher_a1, TEACHER_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="calendar-schedule"' not in content
    assert 'id="calendar-year-over"' in content


# --- the htmx check ---------------------------------------------------------------------------

CHECK_URL = reverse("assessment:calendar_check")


def test_the_check_tells_the_other_tests_of_the_day_and_week(client, cast, world):
    schedule(cast.director_a1, world, "PC", scheduled_on=TUESDAY)
    response = post(client, cast.teacher_a1, CHECK_URL, form_data(world), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="calendar-check-ok"' in content
    assert not CalendarTest.objects.filter(subject__code="MATH").exists()


def test_the_check_says_when_the_class_has_no_lesson_of_the_subject_that_day(client, cast, world):
    from massar.timetable.models import Session

    math = assignment(world, "MATH")
    Session.objects.create(
        establishment=world.establishment,
        school_year=world.school_class.school_year,
        assignment=math,
        school_class=world.school_class,
        teacher=math.teacher,
        weekday=3,
        period=1,
    )
    monday = post(client, cast.teacher_a1, CHECK_URL, form_data(world)).content.decode()
    assert 'id="calendar-check-off-day"' in monday
    wednesday = form_data(world, scheduled_on="2025-11-12")
    assert (
        'id="calendar-check-off-day"'
        not in post(client, cast.teacher_a1, CHECK_URL, wednesday).content.decode()
    )


def test_the_check_warns_before_saving(client, cast, world):
    schedule(cast.director_a1, world, "PC")
    schedule(cast.director_a1, world, "SVT")
    response = post(client, cast.teacher_a1, CHECK_URL, form_data(world), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'id="calendar-overload"' in content
    assert 'id="calendar-force"' in content


def test_the_check_gives_the_refusal(client, cast, world):
    response = post(client, cast.teacher_a1, CHECK_URL, form_data(world, scheduled_on="2025-11-09"))
    assert 'id="calendar-check-refusal"' in response.content.decode()


@pytest.mark.parametrize("member", ["director_a2", "outsider", "student_a1"])
def test_the_check_says_nothing_of_a_class_not_theirs(client, cast, world, member):
    response = post(client, getattr(cast, member), CHECK_URL, form_data(world))
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_check_says_nothing_of_a_colleagues_subject(client, cast, world):
    response = post(client, cast.teacher_a1, CHECK_URL, form_data(world, "PC"))
    assert response.content.decode().strip() == ""


# --- a class's calendar -----------------------------------------------------------------------


@pytest.mark.parametrize("member", [*READERS, "teacher_a1"])
def test_a_classs_calendar_is_read_by_its_school_officers_and_teachers(client, cast, world, member):
    schedule(cast.teacher_a1, world)
    response = get(client, getattr(cast, member), class_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="calendar-s1"' in content
    assert "كريم" in content or "Karim" in content or world.teacher.display_name in content


@pytest.mark.parametrize("member", [*OTHERS, "student_a1", "parent_a1"])
def test_a_classs_calendar_is_not_found_for_others(client, cast, world, member):
    assert get(client, getattr(cast, member), class_url(world)).status_code == 404


def test_a_teacher_does_not_read_a_class_they_do_not_teach(client, cast, world):
    other = SchoolClassFactory(establishment=world.establishment, number=2, name="TCS-2")
    TeachingAssignmentFactory(
        school_class=other, subject=world.subjects["MATH"], teacher=world.others["PC"]
    )
    url = reverse("assessment:calendar_class", args=[other.public_id])
    assert get(client, cast.teacher_a1, url).status_code == 404
    elsewhere = other_world(cast)
    url = reverse("assessment:calendar_class", args=[elsewhere.school_class.public_id])
    assert get(client, cast.teacher_a1, url).status_code == 404
    assert get(client, cast.director_a1, url).status_code == 404


def test_the_school_schedules_any_subject_from_the_class_page(client, cast, world):
    response = get(client, cast.director_a1, class_url(world))
    choices = response.context["form"].fields["assignment"].choices
    assert (
        len(choices) == TeachingAssignment.objects.filter(school_class=world.school_class).count()
    )
    response = post(client, cast.director_a1, class_url(world), form_data(world, "PC"))
    assert response.status_code == 302
    assert CalendarTest.objects.get().teacher == world.others["PC"]


def test_an_officer_reads_without_a_form(client, cast, world):
    response = get(client, cast.academy_officer_a, class_url(world))
    assert 'id="calendar-schedule"' not in response.content.decode()
    response = post(client, cast.academy_officer_a, class_url(world), form_data(world))
    assert response.status_code == 200
    assert not CalendarTest.objects.exists()


# --- moving and cancelling --------------------------------------------------------------------


def move_url(test):
    return reverse("assessment:calendar_move", args=[test.public_id])


def cancel_url(test):
    return reverse("assessment:calendar_cancel", args=[test.public_id])


def test_the_teacher_moves_their_test(client, cast, world):
    test = schedule(cast.teacher_a1, world)
    assert get(client, cast.teacher_a1, move_url(test)).status_code == 200
    response = post(
        client,
        cast.teacher_a1,
        move_url(test),
        {"scheduled_on": TUESDAY.isoformat(), "kind": "test", "note": "", "next": TEACHER_URL},
    )
    assert response.status_code == 302
    assert response["Location"] == TEACHER_URL
    test.refresh_from_db()
    assert test.scheduled_on == TUESDAY


def test_moving_onto_an_overloaded_day_asks_to_move_anyway(client, cast, world):
    schedule(cast.director_a1, world, "PC", scheduled_on=TUESDAY)
    schedule(cast.director_a1, world, "SVT", scheduled_on=TUESDAY)
    test = schedule(cast.teacher_a1, world)
    data = {"scheduled_on": TUESDAY.isoformat(), "kind": "test", "note": ""}
    response = post(client, cast.teacher_a1, move_url(test), data)
    assert response.status_code == 200
    assert gettext("Move anyway") in response.content.decode()
    response = post(client, cast.teacher_a1, move_url(test), {**data, "force": "1"})
    assert response.status_code == 302
    test.refresh_from_db()
    assert test.scheduled_on == TUESDAY


def test_an_unsafe_next_is_ignored(client, cast, world):
    test = schedule(cast.teacher_a1, world)
    response = post(
        client,
        cast.teacher_a1,
        move_url(test),
        {"scheduled_on": TUESDAY.isoformat(), "kind": "test", "next": "https://evil.example/"},
    )
    assert response["Location"] == class_url(world)


@pytest.mark.parametrize("member", ["director_a2", "outsider", "student_a1", "parent_a1"])
def test_moving_and_cancelling_are_not_found_for_others(client, cast, world, member):
    test = schedule(cast.teacher_a1, world)
    user = getattr(cast, member)
    assert get(client, user, move_url(test)).status_code == 404
    assert post(client, user, cancel_url(test), {}).status_code == 404
    assert CalendarTest.objects.filter(pk=test.pk, scheduled_on=MONDAY).exists()


@pytest.mark.parametrize("member", ["academy_officer_a", "directorate_officer_a1"])
def test_officers_read_but_do_not_move(client, cast, world, member):
    test = schedule(cast.teacher_a1, world)
    assert get(client, getattr(cast, member), move_url(test)).status_code == 404


def test_a_teacher_does_not_move_a_colleagues_test(client, cast, world):
    pc = schedule(cast.director_a1, world, "PC")
    assert get(client, cast.teacher_a1, move_url(pc)).status_code == 404
    assert post(client, cast.teacher_a1, cancel_url(pc), {}).status_code == 404


def test_the_teacher_cancels_their_test(client, cast, world):
    test = schedule(cast.teacher_a1, world)
    response = post(client, cast.teacher_a1, cancel_url(test), {"next": TEACHER_URL})
    assert response.status_code == 302
    assert response["Location"] == TEACHER_URL
    assert not CalendarTest.objects.exists()


def test_a_test_of_a_validated_sheet_stays(client, cast, world):
    test = schedule(cast.teacher_a1, world)
    sheet = sheet_for(world, "MATH", 1)
    sheet.status = SheetStatus.VALIDATED
    sheet.save()
    response = get(client, cast.director_a1, move_url(test))
    assert 'id="calendar-move-locked"' in response.content.decode()
    post(client, cast.director_a1, move_url(test), {"scheduled_on": TUESDAY.isoformat()})
    response = post(client, cast.director_a1, cancel_url(test), {})
    assert response.status_code == 302
    test.refresh_from_db()
    assert test.scheduled_on == MONDAY
    page = get(client, cast.director_a1, class_url(world)).content.decode()
    assert gettext("marks validated") in page
    assert f'id="move-{test.public_id}"' not in page


# --- the school's week ------------------------------------------------------------------------


def school_url(code="11565V"):
    return reverse("assessment:calendar_school", args=[code])


@pytest.mark.parametrize("member", READERS)
def test_the_schools_week_flags_the_overloaded_days(client, cast, world, member):
    schedule(cast.teacher_a1, world, "MATH")
    schedule(cast.teacher_a1, world, "FR")
    schedule(cast.director_a1, world, "PC", force=True)
    schedule(cast.director_a1, world, "SVT", scheduled_on=TUESDAY)
    response = get(client, getattr(cast, member), school_url(), week="2025-11-12")
    assert response.status_code == 200
    week = response.context["week"]
    assert week.monday == MONDAY
    assert [len(day.tests) for day in week.days] == [3, 1, 0, 0, 0, 0]
    assert [day.overloaded for day in week.days] == [True, False, False, False, False, False]
    [overload] = week.days[0].overloads
    assert (overload.school_class, overload.count, overload.limit) == (world.school_class, 3, 2)
    assert week.overloads == []
    content = response.content.decode()
    assert 'data-overloaded="yes"' in content
    assert 'id="calendar-week-overloads"' in content


def test_the_week_shows_its_holidays_and_defaults_to_today(client, cast, world):
    response = get(client, cast.director_a1, school_url())
    week = response.context["week"]
    assert week.monday == TODAY
    assert [day.holiday is not None for day in week.days] == [
        False,
        False,
        False,
        True,  # 6 November
        False,
        False,
    ]


def test_a_week_outside_the_year_comes_back_into_it(client, cast, world):
    response = get(client, cast.director_a1, school_url(), week="2030-01-01")
    assert response.context["week"].monday == date(2026, 6, 29)
    response = get(client, cast.director_a1, school_url(), week="nonsense")
    assert response.context["week"].monday == TODAY


def test_after_the_year_the_week_opens_on_its_last_test(client, cast, world, monkeypatch):
    schedule(cast.teacher_a1, world, scheduled_on=TUESDAY)
    monkeypatch.setattr(selectors_calendar, "today", lambda: date(2026, 11, 25))
    response = get(client, cast.director_a1, school_url())
    assert response.context["week"].monday == MONDAY
    assert [len(day.tests) for day in response.context["week"].days][:2] == [0, 1]


@pytest.mark.parametrize("member", [*OTHERS, "teacher_a1", "student_a1", "parent_a1"])
def test_the_schools_week_is_not_found_for_others(client, cast, world, member):
    assert get(client, getattr(cast, member), school_url()).status_code == 404


# --- pupils and parents -----------------------------------------------------------------------


def pupil_url(student):
    return reverse("assessment:calendar_pupil", args=[student.code_massar])


@pytest.mark.parametrize("member", ["student_a1", "parent_a1"])
def test_a_pupil_and_their_parent_see_the_upcoming_tests(client, cast, world, member):
    schedule(cast.teacher_a1, world, "MATH", scheduled_on=TODAY)
    schedule(cast.teacher_a1, world, "FR", scheduled_on=TUESDAY)
    past = schedule(cast.teacher_a1, world, "MATH", number=2, scheduled_on=TUESDAY)
    services.test_reschedule(
        actor=cast.teacher_a1, test=past, scheduled_on=date(2025, 10, 30), today=TODAY
    )
    pupil = world.enrolments[0].student
    response = get(client, getattr(cast, member), pupil_url(pupil))
    assert response.status_code == 200
    assert [t.subject.code for t in response.context["upcoming"]] == ["MATH", "FR"]
    assert [t.number for t in response.context["past"]] == [2]
    content = response.content.decode()
    assert 'id="calendar-upcoming"' in content
    assert 'id="calendar-children"' not in content  # one child: no switch


def test_a_pupil_does_not_read_a_classmates_calendar(client, cast, world):
    classmate = world.enrolments[1].student
    assert get(client, cast.student_a1, pupil_url(classmate)).status_code == 404
    assert get(client, cast.parent_a1, pupil_url(classmate)).status_code == 404


@pytest.mark.parametrize("member", [*READERS, *OTHERS, "teacher_a1"])
def test_the_pupil_page_is_for_the_family_only(client, cast, world, member):
    pupil = world.enrolments[0].student
    assert get(client, getattr(cast, member), pupil_url(pupil)).status_code == 404


def test_a_parent_switches_between_children(client, cast, world):
    second = world.enrolments[1].student
    Guardian.objects.create(
        student=second,
        relationship=Relationship.FATHER,
        first_name_fr="Ahmed",
        last_name_fr="Test",
        user=cast.parent_a1,
    )
    response = get(client, cast.parent_a1, pupil_url(second))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="calendar-children"' in content
    assert content.count('aria-current="page"') >= 1
    assert len(response.context["children"]) == 2


def test_the_family_entry_goes_to_the_first_child(client, cast, world):
    pupil = world.enrolments[0].student
    response = get(client, cast.student_a1, reverse("assessment:calendar_family"))
    assert response["Location"] == pupil_url(pupil)
    assert get(client, cast.outsider, reverse("assessment:calendar_family")).status_code == 404


# --- where each account starts ----------------------------------------------------------------

HOME_URL = reverse("assessment:calendar")


def test_the_entry_sends_each_account_to_its_calendar(client, cast, world):
    assert get(client, cast.teacher_a1, HOME_URL)["Location"] == TEACHER_URL
    pupil = world.enrolments[0].student
    assert get(client, cast.student_a1, HOME_URL)["Location"] == pupil_url(pupil)
    assert get(client, cast.parent_a1, HOME_URL)["Location"] == pupil_url(pupil)
    assert get(client, cast.director_a1, HOME_URL)["Location"] == school_url()
    response = get(client, cast.national_admin, HOME_URL)
    assert 'id="calendar-home-school-form"' in response.content.decode()
    assert get(client, cast.national_admin, HOME_URL, code="11565v")["Location"] == school_url()
    assert get(client, cast.outsider, HOME_URL).status_code == 404


def test_a_teacher_without_a_staff_file_is_told_nothing_concerns_them(client, cast):
    response = get(client, cast.teacher_a1, HOME_URL)
    assert response.status_code == 200
    assert 'id="calendar-home-nothing"' in response.content.decode()


# --- bounded queries --------------------------------------------------------------------------


def many_tests(cast, world):
    days = [date(2025, 11, d) for d in (10, 11, 12, 13, 14, 15, 17, 19, 20, 21)]
    for number, when in enumerate(days[:4], start=1):
        schedule(cast.teacher_a1, world, "MATH", number=number, scheduled_on=when, force=True)
    for number, when in enumerate(days[4:8], start=1):
        schedule(cast.teacher_a1, world, "FR", number=number, scheduled_on=when, force=True)
    for number, when in enumerate(days[8:], start=1):
        schedule(cast.director_a1, world, "PC", number=number, scheduled_on=when, force=True)


@pytest.mark.parametrize(
    ("member", "url_of", "bound"),
    [
        ("teacher_a1", lambda world: TEACHER_URL, 8),
        ("teacher_a1", class_url, 8),
        ("director_a1", class_url, 7),
        ("director_a1", lambda world: school_url() + "?week=2025-11-12", 9),
        ("student_a1", lambda world: pupil_url(world.enrolments[0].student), 6),
        ("parent_a1", lambda world: pupil_url(world.enrolments[0].student), 7),
    ],
)
def test_pages_run_a_bounded_number_of_queries(
    client, cast, world, member, url_of, bound, django_assert_max_num_queries
):
    """Ten tests in the class cost no more queries than one: each calendar is one query."""
    many_tests(cast, world)
    client.force_login(getattr(cast, member))
    with django_assert_max_num_queries(bound):
        response = client.get(url_of(world))
    assert response.status_code == 200
