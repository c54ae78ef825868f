"""A director runs the timetable generator for a small prepared school, sees the run finish, finds
a class's timetable filled, and downloads it as PDF."""

import re

import pytest
from playwright.sync_api import expect

from massar.timetable.models import GeneratorRun, RunStatus, Session
from massar.timetable.tests.generation_school import small_school
from massar.web.tests.browser.test_shell_in_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_director_generates_the_timetable(page, live_server, cast):
    school = small_school(cast.school_a1)
    tcs1 = school.classes[0]
    log_in(page, live_server, cast.director_a1, cast.password)
    page.goto(f"{live_server.url}/establishments/11565V/timetable/generator/")
    expect(page.locator("#no-runs")).to_be_visible()
    page.check("#id_mode_0")  # the whole timetable
    page.fill("#id_time_limit", "20")
    page.click("#generation-submit")

    expect(page).to_have_url(re.compile(r"/timetable/generator/[0-9a-f-]{36}/$"))
    badge = page.locator("#run-status-badge")
    expect(badge).to_have_attribute("data-status", "succeeded", timeout=40_000)
    expect(page.locator("#run-placed")).to_have_text("10")
    run = GeneratorRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED
    assert Session.objects.filter(school_class=tcs1).count() == 5

    page.goto(f"{live_server.url}/timetable/classes/{tcs1.public_id}/")
    expect(page.locator("#week-grid")).to_contain_text("الرياضيات")
    expect(page.locator("#week-grid")).to_contain_text("LAB1")
    expect(page.locator("#week-empty")).to_have_count(0)

    response = page.request.get(f"{live_server.url}/timetable/classes/{tcs1.public_id}/print.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
