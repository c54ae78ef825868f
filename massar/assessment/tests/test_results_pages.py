"""Pages of results with the cast: the school's and a class's live results, the director's
publication page and printing, the pupil's and parent's published results and report cards —
who may, who gets 404, what pupils never see, and bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from massar.accounts.models import Role
from massar.accounts.services import role_assign
from massar.accounts.tests.factories import UserFactory
from massar.assessment.models import BatchStatus, MarkRow, Publication, ReportCardBatch
from massar.students.models import Guardian, Relationship

from .builders import class_world, other_world
from .test_publication import publish, semester_sheets

pytestmark = pytest.mark.django_db

SCHOOL_READERS = {
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
}


@pytest.fixture
def world(cast):
    world = class_world(cast, pupils=4)
    semester_sheets(world, 1)
    return world


@pytest.fixture
def classmate(cast, world):
    """The second pupil of TCS-1, with a pupil account of their own."""
    user = UserFactory(username="cast-classmate")
    role_assign(user=user, role=Role.STUDENT, establishment=cast.school_a1)
    student = world.enrolments[1].student
    student.user = user
    student.save(update_fields=["user"])
    return user


def pupil_code(world, index: int = 0) -> str:
    return world.enrolments[index].student.code_massar


def visit(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- a school's and a class's live results ----------------------------------------------------


def test_who_sees_the_school_results(client, cast, world):
    url = reverse("assessment:results_school", args=[cast.school_a1.code])
    assert client.get(url).status_code == 302
    for who, user in cast.everyone().items():
        response = visit(client, user, url)
        assert response.status_code == (200 if who in SCHOOL_READERS else 404), who
    response = visit(client, cast.director_a1, url)
    assert b'id="results-live"' in response.content
    assert b'id="publication-link"' in response.content
    assert b'id="publication-link"' not in visit(client, cast.staff_a1, url).content


def test_who_sees_a_class_results_and_they_are_marked_live(client, cast, world):
    from massar.assessment.computation import recompute_establishment

    recompute_establishment(cast.school_a1, world.school_class.school_year)
    url = reverse("assessment:results_class", args=[world.school_class.public_id]) + "?period=1"
    for who, user in cast.everyone().items():
        response = visit(client, user, url)
        expected = 200 if who in SCHOOL_READERS | {"teacher_a1"} else 404
        assert response.status_code == expected, who
    content = visit(client, cast.staff_a1, url).content.decode()
    assert 'id="results-live"' in content
    assert gettext("Not published yet.") in content
    assert "12,75" in content  # the first pupil's live average, with a decimal comma
    assert 'id="results-statistics"' in content


def test_another_school_class_is_not_found(client, cast, world):
    other = other_world(cast)
    url = reverse("assessment:results_class", args=[other.school_class.public_id])
    assert visit(client, cast.director_a1, url).status_code == 404
    assert visit(client, cast.director_a2, url).status_code == 200


# --- the director's publication page ----------------------------------------------------------


def test_only_the_director_opens_the_publication_page(client, cast, world):
    url = reverse("assessment:results_publication", args=[cast.school_a1.code])
    for who, user in cast.everyone().items():
        response = visit(client, user, url)
        assert response.status_code == (200 if who == "director_a1" else 404), who


def test_the_publication_page_shows_what_blocks_a_period(client, cast, world):
    url = reverse("assessment:results_publication", args=[cast.school_a1.code])
    content = visit(client, cast.director_a1, url).content.decode()
    # Semester 1: ready; semester 2: no validated sheet; the year: that, and the council of
    # TCS-1 missing.
    assert 'id="publish-form-1"' in content
    assert 'id="period-2-no-marks-2"' in content
    assert 'id="publish-form-2"' not in content
    assert 'id="period-3-councils"' in content
    assert 'id="period-3-no-marks-2"' in content
    assert 'id="publish-form-3"' not in content


def test_the_director_publishes_and_corrects_from_the_page(client, cast, world):
    url = reverse("assessment:results_publication", args=[cast.school_a1.code])
    client.force_login(cast.director_a1)

    response = client.post(url, {"period": "1"})
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert (publication.period, publication.version, publication.pupils) == (1, 1, 4)

    response = client.post(url, {"period": "1", "reason": ""})
    assert response.status_code == 400
    assert (
        gettext("These results are already published: say why you publish a correction.")
        in response.content.decode()
    )

    response = client.post(url, {"period": "1", "reason": "Erreur de saisie"})
    assert response.status_code == 302
    assert list(Publication.objects.order_by("version").values_list("version", "is_current")) == [
        (1, False),
        (2, True),
    ]
    content = client.get(url).content.decode()
    assert 'id="period-1-versions"' in content
    assert "Erreur de saisie" in content


def test_a_blocked_publication_says_what_is_missing(client, cast, world):
    url = reverse("assessment:results_publication", args=[cast.school_a1.code])
    client.force_login(cast.director_a1)
    response = client.post(url, {"period": "3"})
    assert response.status_code == 400
    assert 'id="publish-error"' in response.content.decode()
    assert not Publication.objects.exists()


def test_the_director_prints_follows_and_downloads_the_report_cards(
    client, cast, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    publication = publish(cast, world, 1)
    client.force_login(cast.director_a1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment:results_print", args=[publication.public_id]))
    batch = ReportCardBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:results_batch", args=[batch.public_id])
    assert batch.status == BatchStatus.DONE

    page = client.get(response["Location"])
    assert b'id="batch-download"' in page.content
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<section id="batch-status"')
    download = client.get(reverse("assessment:results_batch_download", args=[batch.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    for who, user in cast.everyone().items():
        if who == "director_a1":
            continue
        client.force_login(user)
        for url in (
            reverse("assessment:results_batch", args=[batch.public_id]),
            reverse("assessment:results_batch_download", args=[batch.public_id]),
        ):
            assert client.get(url).status_code == 404, who
        printing = client.post(reverse("assessment:results_print", args=[publication.public_id]))
        assert printing.status_code == 404, who
    assert ReportCardBatch.objects.count() == 1


def test_a_running_printing_polls_itself(client, cast, world, django_capture_on_commit_callbacks):
    publication = publish(cast, world, 1)
    client.force_login(cast.director_a1)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("assessment:results_print", args=[publication.public_id]))
    batch = ReportCardBatch.objects.get()
    content = client.get(reverse("assessment:results_batch", args=[batch.public_id])).content
    assert b'hx-trigger="every 2s"' in content
    assert b'id="batch-progress"' in content


def test_the_publication_entry_leads_the_director_to_the_school(client, cast):
    url = reverse("assessment:results_publication_home")
    response = visit(client, cast.director_a1, url)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessment:results_publication", args=[cast.school_a1.code]
    )
    for who in ("staff_a1", "parent_a1", "outsider", "national_admin"):
        assert visit(client, getattr(cast, who), url).status_code == 404, who


# --- pupils and parents -----------------------------------------------------------------------

PUPIL_READERS = SCHOOL_READERS | {"student_a1", "parent_a1"}


def test_who_reads_a_pupil_results(client, cast, world):
    publish(cast, world, 1)
    url = reverse("assessment:results_pupil", args=[pupil_code(world)])
    for who, user in cast.everyone().items():
        response = visit(client, user, url)
        assert response.status_code == (200 if who in PUPIL_READERS else 404), who


def test_a_pupil_changing_the_code_to_a_classmate_gets_404(client, cast, world, classmate):
    publish(cast, world, 1)
    client.force_login(cast.student_a1)
    for url in (
        reverse("assessment:results_pupil", args=[pupil_code(world, 1)]),
        reverse(
            "assessment:results_report_card",
            args=[pupil_code(world, 1), world.school_class.school_year.code, 1],
        ),
    ):
        assert client.get(url).status_code == 404
    client.force_login(classmate)
    assert (
        client.get(reverse("assessment:results_pupil", args=[pupil_code(world, 0)])).status_code
        == 404
    )
    assert (
        client.get(reverse("assessment:results_pupil", args=[pupil_code(world, 1)])).status_code
        == 200
    )


def test_pupils_never_see_unpublished_marks(client, cast, world):
    from massar.assessment.computation import recompute_establishment

    recompute_establishment(cast.school_a1, world.school_class.school_year)
    url = reverse("assessment:results_pupil", args=[pupil_code(world)])
    for user in (cast.student_a1, cast.parent_a1):
        content = visit(client, user, url).content.decode()
        assert 'id="results-none"' in content
        assert "12,75" not in content
        assert "13,75" not in content


def test_published_results_stay_as_published_until_a_correction(client, cast, world):
    math, _french = semester_sheets(world, 1)
    publish(cast, world, 1)
    url = reverse("assessment:results_pupil", args=[pupil_code(world)])
    content = visit(client, cast.student_a1, url).content.decode()
    assert 'id="report-2025-2026-1"' in content
    assert "12,75" in content
    assert "13,75" in content

    MarkRow.objects.filter(sheet=math, enrolment=world.enrolments[0]).update(test_1=16)
    from massar.assessment.computation import recompute_establishment

    recompute_establishment(cast.school_a1, world.school_class.school_year)
    content = visit(client, cast.parent_a1, url).content.decode()
    assert "12,75" in content
    assert "13,50" not in content

    publish(cast, world, 1, reason="Correction")
    content = visit(client, cast.parent_a1, url).content.decode()
    assert "13,50" in content  # (15.25 + 11.75) / 2
    assert 'data-version="2"' in content


def test_the_pupil_downloads_a_published_report_card(client, cast, world):
    publish(cast, world, 1)
    year = world.school_class.school_year.code
    client.force_login(cast.student_a1)
    ok = client.get(reverse("assessment:results_report_card", args=[pupil_code(world), year, 1]))
    assert ok.status_code == 200
    assert ok["Content-Type"] == "application/pdf"
    assert ok.content.startswith(b"%PDF-")
    for period in (2, 3, 4):  # not published, or not a period
        missing = client.get(
            reverse("assessment:results_report_card", args=[pupil_code(world), year, period])
        )
        assert missing.status_code == 404, period
    assert (
        client.get(
            reverse("assessment:results_report_card", args=[pupil_code(world), "1999-2000", 1])
        ).status_code
        == 404
    )
    for who in ("director_a2", "outsider", "teacher_a1"):
        client.force_login(getattr(cast, who))
        response = client.get(
            reverse("assessment:results_report_card", args=[pupil_code(world), year, 1])
        )
        assert response.status_code == 404, who


def test_a_parent_switches_between_children(client, cast, world):
    second = world.enrolments[2].student
    Guardian.objects.create(
        student=second, relationship=Relationship.FATHER, first_name_fr="Ahmed", user=cast.parent_a1
    )
    publish(cast, world, 1)
    client.force_login(cast.parent_a1)
    home = client.get(reverse("assessment:results_family"))
    assert home.status_code == 302
    content = client.get(home["Location"]).content.decode()
    assert 'id="results-children"' in content
    for code in (pupil_code(world, 0), second.code_massar):
        assert reverse("assessment:results_pupil", args=[code]) in content
    assert (
        client.get(reverse("assessment:results_pupil", args=[second.code_massar])).status_code
        == 200
    )


def test_the_results_entry_is_for_pupils_and_parents(client, cast, world):
    url = reverse("assessment:results_family")
    assert visit(client, cast.student_a1, url)["Location"] == reverse(
        "assessment:results_pupil", args=[pupil_code(world)]
    )
    for who in ("director_a1", "staff_a1", "outsider"):
        assert visit(client, getattr(cast, who), url).status_code == 404, who


@pytest.mark.parametrize("who", ["student_a1", "parent_a1"])
def test_the_family_page_reads_snapshots_in_a_few_queries(
    client, cast, world, who, django_assert_max_num_queries
):
    publish(cast, world, 1)
    publish(cast, world, 1, reason="again")
    url = reverse("assessment:results_pupil", args=[pupil_code(world)])
    client.force_login(getattr(cast, who))
    client.get(url)  # warm the session
    # Session, user, roles, the pupil, the children, the reports (and the parent's navigation).
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200


def test_the_school_prints_a_class_published_report_cards(client, cast, world):
    url = reverse("assessment:results_class_report_cards", args=[world.school_class.public_id])
    client.force_login(cast.director_a1)
    assert client.get(url + "?period=1").status_code == 404  # nothing published yet
    publish(cast, world, 1)
    page = client.get(reverse("assessment:results_class", args=[world.school_class.public_id]))
    assert b'id="class-report-cards"' in page.content
    for who, user in cast.everyone().items():
        client.force_login(user)
        response = client.get(url + "?period=1")
        if who in {"director_a1", "staff_a1"}:
            assert response.status_code == 200, who
            assert response["Content-Type"] == "application/pdf"
            assert response.content.count(b"/Type/Page/") + response.content.count(
                b"/Type/Page>"
            ) == len(world.enrolments)
        else:
            assert response.status_code == 404, who
    client.force_login(cast.director_a1)
    assert client.get(url + "?period=2").status_code == 404


def test_the_results_entry_for_the_school_and_officers(client, cast):
    url = reverse("assessment:results_schools")
    school_page = reverse("assessment:results_school", args=[cast.school_a1.code])
    for who in ("director_a1", "staff_a1"):
        assert visit(client, getattr(cast, who), url)["Location"] == school_page, who
    for who in ("national_admin", "academy_officer_a", "directorate_officer_a1"):
        response = visit(client, getattr(cast, who), url)
        assert response.status_code == 200, who
        assert b'id="results-school-form"' in response.content
        assert client.get(url, {"code": "11565v"})["Location"] == school_page
    for who in ("teacher_a1", "parent_a1", "student_a1", "outsider"):
        assert visit(client, getattr(cast, who), url).status_code == 404, who


def test_a_failed_printing_says_why_and_offers_no_file(client, cast, world):
    from massar.assessment.reportcards.batch import ERROR_CODES
    from massar.assessment.views_results import BATCH_ERRORS

    assert set(BATCH_ERRORS) == set(ERROR_CODES)
    publication = publish(cast, world, 1)
    batch = ReportCardBatch.objects.create(
        establishment=cast.school_a1,
        publication=publication,
        status=BatchStatus.FAILED,
        total=4,
        done=2,
        error="render: layout exploded",
    )
    client.force_login(cast.director_a1)
    content = client.get(reverse("assessment:results_batch", args=[batch.public_id])).content
    text = content.decode()
    assert gettext("A report card could not be laid out.") in text
    assert "layout exploded" in text
    assert 'id="batch-download"' not in text
    download = reverse("assessment:results_batch_download", args=[batch.public_id])
    assert client.get(download).status_code == 404


def test_the_school_results_sum_up_each_class(client, cast, world, django_assert_max_num_queries):
    from massar.assessment.computation import recompute_establishment

    recompute_establishment(cast.school_a1, world.school_class.school_year)
    url = reverse("assessment:results_school", args=[cast.school_a1.code]) + "?period=1"
    client.force_login(cast.staff_a1)
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    row = response.content.decode().split(f'id="class-{world.school_class.public_id}"')[1]
    row = row.split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split('<td class="number">')[1:]]
    # Two pupils with an average (12.75 and 9.69): mean 11.22.
    assert cells == ["2", "11,22", "12,75", "9,69"]


def test_text_that_cannot_be_a_code_is_not_found(client, cast, world):
    client.force_login(cast.director_a1)
    for url in (
        "/results/pupils/A%00B/",
        f"/results/pupils/{pupil_code(world)}/report-cards/2025%002026/1.pdf",
        "/establishments/11565V%00/results/",
        "/establishments/11565V%00/results/publication/",
    ):
        assert client.get(url).status_code == 404, url
