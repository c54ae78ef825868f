"""A director imports a CSV list of pupils through the page: a file with a bad row is refused
with the row's error and nothing written; the corrected file creates the files. In French."""

import pytest
from playwright.sync_api import expect

from massar.students.models import Student
from massar.web.tests.browser.test_shell_in_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "Code Massar;Nom (arabe);Prénom (arabe);Nom;Prénom;Date de naissance;Sexe;Niveau;Classe\n"
FIRST = ";بناني;سلمى;Bennani;Salma;14-03-2010;أنثى;TC;TCS-1\n"
SECOND = ";الإدريسي;عمر;Idrissi;Omar;02/11/2009;ذكر;TC;TCS-2\n"


def test_a_director_imports_a_list_after_fixing_a_bad_row(page, live_server, cast, tmp_path):
    cast.director_a1.preferred_language = "fr"
    cast.director_a1.save(update_fields=["preferred_language"])
    log_in(page, live_server, cast.director_a1, cast.password)
    page.goto(f"{live_server.url}/students/import/")
    bad = tmp_path / "eleves.csv"
    bad.write_text(HEADER + FIRST + SECOND.replace("02/11/2009", "31/02/2009"), "utf-8")
    page.set_input_files("#id_file", str(bad))
    page.click("#import-submit")
    errors = page.locator("#import-error-table tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_have_attribute("data-row", "3")  # the header is row 1
    expect(errors.first).to_contain_text("Date de naissance")
    assert Student.objects.count() == 0

    good = tmp_path / "eleves-corrige.csv"
    good.write_text(HEADER + FIRST + SECOND, "utf-8")
    page.set_input_files("#id_file", str(good))
    page.click("#import-submit")
    expect(page.locator("#import-total")).to_have_text("2")
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.click("#import-list-link")
    expect(page.locator("#student-table tbody tr")).to_have_count(2)
