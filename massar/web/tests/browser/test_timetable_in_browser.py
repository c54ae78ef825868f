"""Timetables in a real Chromium: a director sets the usual week in one click, places a session
by hand, tries a clashing one and sees the conflict before and after saving, in Arabic then in
French; a teacher on a 360-px phone reads their week as a list of days."""

import re

import pytest
from playwright.sync_api import expect

from massar.timetable.models import Session
from massar.timetable.tests.builders import build_school
from massar.web.tests.browser.test_shell_in_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def open_cell(page, weekday, period):
    """Click the "+" of a cell: htmx replaces the panel with a form for that day and period."""
    page.evaluate("document.getElementById('session-panel').dataset.stale = 'yes'")
    page.click(f"#add-{weekday}-{period}")
    expect(page.locator("#session-panel:not([data-stale])")).to_be_visible()
    expect(page.locator("#id_session-weekday")).to_have_value(str(weekday))
    expect(page.locator("#id_session-period")).to_have_value(str(period))


def test_a_director_sets_the_grid_and_places_sessions_with_their_conflicts(page, live_server, cast):
    school = build_school(cast, with_grid=False)
    log_in(page, live_server, cast.director_a1, cast.password)

    # The grid: the usual secondary-school week in one click.
    page.goto(f"{live_server.url}/establishments/{school.establishment.code}/timetable/grid/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.click("#grid-usual-week")
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator("#id_periods-7-ends_at")).to_have_value("18:00")

    # Class TC-1: Monday, period 1, mathematics in S01; the check says it fits.
    page.goto(f"{live_server.url}/timetable/classes/{school.class_a.public_id}/edit/")
    open_cell(page, 1, 1)
    page.select_option("#id_session-assignment", str(school.math_a.public_id))
    page.select_option("#id_session-room", str(school.classroom.public_id))
    expect(page.locator("#session-check-ok")).to_be_visible()
    expect(page.locator("#check-1-1 .tt-check__good")).to_be_visible()
    page.click("#session-save")
    expect(page.locator("#cell-1-1 .tt-lesson")).to_contain_text("الرياضيات")
    assert Session.objects.count() == 1

    # Class TC-2 at the same time with the same teacher and room: the cell and the panel show
    # the conflicts before saving, and saving is refused with the reasons.
    page.goto(f"{live_server.url}/timetable/classes/{school.class_b.public_id}/edit/")
    open_cell(page, 1, 1)
    page.select_option("#id_session-assignment", str(school.math_b.public_id))
    page.select_option("#id_session-room", str(school.classroom.public_id))
    conflicts = page.locator("#session-check-conflicts")
    expect(conflicts.locator("[data-code='teacher_busy']")).to_contain_text("الاثنين")
    expect(conflicts.locator("[data-code='room_busy']")).to_be_visible()
    expect(page.locator("#check-1-1 .tt-check__bad")).to_be_visible()
    page.click("#session-save")
    expect(page.locator("#session-error")).to_be_visible()
    expect(page.locator("#session-error [data-code='teacher_busy']")).to_contain_text("TC-1")
    assert Session.objects.count() == 1

    # In French: the same clash, the same refusal, in French.
    page.goto(f"{live_server.url}/timetable/classes/{school.class_b.public_id}/edit/")
    page.click("#language-fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    open_cell(page, 1, 1)
    page.select_option("#id_session-assignment", str(school.math_b.public_id))
    expect(page.locator("#session-check-conflicts [data-code='teacher_busy']")).to_contain_text(
        re.compile("lundi", re.IGNORECASE)
    )
    page.click("#session-save")
    expect(page.locator("#session-error [data-code='teacher_busy']")).to_contain_text(
        "Souad Bennani"
    )
    assert Session.objects.count() == 1

    # A free place for TC-2 is accepted.
    page.goto(f"{live_server.url}/timetable/classes/{school.class_b.public_id}/edit/")
    open_cell(page, 2, 1)
    page.select_option("#id_session-assignment", str(school.math_b.public_id))
    expect(page.locator("#session-check-ok")).to_be_visible()
    page.click("#session-save")
    expect(page.locator("#cell-2-1 .tt-lesson")).to_contain_text("Mathématiques")
    assert Session.objects.count() == 2


def test_a_teacher_reads_their_week_on_a_phone(phone, live_server, cast):
    school = build_school(cast)
    school.place(cast.director_a1, school.math_a, 1, 1, length=2, room=school.classroom)
    school.place(cast.director_a1, school.math_b, 3, 5)
    log_in(phone, live_server, cast.teacher_a1, cast.password)
    phone.goto(f"{live_server.url}/timetable/")
    expect(phone).to_have_url(re.compile(rf"/timetable/teachers/{school.teacher.public_id}/$"))
    expect(phone.locator("#week-grid")).to_be_hidden()
    monday = phone.locator("#week-day-1")
    expect(monday).to_be_visible()
    expect(monday).to_contain_text("TC-1")
    expect(monday).to_contain_text("08:00–10:00")
    expect(phone.locator("#week-day-3")).to_contain_text("TC-2")
    # Nothing wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
