"""A director adds a teacher, assigns them to a class's subject in the grid (saved in place),
and sees the teacher's load grow and the shortage list shrink: in Arabic, then in French, where
an unqualified assignment is refused until "assign anyway" is ticked."""

import pytest
from playwright.sync_api import expect

from massar.curriculum.models import Stream
from massar.schooling.tests.factories import SchoolClassFactory
from massar.staff.models import StaffMember
from massar.web.tests.browser.test_shell_in_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def add_teacher(page):
    page.fill("#id_last_name_ar", "بناني")
    page.fill("#id_first_name_ar", "سعاد")
    page.fill("#id_last_name_fr", "Bennani")
    page.fill("#id_first_name_fr", "Souad")
    page.fill("#id_cin", "AB123456")
    page.fill("#id_payroll_number", "1234567")
    page.select_option("#id_kind", "teacher")
    page.select_option("#id_status", "academy_contract")
    page.select_option("#id_cycle", "upper_secondary")
    page.check("input[name='subjects'][value='MATH']")
    page.click("#staff-submit")


def test_a_director_adds_a_teacher_and_assigns_a_class(page, live_server, cast):
    klass = SchoolClassFactory(
        establishment=cast.school_a1, stream=Stream.objects.get(code="TCS"), number=1, name="TCS-1"
    )
    shortages = f"{live_server.url}/staff/schools/11565V/shortages/"
    grid = f"{live_server.url}/staff/classes/{klass.public_id}/"
    log_in(page, live_server, cast.director_a1, cast.password)

    # Arabic: add the teacher from the staff list.
    page.goto(f"{live_server.url}/staff/")
    page.click("#staff-create-link")
    add_teacher(page)
    expect(page.locator("#staff-name")).to_have_text("سعاد بناني")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    teacher = StaffMember.objects.get()

    page.goto(shortages)
    expect(page.locator("#shortage-rows tbody tr")).to_have_count(11)

    # The grid saves the row in place and says the new load.
    page.goto(grid)
    page.evaluate("window.__notReloaded = true")
    page.select_option("#teacher-MATH", str(teacher.public_id))
    page.click("#save-MATH")
    expect(page.locator("#feedback-MATH")).to_contain_text("21")
    expect(page.locator("#row-MATH")).to_have_attribute("data-assigned", "yes")
    assert page.evaluate("window.__notReloaded") is True

    page.goto(f"{live_server.url}/staff/schools/11565V/loads/")
    row = page.locator(f"#load-{teacher.public_id}")
    expect(row).to_have_attribute("data-state", "under")
    expect(row.locator("td").nth(1)).to_have_text("5")
    page.goto(shortages)
    expect(page.locator("#shortage-rows tbody tr")).to_have_count(10)
    expect(page.locator("#shortage-rows tr[data-subject='MATH']")).to_have_count(0)

    # French: physics needs "assign anyway" (the teacher is recorded for maths only).
    page.click("#language-fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.goto(grid)
    page.select_option("#teacher-PC", str(teacher.public_id))
    page.click("#save-PC")
    expect(page.locator("#feedback-PC")).to_have_class("field--wide message message--error")
    expect(page.locator("#row-PC")).to_have_attribute("data-assigned", "no")
    page.check("#force-PC")
    page.click("#save-PC")
    expect(page.locator("#row-PC")).to_have_attribute("data-assigned", "yes")
    expect(page.locator("#feedback-PC")).to_contain_text("9")

    page.goto(f"{live_server.url}/staff/schools/11565V/loads/")
    expect(page.locator(f"#load-{teacher.public_id} td").nth(1)).to_have_text("9")
    page.goto(shortages)
    expect(page.locator("#shortage-rows tbody tr")).to_have_count(9)
    expect(page.locator("#shortage-total")).to_contain_text("21")  # 30 - 9 hours missing

    # The other school's director does not find the teacher.
    page.click("#logout")
    log_in(page, live_server, cast.director_a2, cast.password)
    response = page.goto(f"{live_server.url}/staff/{teacher.public_id}/")
    assert response.status == 404
