"""A director registers a pupil, finds them by a spelling variant in place, and opens the file;
the other school's director does not find them. In Arabic and in French."""

import re

import pytest
from playwright.sync_api import expect

from massar.students.tests.factories import register
from massar.web.tests.browser.test_shell_in_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def fill_registration(page):
    page.fill("#id_child-last_name_ar", "الإدريسي")
    page.fill("#id_child-first_name_ar", "آمنة")
    page.fill("#id_child-last_name_fr", "Idrissi")
    page.fill("#id_child-first_name_fr", "Amina")
    page.select_option("#id_child-sex", "F")
    page.fill("#id_child-birth_date", "2010-02-14")
    page.select_option("#id_place-level", "TC")
    page.select_option("#id_place-stream", "TCS")
    page.fill("#id_place-class_label", "TCS-2")
    page.fill("#id_father-first_name_fr", "Karim")
    page.fill("#id_father-cin", "AB98765")


def test_a_director_registers_then_finds_the_pupil_in_place(page, live_server, cast):
    register(cast.director_a1, cast.school_a1)  # Youssef Alaoui, already there
    log_in(page, live_server, cast.director_a1, cast.password)
    page.click("#nav-students")
    expect(page.locator("#student-table tbody tr")).to_have_count(1)
    page.click("#student-register-link")
    fill_registration(page)
    page.click("#register-submit")
    expect(page.locator("#student-code")).to_have_text(re.compile(r"^[A-Z][0-9]{9}$"))
    code = page.locator("#student-code").inner_text()
    assert page.evaluate("document.documentElement.dir") == "rtl"

    # The same child again: the likely duplicate is shown, with the existing code.
    page.goto(f"{live_server.url}/students/new/")
    fill_registration(page)
    page.click("#register-submit")
    expect(page.locator("#duplicate-candidates")).to_contain_text(code)

    # French; search with another spelling, updated in place by htmx.
    page.click("#language-fr")
    page.goto(f"{live_server.url}/students/")
    page.evaluate("window.__notReloaded = true")
    expect(page.locator("#student-table tbody tr")).to_have_count(2)
    page.fill("#id_q", "idrisi")  # a transliteration variant of Idrissi
    expect(page.locator("#student-table tbody tr")).to_have_count(1)
    assert page.evaluate("window.__notReloaded") is True
    page.click("#student-table tbody tr a")
    expect(page.locator("#student-code")).to_have_text(code)
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.click("#tab-path")
    expect(page.locator("#student-path")).to_contain_text("TCS-2")

    page.click("#logout")
    log_in(page, live_server, cast.director_a2, cast.password)
    response = page.goto(f"{live_server.url}/students/{code}/")
    assert response.status == 404
