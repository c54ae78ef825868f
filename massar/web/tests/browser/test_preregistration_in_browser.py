"""Online pre-registration in a real Chromium: a parent signs up and sends a request in French,
the school's director accepts it in Arabic, and the parent sees the answer."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from massar.core.channels import console_outbox
from massar.students.models import PreRegistration, RegistrationCalendar

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def window(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CONTACT_CHANNEL_BACKENDS = {
        "email": "massar.core.channels.ConsoleChannel",
        "phone": "massar.core.channels.ConsoleChannel",
    }
    console_outbox.clear()
    today = timezone.localdate()
    RegistrationCalendar.objects.filter(school_year__is_current=True).update(
        preregistration_opens_on=today - timedelta(days=1),
        preregistration_closes_on=today + timedelta(days=10),
        review_closes_on=today + timedelta(days=30),
        age_cutoff_date=date(today.year, 12, 31),
    )
    yield
    console_outbox.clear()


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")


def test_a_parent_asks_in_french_and_the_director_accepts_in_arabic(
    page, live_server, cast, window
):
    # The parent signs up from the login page, in French.
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("#language-fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.click("#login-signup")
    page.fill("#id_last_name_ar", "الزهراء")
    page.fill("#id_first_name_ar", "فاطمة")
    page.fill("#id_last_name_fr", "Zahra")
    page.fill("#id_first_name_fr", "Fatima")
    page.fill("#id_cin", "FB123456")
    page.fill("#id_phone", "0661234567")
    page.check("input[name='preferred_language'][value='fr']")
    page.fill("#id_password1", "a-long-pass-phrase-42")
    page.fill("#id_password2", "a-long-pass-phrase-42")
    page.click("#signup-submit")

    # The code sent to the phone.
    expect(page.locator("#verify-sent")).to_contain_text("0661234567")
    code = re.search(r"\b([0-9]{6})\b", console_outbox[-1]["body"]).group(1)
    page.fill("#id_code", code)
    page.click("#verify-submit")

    # The request, with the schools of the commune refreshed in place.
    expect(page.locator("#request-form")).to_be_visible()
    expect(page.locator("#id_guardian_first_name_fr")).to_have_value("Fatima")
    page.fill("#id_last_name_ar", "الزهراء")
    page.fill("#id_first_name_ar", "آدم")
    page.fill("#id_last_name_fr", "Zahra")
    page.fill("#id_first_name_fr", "Adam")
    page.check("input[name='sex'][value='M']")
    page.fill("#id_birth_date", f"{timezone.localdate().year - 6}-03-10")
    page.select_option("#id_guardian_relationship", "mother")
    page.select_option("#id_level", "1AP")
    page.evaluate("window.__notReloaded = true")
    page.select_option("#id_commune", cast.school_b1.commune.code)
    expect(page.locator(f"#id_establishment option[value='{cast.school_b1.code}']")).to_have_count(
        1
    )
    assert page.evaluate("window.__notReloaded") is True  # swapped in place by htmx
    page.select_option("#id_establishment", cast.school_b1.code)
    page.set_input_files(
        "#id_birth_certificate",
        files=[{"name": "acte.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("#request-submit")
    expect(page.locator("#mine-requests [data-status='submitted']")).to_have_count(1)
    reference = PreRegistration.objects.get().reference
    page.click("#logout")

    # The director reviews it in Arabic and accepts.
    log_in(page, live_server, cast.director_b1.username, cast.password)
    page.click("#language-ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.click("#nav-preregistrations")
    page.click(f"#queue-{reference} a")
    expect(page.locator("#review-status")).to_have_attribute("data-status", "submitted")
    page.click("#accept-submit")
    expect(page.locator("#review-status")).to_have_attribute("data-status", "accepted")
    code_massar = PreRegistration.objects.get().student.code_massar
    expect(page.locator("#review-student")).to_contain_text(code_massar)
    page.click("#logout")

    # The parent sees "accepted" with the code Massar, and was told in French.
    log_in(page, live_server, "0661234567", "a-long-pass-phrase-42")
    page.goto(f"{live_server.url}/preregistration/")
    expect(page.locator(f"#request-{reference} [data-status='accepted']")).to_be_visible()
    expect(page.locator(f"#request-{reference} .prereg-code")).to_have_text(code_massar)
    assert console_outbox[-1]["destination"] == "0661234567"
    assert "Adam Zahra" in console_outbox[-1]["body"]
    assert "École Al Massira" in console_outbox[-1]["body"]


def test_the_request_form_fits_a_phone(phone, live_server, cast, window, django_user_model):
    from massar.accounts.models import ContactVerification

    parent = django_user_model.objects.create_user(username="0612121212", password=cast.password)
    ContactVerification.objects.create(
        user=parent,
        channel="phone",
        destination="0612121212",
        code_digest="x" * 64,
        expires_at=timezone.now(),
        verified_at=timezone.now(),
    )
    log_in(phone, live_server, parent.username, cast.password)
    phone.goto(f"{live_server.url}/preregistration/new/")
    expect(phone.locator("#request-form")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
