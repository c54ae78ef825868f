"""The pages people click, in a real Chromium: login, language and direction, scoped navigation."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("#login-submit")


def direction(page) -> tuple[str, str]:
    return page.evaluate("[document.documentElement.lang, document.documentElement.dir]")


def test_arabic_is_right_to_left_and_french_left_to_right(page, live_server, cast):
    log_in(page, live_server, cast.director_a1, cast.password)
    expect(page.locator("#nav-home")).to_be_visible()
    assert direction(page) == ["ar", "rtl"]
    # In RTL the brand sits on the right of the header.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > 500
    page.click("#language-fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert direction(page) == ["fr", "ltr"]
    assert page.locator(".brand").bounding_box()["x"] < 100
    expect(page.locator("#nav-establishments")).to_have_text("Établissements")


def test_the_language_switch_keeps_the_page(page, live_server, cast):
    log_in(page, live_server, cast.director_a1, cast.password)
    page.goto(f"{live_server.url}/establishments/11565V/")
    page.click("#language-fr")
    expect(page).to_have_url(re.compile(r"/establishments/11565V/$"))
    assert direction(page) == ["fr", "ltr"]


def test_a_wrong_password_shows_the_error_and_stays_on_login(page, live_server, cast):
    log_in(page, live_server, cast.director_a1, "not-the-password")
    expect(page.locator("#login-error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_director_searches_in_place_opens_their_school_and_not_the_other(page, live_server, cast):
    log_in(page, live_server, cast.directorate_officer_a1, cast.password)
    page.click("#nav-establishments")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    page.evaluate("window.__notReloaded = true")
    page.fill("#id_q", "Moulay")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert page.evaluate("window.__notReloaded") is True  # updated in place by htmx
    expect(page).to_have_url(re.compile(r"q=Moulay"))
    page.click("#results tbody tr a")
    expect(page.locator("#establishment-code")).to_have_text("11565V")

    response = page.goto(f"{live_server.url}/establishments/21010B/")
    assert response.status == 404
    expect(page.locator("#not-found")).to_be_visible()


def test_each_role_sees_its_own_home(page, live_server, cast):
    log_in(page, live_server, cast.academy_officer_b, cast.password)
    expect(page.locator("#home-directorates")).to_contain_text("وجدة أنجاد")
    expect(page.locator("#home-academies")).to_have_count(0)
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    log_in(page, live_server, cast.outsider, cast.password)
    expect(page.locator("#no-role")).to_be_visible()
    expect(page.locator("#nav-establishments")).to_have_count(0)


def test_the_shell_fits_a_phone(phone, live_server, cast):
    log_in(phone, live_server, cast.director_a1, cast.password)
    phone.goto(f"{live_server.url}/establishments/")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
