"""A director issues a school certificate from the pupil's file; anyone, without logging in,
checks its code on the public verification page, on a phone; after revocation it says so."""

import re

import pytest
from playwright.sync_api import expect

from massar.students.models import Certificate
from massar.students.tests.factories import register
from massar.web.tests.browser.test_shell_in_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_issue_then_verify_without_login(page, phone, live_server, cast):
    pupil = register(cast.director_a1, cast.school_a1, class_label="TCS-1")
    log_in(page, live_server, cast.director_a1, cast.password)
    page.goto(f"{live_server.url}/students/{pupil.code_massar}/?tab=certificates")
    expect(page.locator("#no-certificate")).to_be_visible()
    page.select_option("#certificate-kind", "school")
    page.click("#certificate-issue")
    certificate = Certificate.objects.get()
    code = certificate.verification_code
    expect(page.locator(f"#certificate-{code}")).to_contain_text(code)
    expect(page.locator(f"#certificate-{code} .certificate-status--valid")).to_be_visible()
    with page.expect_download() as download:
        page.click(f"#certificate-pdf-{code}")
    assert download.value.suggested_filename == f"school-{pupil.code_massar}-{code}.pdf"

    # A stranger on a phone types the code with dashes, in lower case.
    phone.goto(f"{live_server.url}/verify/")
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    phone.fill("#id_code", f"{code[:4]}-{code[4:8]}-{code[8:]}".lower())
    phone.click("#verify-submit")
    expect(phone).to_have_url(re.compile(f"/verify/{code}/$"))
    expect(phone.locator("#verification")).to_have_class(re.compile("verification--valid"))
    expect(phone.locator("#verification-massar")).to_have_text(
        pupil.code_massar[:2] + "******" + pupil.code_massar[-2:]
    )
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.click(f"#certificate-revoke-{code}")
    expect(page.locator(f"#certificate-{code} .certificate-status--revoked")).to_be_visible()
    phone.reload()
    expect(phone.locator("#verification")).to_have_class(re.compile("verification--revoked"))
