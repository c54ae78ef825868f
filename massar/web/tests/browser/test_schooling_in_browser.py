"""A director creates a room and two classes for the tronc commun, places the level's pupils
automatically and reads the class lists; in Arabic, then in French, and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from massar.schooling.models import Room
from massar.schooling.tests.factories import enrol_pupils
from massar.web.tests.browser.test_shell_in_browser import direction, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_director_organises_the_tronc_commun(page, live_server, cast):
    enrol_pupils(cast.school_a1, "TC", 12, stream_code="TCS", sexes="FM", repeating=2)
    log_in(page, live_server, cast.director_a1, cast.password)
    page.goto(f"{live_server.url}/schooling/")
    expect(page).to_have_url(re.compile(r"/schooling/11565V/classes/$"))
    assert direction(page) == ["ar", "rtl"]
    expect(page.locator("#unplaced-TC")).to_contain_text("12")

    # A room
    page.click("#school-tab-rooms")
    page.click("#room-create-link")
    page.fill("#id_code", "S12")
    page.fill("#id_name", "قاعة 12")
    page.fill("#id_capacity", "36")
    page.click("#room-submit")
    expect(page.locator("#room-table")).to_contain_text("S12")

    # Two classes of TC sciences, the first in that room
    page.click("#school-tab-classes")
    page.click("#class-create-link")
    page.select_option("#id_stream", "TCS")
    page.fill("#id_capacity", "40")
    page.select_option("#id_home_room", str(Room.objects.get(code="S12").public_id))
    page.click("#class-submit")
    expect(page.locator("#form-error")).to_contain_text("S12")  # 40 pupils, 36 places
    page.fill("#id_capacity", "30")
    page.click("#class-submit")
    page.click("#class-create-link")
    page.select_option("#id_stream", "TCS")
    page.fill("#id_capacity", "30")
    page.click("#class-submit")
    expect(page.locator("#level-TC .class-link")).to_have_text(["TCS-1", "TCS-2"])

    # The whole level placed at once
    page.click("#auto-place-link")
    page.select_option("#id_level", "TC")
    page.click("#auto-place-submit")
    expect(page.locator("#level-TC tbody tr")).to_have_count(2)
    expect(page.locator("#level-TC tbody tr").first.locator("td.number").first).to_have_text("6")
    expect(page.locator("#unplaced-TC")).to_have_count(0)

    # In French, the class list
    page.click("#language-fr")
    assert direction(page) == ["fr", "ltr"]
    page.click("#level-TC .class-link >> nth=0")
    expect(page.locator("#class-name")).to_have_text("TCS-1")
    expect(page.locator("#pupil-table tbody tr")).to_have_count(6)
    expect(page.locator("#class-facts")).to_contain_text("S12")
    expect(page.locator("#class-count")).to_have_text("6 / 30")
    expect(page.locator("#class-export-link")).to_have_attribute("href", re.compile(r"class=TCS-1"))


def test_the_class_list_fits_a_phone(phone, live_server, cast):
    enrol_pupils(cast.school_a1, "TC", 3, stream_code="TCS")
    log_in(phone, live_server, cast.director_a1, cast.password)
    phone.goto(f"{live_server.url}/schooling/11565V/classes/batch/")
    phone.select_option("#id_stream", "TCS")
    phone.fill("#id_count", "2")
    phone.click("#class-batch-submit")
    expect(phone.locator("#level-TC .class-link")).to_have_count(2)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.click("#level-TC .class-link >> nth=0")
    phone.select_option("#id_code", index=0)
    phone.click("#place-submit")
    expect(phone.locator("#pupil-table tbody tr")).to_have_count(1)
    # The wide table scrolls inside its frame; the page itself stays phone-wide.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
