"""A transfer in a real Chromium: the lycée of Rabat asks, the school of Salé accepts, the file
moves. School A2 is given the upper-secondary cycle so that it teaches the pupil's level."""

import re

import pytest
from playwright.sync_api import expect

from massar.core.choices import CycleCode
from massar.students.models import Transfer
from massar.students.tests.factories import register
from massar.territory.models import EstablishmentCycle

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    expect(page.locator("#nav-home")).to_be_visible()


def test_director_a1_requests_and_director_a2_accepts(page, live_server, cast):
    EstablishmentCycle.objects.create(establishment=cast.school_a2, cycle=CycleCode.UPPER_SECONDARY)
    pupil = register(cast.director_a1, cast.school_a1, class_label="TCS-1")

    log_in(page, live_server, cast.director_a1, cast.password)
    page.goto(f"{live_server.url}/students/{pupil.code_massar}/?tab=transfers")
    expect(page.locator("#no-transfers")).to_be_visible()
    # Typing part of the name offers the schools teaching the level (htmx fills the list).
    page.fill("#id_to_establishment", "Khaldoun")
    expect(page.locator("#transfer-destinations option[value='12001C']")).to_have_count(1)
    page.fill("#id_to_establishment", "12001C")
    page.fill("#id_reason", "The family moves to Salé")
    page.click("#transfer-request-submit")
    expect(page).to_have_url(re.compile(r"/students/transfers/[0-9a-f-]{36}/$"))
    expect(page.locator(".transfer-status--requested")).to_be_visible()
    expect(page.locator("#transfer-cancel")).to_be_visible()
    transfer = Transfer.objects.get()
    page.click("#logout")

    log_in(page, live_server, cast.director_a2, cast.password)
    page.click("#nav-transfers")
    expect(page.locator("#tab-incoming")).to_have_attribute("aria-current", "page")
    page.click(f"#transfer-table a[href='/students/transfers/{transfer.public_id}/']")
    expect(page.locator("#transfer-student-code")).to_have_text(pupil.code_massar)
    expect(page.locator("#transfer-reason")).to_have_text("The family moves to Salé")
    expect(page.locator("#transfer-open-file")).to_have_count(0)  # not their file yet
    page.fill("#id_class_label", "TC-2")
    page.click("#transfer-accept")
    expect(page.locator(".transfer-status--accepted")).to_be_visible()
    expect(page.locator("#transfer-certificate")).to_be_visible()
    page.click("#transfer-open-file")
    expect(page.locator("#student-code")).to_have_text(pupil.code_massar)
    expect(page.locator(".page-heading")).to_contain_text(cast.school_a2.name_ar)
    page.click("#tab-transfers")
    expect(page.locator(f"#transfer-{transfer.public_id}")).to_be_visible()
    expect(page.locator("#transfer-request-form")).to_be_visible()  # they may send it on later
