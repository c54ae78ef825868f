"""Assessment in a real Chromium: a teacher enters marks on a 360-px phone (saved in place,
a mark of 21 refused, a colleague's save shown as a conflict); the director validates a sheet,
holds the class council and publishes the semester; the pupil reads the published results and
downloads the report card; the parent sees them too — in Arabic and in French."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from massar.assessment import services_marks as marks
from massar.assessment.models import MarkRow, MarkSheet, Publication, SheetStatus
from massar.assessment.tests.builders import class_world, open_entry
from massar.web.tests.browser.test_shell_in_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def codes_of(world):
    return [e.student.code_massar for e in sorted(world.enrolments, key=lambda e: e.pk)]


def test_a_teacher_enters_marks_on_a_phone_in_arabic_then_french(phone, live_server, cast):
    world = class_world(cast, pupils=4)
    open_entry(cast.school_a1, world.school_class.school_year)
    log_in(phone, live_server, cast.teacher_a1, cast.password)

    # From "Mark sheets": the class's mathematics sheet of the first semester.
    phone.goto(f"{live_server.url}/assessment/marks/")
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    expect(phone.locator("main")).to_contain_text(world.school_class.name)
    sheet = marks.sheet_open(
        actor=cast.teacher_a1,
        school_class=world.school_class,
        subject=world.subjects["MATH"],
        semester=1,
    )
    phone.goto(f"{live_server.url}/assessment/marks/sheets/{sheet.public_id}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    codes = [row.enrolment.student.code_massar for row in sheet.rows.order_by("enrolment_id")]
    rows = list(sheet.rows.order_by("enrolment_id"))

    # A mark with a decimal comma is saved in place, and Enter moves down the column.
    first = phone.locator(f"#m-{codes[0]}-test_1")
    first.fill("12,5")
    first.press("Enter")
    expect(phone.locator(f"#st-{codes[0]} .marks-saved")).to_be_visible()
    expect(phone.locator(f"#m-{codes[1]}-test_1")).to_be_focused()
    assert MarkRow.objects.get(pk=rows[0].pk).test_1 == Decimal("12.50")

    # 21 is refused beside the row, and nothing is saved.
    second = phone.locator(f"#m-{codes[1]}-test_1")
    second.fill("21")
    second.press("Enter")
    expect(phone.locator(f"#st-{codes[1]} .errorlist")).to_contain_text("20")
    expect(second).to_have_attribute("aria-invalid", "true")
    assert MarkRow.objects.get(pk=rows[1].pk).version == 1

    # "غ" is absent, not 0.
    second.fill("غ")
    second.press("Enter")
    expect(phone.locator(f"#st-{codes[1]} .marks-saved")).to_be_visible()
    saved = MarkRow.objects.get(pk=rows[1].pk)
    assert (saved.test_1, saved.absent_1) == (None, True)

    # The school's staff saved the third pupil meanwhile: the teacher's save is not lost and
    # does not overwrite theirs silently; they keep their own mark knowingly.
    third = MarkRow.objects.get(pk=rows[2].pk)
    marks.marks_save(
        actor=cast.staff_a1,
        sheet=sheet,
        changes=[marks.RowChange(third.enrolment_id, third.version, {"test_1": "9"})],
    )
    cell = phone.locator(f"#m-{codes[2]}-test_1")
    cell.fill("17")
    cell.press("Enter")
    expect(phone.locator(f"#keep-{codes[2]}")).to_be_visible()
    assert MarkRow.objects.get(pk=rows[2].pk).test_1 == Decimal("9.00")
    phone.click(f"#keep-{codes[2]}")
    expect(phone.locator(f"#keep-{codes[2]}")).to_have_count(0)
    assert MarkRow.objects.get(pk=rows[2].pk).test_1 == Decimal("17.00")

    # In French: the same sheet, left to right, marks with a decimal comma, and the refusal of
    # text in French.
    phone.click("#language-fr")
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    expect(phone.locator(f"#m-{codes[0]}-test_1")).to_have_value("12,50")
    fourth = phone.locator(f"#m-{codes[3]}-test_1")
    fourth.fill("douze")
    fourth.press("Tab")  # the last row: leaving the cell saves it
    expect(phone.locator(f"#st-{codes[3]} .errorlist")).to_contain_text("n'est pas une note")
    fourth.fill("14,25")
    fourth.press("Tab")
    expect(phone.locator(f"#st-{codes[3]} .marks-saved")).to_be_visible()
    assert MarkRow.objects.get(pk=rows[3].pk).test_1 == Decimal("14.25")


def _complete_semester(world, cast):
    """Every sheet of the class filled by its teacher (two tests and activities each)."""
    for index, code in enumerate(sorted(world.subjects)):
        subject = world.subjects[code]
        if subject.is_conduct:
            continue
        sheet = marks.sheet_open(
            actor=cast.director_a1, school_class=world.school_class, subject=subject, semester=1
        )
        changes = [
            marks.RowChange(
                row.enrolment_id,
                row.version,
                {
                    "test_1": 8 + (position * 3 + index) % 10,
                    "test_2": 9 + (position * 2 + index) % 9,
                    "activities": 12 + position % 5,
                },
            )
            for position, row in enumerate(sheet.rows.order_by("enrolment_id"))
        ]
        marks.marks_save(actor=cast.director_a1, sheet=sheet, changes=changes)


def test_the_director_validates_holds_the_council_publishes_and_the_family_reads_it(
    page, phone, live_server, cast
):
    world = class_world(cast, pupils=3)
    year = world.school_class.school_year
    open_entry(cast.school_a1, year)
    _complete_semester(world, cast)
    math = MarkSheet.objects.get(school_class=world.school_class, subject__code="MATH")
    log_in(page, live_server, cast.director_a1, cast.password)
    page.click("#language-fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # The validation board: the director validates the mathematics sheet by hand, the others
    # the same way.
    page.goto(f"{live_server.url}/establishments/{cast.school_a1.code}/marks/?semester=1")
    page.click(f"#validate-{math.public_id}")
    expect(page.locator(f"#validate-{math.public_id}")).to_have_count(0)
    math.refresh_from_db()
    assert math.status == SheetStatus.VALIDATED
    for sheet in MarkSheet.objects.filter(school_class=world.school_class).exclude(pk=math.pk):
        page.goto(f"{live_server.url}/establishments/{cast.school_a1.code}/marks/?semester=1")
        page.click(f"#validate-{sheet.public_id}")
        expect(page.locator(f"#validate-{sheet.public_id}")).to_have_count(0)
    assert not MarkSheet.objects.filter(status=SheetStatus.OPEN).exists()

    # The semester's class council: opened, a mention given, validated.
    page.goto(f"{live_server.url}/establishments/{cast.school_a1.code}/councils/?period=1")
    page.fill("input[name='held_on']", f"{year.starts_on.year + 1}-01-29")
    page.locator("form", has=page.locator("input[name='held_on']")).locator(
        "button[type='submit']"
    ).click()
    expect(page.locator("#council-title")).to_contain_text(world.school_class.name)
    code = codes_of(world)[0]
    page.select_option(f"#appreciation-{code}", "encouragement")
    page.click(f"#save-{code}")
    expect(page.locator(f"#feedback-{code}")).to_contain_text("Enregistr")
    page.click("#validate-submit")
    expect(page.locator("#council-status")).to_have_attribute("data-status", "validated")

    # Publication of the first semester.
    page.goto(f"{live_server.url}/establishments/{cast.school_a1.code}/results/publication/")
    page.click("#publish-1")
    expect(page.locator("#period-1")).to_have_attribute("data-published", "1")
    assert Publication.objects.get(period=1, is_current=True).pupils == 3

    # The pupil, on a phone in Arabic, reads the published results and gets the report card.
    log_in(phone, live_server, cast.student_a1, cast.password)
    phone.goto(f"{live_server.url}/results/")
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    card = phone.locator(f"#report-{year.code}-1")
    expect(card).to_be_visible()
    expect(card).to_contain_text("الرياضيات")
    with phone.expect_download() as download:
        phone.click(f"#pdf-{year.code}-1")
    assert download.value.suggested_filename.endswith(".pdf")

    # The parent sees the same card in French.
    phone.context.clear_cookies()
    log_in(phone, live_server, cast.parent_a1, cast.password)
    phone.goto(f"{live_server.url}/results/")
    phone.click("#language-fr")
    expect(phone.locator(f"#report-{year.code}-1")).to_contain_text("Mathématiques")
