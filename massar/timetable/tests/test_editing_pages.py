"""The pages that change a timetable, with the cast: the weekly grid (the usual week in one click,
a change refused with the sessions it would leave outside), sessions added, checked (htmx),
moved and removed by hand with their conflicts, bad input, and teachers' availability."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from massar.schooling.tests.factories import RoomFactory
from massar.timetable.models import (
    AvailabilityKind,
    Period,
    Session,
    TeacherAvailability,
    WeeklyGrid,
)
from massar.timetable.tests.builders import build_school

pytestmark = pytest.mark.django_db

WRITERS = ["director_a1", "staff_a1"]
NOT_WRITERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a2",
    "teacher_a1",
    "student_a1",
    "parent_a1",
    "outsider",
]


@pytest.fixture
def school(cast):
    return build_school(cast)


def login(client, user):
    client.force_login(user)
    return client


def shown(message: str, **params) -> str:
    """``message`` as a page shows it: in Arabic (the default language), HTML-escaped, whatever
    the catalogues hold."""
    with translation.override("ar"):
        text = translation.gettext(message)
    return escape(text % params if params else text)


# --- the weekly grid --------------------------------------------------------------------------


def grid_data(*, weekdays=("1", "2", "3", "4", "5"), periods=None, free=(), maximum="6"):
    periods = periods or [("08:00", "09:00", "am"), ("09:00", "10:00", "am")]
    data = {
        "grid-weekdays": list(weekdays),
        "grid-class_max_periods_per_day": maximum,
        "grid-free_half_days": list(free),
        "periods-TOTAL_FORMS": "12",
        "periods-INITIAL_FORMS": "0",
        "periods-MIN_NUM_FORMS": "0",
        "periods-MAX_NUM_FORMS": "12",
    }
    for index in range(12):
        starts, ends, half = periods[index] if index < len(periods) else ("", "", "am")
        data[f"periods-{index}-starts_at"] = starts
        data[f"periods-{index}-ends_at"] = ends
        data[f"periods-{index}-half"] = half
    return data


@pytest.mark.parametrize("member", WRITERS)
def test_the_school_sets_the_usual_week_in_one_click(client, cast, member):
    login(client, getattr(cast, member))
    url = reverse("timetable:grid", args=[cast.school_a1.code])
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="grid-usual-week"' in page.content.decode()
    response = client.post(reverse("timetable:grid_usual_week", args=[cast.school_a1.code]))
    assert response.status_code == 302
    grid = WeeklyGrid.objects.get(establishment=cast.school_a1)
    assert grid.weekdays == "123456"
    assert Period.objects.filter(grid=grid).count() == 8
    page = client.get(url).content.decode()
    assert 'value="08:00"' in page
    assert 'value="18:00"' in page


@pytest.mark.parametrize("member", NOT_WRITERS)
def test_the_grid_pages_are_not_found_for_others(client, cast, member):
    login(client, getattr(cast, member))
    assert client.get(reverse("timetable:grid", args=[cast.school_a1.code])).status_code == 404
    url = reverse("timetable:grid_usual_week", args=[cast.school_a1.code])
    assert client.post(url).status_code == 404
    assert not WeeklyGrid.objects.exists()


def test_a_grid_is_saved_from_the_form(client, cast):
    login(client, cast.director_a1)
    url = reverse("timetable:grid", args=[cast.school_a1.code])
    response = client.post(
        url,
        grid_data(
            periods=[("08:00", "09:00", "am"), ("09:00", "10:00", "am"), ("14:00", "15:00", "pm")],
            free=["5pm"],
        ),
    )
    assert response.status_code == 302
    grid = WeeklyGrid.objects.get()
    assert grid.weekdays == "12345"
    assert list(grid.periods.values_list("number", "half")) == [(1, "am"), (2, "am"), (3, "pm")]
    assert list(grid.free_half_days.values_list("weekday", "half")) == [(5, "pm")]


@pytest.mark.parametrize(
    ("data", "message", "params"),
    [
        (grid_data(weekdays=()), "Choose at least one teaching day.", {}),
        (
            grid_data(periods=[("09:00", "08:00", "am")]),
            "Period %(number)s ends before it starts.",
            {"number": 1},
        ),
        (
            grid_data(periods=[("09:00", "", "am")]),
            "Give both the start and the end of the period.",
            {},
        ),
        (grid_data(free=["6pm"]), "A free half-day must be on a teaching day.", {}),
        (grid_data(maximum="13"), "A class has 1 to 12 periods a day at most.", {}),
    ],
)
def test_a_bad_grid_is_refused_with_its_reason(client, cast, data, message, params):
    login(client, cast.director_a1)
    response = client.post(reverse("timetable:grid", args=[cast.school_a1.code]), data)
    assert response.status_code == 400
    assert shown(message, **params) in response.content.decode()
    assert not WeeklyGrid.objects.exists()


def test_a_grid_change_leaving_sessions_outside_is_refused_with_the_list(client, cast, school):
    session = school.place(cast.director_a1, school.math_a, 6, 3)
    login(client, cast.director_a1)
    response = client.post(reverse("timetable:grid", args=[cast.school_a1.code]), grid_data())
    assert response.status_code == 409
    content = response.content.decode()
    assert 'id="grid-outside"' in content
    assert 'data-code="day_not_taught"' in content
    assert WeeklyGrid.objects.get().weekdays == "123456"
    assert Session.objects.get() == session


# --- sessions by hand -------------------------------------------------------------------------


def session_data(school, assignment, *, weekday="1", period="1", length="1", room=None):
    return {
        "session-assignment": str(assignment.public_id),
        "session-room": str(room.public_id) if room else "",
        "session-weekday": weekday,
        "session-period": period,
        "session-length": length,
    }


def edit_url(school_class):
    return reverse("timetable:class_edit", args=[school_class.public_id])


@pytest.mark.parametrize("member", WRITERS)
def test_the_school_adds_a_session_from_the_class_week(client, cast, school, member):
    login(client, getattr(cast, member))
    page = client.get(edit_url(school.class_a) + "?weekday=2&period=3")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="add-2-3"' in content
    assert 'id="session-form"' in content
    response = client.post(
        reverse("timetable:session_add", args=[school.class_a.public_id]),
        session_data(school, school.pc_a, weekday="2", period="3", length="2", room=school.lab),
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.school_class, session.teacher, session.weekday, session.period) == (
        school.class_a,
        school.colleague,
        2,
        3,
    )
    assert (
        f'id="lesson-{session.public_id}"' in client.get(edit_url(school.class_a)).content.decode()
    )


@pytest.mark.parametrize("member", NOT_WRITERS)
def test_the_editing_pages_are_not_found_for_others(client, cast, school, member):
    session = school.place(cast.director_a1, school.math_a, 1, 1)
    login(client, getattr(cast, member))
    assert client.get(edit_url(school.class_a)).status_code == 404
    data = session_data(school, school.math_a, weekday="2")
    for name, args in (
        ("session_add", [school.class_a.public_id]),
        ("session_check", [school.class_a.public_id]),
        ("session_move", [session.public_id]),
        ("session_delete", [session.public_id]),
    ):
        assert client.post(reverse(f"timetable:{name}", args=args), data).status_code == 404
    assert list(Session.objects.values_list("weekday", "period")) == [(1, 1)]


def test_the_check_shows_the_conflicts_in_the_panel_and_the_cell_before_saving(
    client, cast, school
):
    school.place(cast.director_a1, school.math_a, 1, 1, room=school.classroom)
    login(client, cast.director_a1)
    response = client.post(
        reverse("timetable:session_check", args=[school.class_b.public_id]),
        session_data(school, school.math_b, room=school.classroom),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="session-check-conflicts"' in content
    assert 'data-code="teacher_busy"' in content
    assert 'data-code="room_busy"' in content
    assert "سعاد بناني" in content
    assert 'hx-swap-oob="innerHTML:#check-1-1"' in content
    assert Session.objects.count() == 1


def test_the_check_of_a_free_place_says_it_can_be_saved(client, cast, school):
    login(client, cast.director_a1)
    response = client.post(
        reverse("timetable:session_check", args=[school.class_a.public_id]),
        session_data(school, school.math_a, weekday="3", period="2", room=school.classroom),
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert 'id="session-check-ok"' in content
    assert 'hx-swap-oob="innerHTML:#check-3-2"' in content
    assert not Session.objects.exists()


def test_a_clashing_session_is_refused_with_its_reasons(client, cast, school):
    school.place(cast.director_a1, school.math_a, 1, 1)
    login(client, cast.director_a1)
    response = client.post(
        reverse("timetable:session_add", args=[school.class_b.public_id]),
        session_data(school, school.math_b),
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert 'id="session-error"' in content
    assert shown("The session cannot be saved: it conflicts with the timetable.") in content
    assert 'data-code="teacher_busy"' in content
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"session-weekday": "8"}, "The day must be a number from 1 (Monday) to 7."),
        ({"session-period": "13"}, "The period must be a number from 1 to 12."),
        ({"session-length": "0"}, "A session lasts 1 to 4 periods."),
        ({"session-length": "5"}, "A session lasts 1 to 4 periods."),
        ({"session-assignment": ""}, "Choose the subject and teacher."),
    ],
)
def test_bad_input_on_the_page_is_refused_with_a_clear_message(
    client, cast, school, changes, message
):
    login(client, cast.director_a1)
    data = {**session_data(school, school.math_a), **changes}
    response = client.post(reverse("timetable:session_add", args=[school.class_a.public_id]), data)
    assert response.status_code == 400
    assert shown(message) in response.content.decode()
    assert not Session.objects.exists()


def test_a_room_of_another_school_is_refused_on_the_page(client, cast, school):
    other_room = RoomFactory(establishment=cast.school_a2, code="S77")
    login(client, cast.director_a1)
    response = client.post(
        reverse("timetable:session_add", args=[school.class_a.public_id]),
        session_data(school, school.math_a, room=other_room),
    )
    assert response.status_code == 400
    assert shown("This room is not one of the establishment's rooms.") in response.content.decode()
    assert not Session.objects.exists()


def test_an_assignment_of_another_class_is_refused_on_the_page(client, cast, school):
    login(client, cast.director_a1)
    response = client.post(
        reverse("timetable:session_add", args=[school.class_a.public_id]),
        session_data(school, school.french_b),
    )
    assert response.status_code == 400
    message = shown("This teaching assignment is not one of the class's.")
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_a_session_in_a_free_half_day_is_refused_on_the_page(client, cast, school):
    login(client, cast.director_a1)
    response = client.post(
        reverse("timetable:session_add", args=[school.class_a.public_id]),
        session_data(school, school.math_a, weekday="6", period="6"),
    )
    assert response.status_code == 409
    assert 'data-code="free_half_day"' in response.content.decode()
    assert not Session.objects.exists()


def test_a_session_is_moved_from_the_page(client, cast, school):
    session = school.place(cast.director_a1, school.math_a, 1, 1)
    login(client, cast.director_a1)
    page = client.get(edit_url(school.class_a) + f"?move={session.public_id}").content.decode()
    assert reverse("timetable:session_move", args=[session.public_id]) in page
    response = client.post(
        reverse("timetable:session_move", args=[session.public_id]),
        session_data(school, school.math_a, weekday="4", period="2", length="2"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.weekday, session.period, session.length) == (4, 2, 2)


def test_a_move_keeps_the_subject_and_teacher(client, cast, school):
    session = school.place(cast.director_a1, school.math_a, 1, 1)
    login(client, cast.director_a1)
    response = client.post(
        reverse("timetable:session_move", args=[session.public_id]),
        session_data(school, school.pc_a, weekday="4", room=school.lab),
    )
    assert response.status_code == 400
    assert shown("A session keeps its subject and teacher when moved.") in response.content.decode()
    session.refresh_from_db()
    assert (session.assignment, session.weekday) == (school.math_a, 1)


def test_a_move_onto_a_clash_is_refused(client, cast, school):
    session = school.place(cast.director_a1, school.math_a, 1, 1)
    school.place(cast.director_a1, school.math_b, 2, 1)
    login(client, cast.director_a1)
    response = client.post(
        reverse("timetable:session_move", args=[session.public_id]),
        session_data(school, school.math_a, weekday="2"),
    )
    assert response.status_code == 409
    session.refresh_from_db()
    assert (session.weekday, session.period) == (1, 1)


def test_a_session_is_removed_from_the_page(client, cast, school):
    session = school.place(cast.director_a1, school.math_a, 1, 1)
    login(client, cast.staff_a1)
    response = client.post(reverse("timetable:session_delete", args=[session.public_id]))
    assert response.status_code == 302
    assert not Session.objects.exists()


def test_the_edit_page_runs_a_bounded_number_of_queries(
    client, cast, school, django_assert_max_num_queries
):
    for weekday in (1, 2, 3):
        school.place(cast.director_a1, school.math_a, weekday, 1)
    login(client, cast.director_a1)
    client.get(edit_url(school.class_a))
    with django_assert_max_num_queries(12):
        assert client.get(edit_url(school.class_a)).status_code == 200


# --- availability -----------------------------------------------------------------------------


def availability_url(school):
    return reverse(
        "timetable:availability", args=[school.establishment.code, school.teacher.public_id]
    )


def toggle_url(school, weekday, period):
    return reverse(
        "timetable:availability_toggle",
        args=[school.establishment.code, school.teacher.public_id, weekday, period],
    )


@pytest.mark.parametrize("member", WRITERS)
def test_the_school_marks_a_teachers_unavailable_periods(client, cast, school, member):
    login(client, getattr(cast, member))
    page = client.get(availability_url(school))
    assert page.status_code == 200
    assert 'id="toggle-2-3"' in page.content.decode()
    response = client.post(toggle_url(school, 2, 3), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-kind="unavailable"' in response.content.decode()
    response = client.post(toggle_url(school, 2, 3), HTTP_HX_REQUEST="true")
    assert 'data-kind="avoid"' in response.content.decode()
    assert list(TeacherAvailability.objects.values_list("weekday", "period", "kind")) == [
        (2, 3, AvailabilityKind.AVOID)
    ]
    # Without htmx the page comes back.
    assert client.post(toggle_url(school, 2, 3)).status_code == 302
    assert not TeacherAvailability.objects.exists()


@pytest.mark.parametrize("member", NOT_WRITERS)
def test_the_availability_pages_are_not_found_for_others(client, cast, school, member):
    login(client, getattr(cast, member))
    assert client.get(availability_url(school)).status_code == 404
    assert client.post(toggle_url(school, 1, 1)).status_code == 404
    assert not TeacherAvailability.objects.exists()


def test_availability_outside_the_grid_is_refused(client, cast, school):
    login(client, cast.director_a1)
    response = client.post(toggle_url(school, 7, 1), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert shown("This period is not in the weekly grid.") in response.content.decode()
    assert not TeacherAvailability.objects.exists()
