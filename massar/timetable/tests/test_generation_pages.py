"""The generator's pages and API: asking for a run, following it, its outcome, with the cast."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from massar.timetable.explanations import describe
from massar.timetable.generation import generator_run_request
from massar.timetable.models import GeneratorRun, RunStatus, Session, TeacherAvailability
from massar.web.tests.api_helpers import assert_error, bearer

from .generation_school import small_school

pytestmark = pytest.mark.django_db

READERS = {
    "director_a1",
    "staff_a1",
    "directorate_officer_a1",
    "academy_officer_a",
    "national_admin",
}
WRITERS = {"director_a1", "staff_a1"}
RUNS_API = "/api/v1/timetables/generator-runs"


def arabic(message: str, **params) -> str:
    with translation.override("ar"):
        text = gettext(message)
    return text % params if params else text


@pytest.fixture
def school(cast):
    return small_school(cast.school_a1)


def queued_run(cast, capture):
    with capture(execute=False):
        return generator_run_request(actor=cast.director_a1, establishment=cast.school_a1)


# --- pages ------------------------------------------------------------------------------------


def test_who_sees_the_generator_page(client, cast, school):
    url = reverse("timetable:generator", args=[cast.school_a1.code])
    assert client.get(url).status_code == 302
    for who, user in cast.everyone().items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == (200 if who in READERS else 404), who
        if who in READERS:
            assert (b'id="generation-form"' in response.content) == (who in WRITERS), who


def test_the_director_starts_a_run_and_sees_it_finish(
    client, cast, school, django_capture_on_commit_callbacks
):
    client.force_login(cast.director_a1)
    url = reverse("timetable:generator", args=[cast.school_a1.code])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"mode": "full", "time_limit": "20"})
    run = GeneratorRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("timetable:generator_run", args=[run.public_id])
    assert run.requested_by == cast.director_a1
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["run"].status == RunStatus.SUCCEEDED
    content = page.content.decode()
    assert 'data-status="succeeded"' in content
    assert 'id="run-placed">10<' in content
    assert "hx-trigger" not in content  # nothing left to poll
    assert reverse("timetable:print_school_classes", args=[cast.school_a1.code]) in content
    assert Session.objects.filter(establishment=cast.school_a1).count() == 10
    listing = client.get(url)
    assert str(run.public_id) in listing.content.decode()


@pytest.mark.parametrize("time_limit", ["0", "10000", "abc", ""])
def test_a_wrong_time_limit_is_refused_on_the_page(client, cast, school, time_limit):
    client.force_login(cast.director_a1)
    url = reverse("timetable:generator", args=[cast.school_a1.code])
    response = client.post(url, {"mode": "full", "time_limit": time_limit})
    assert response.status_code == 400
    assert response.context["form"].errors["time_limit"]
    assert not GeneratorRun.objects.exists()


def test_a_second_run_is_refused_with_a_message(
    client, cast, school, django_capture_on_commit_callbacks
):
    queued_run(cast, django_capture_on_commit_callbacks)
    client.force_login(cast.staff_a1)
    url = reverse("timetable:generator", args=[cast.school_a1.code])
    response = client.post(url, {"mode": "repair", "time_limit": "60"})
    assert response.status_code == 400
    message = arabic(
        "The generator is already working on this school's timetable: wait for that run to "
        "finish before asking for another."
    )
    assert response.context["error"].message == message
    assert b'id="generation-error"' in response.content
    assert GeneratorRun.objects.count() == 1


def test_no_grid_yet_is_said_on_the_page(client, cast):
    small_school(cast.school_a2, with_grid=False)
    client.force_login(cast.director_a2)
    url = reverse("timetable:generator", args=[cast.school_a2.code])
    response = client.post(url, {"mode": "full", "time_limit": "60"})
    assert response.status_code == 400
    assert response.context["error"].code == "no_grid"
    assert not GeneratorRun.objects.exists()


def test_an_officer_reads_runs_but_cannot_start_one(client, cast, school):
    client.force_login(cast.directorate_officer_a1)
    url = reverse("timetable:generator", args=[cast.school_a1.code])
    response = client.post(url, {"mode": "full", "time_limit": "60"})
    assert response.status_code == 403
    assert b'id="generation-error"' in response.content
    assert not GeneratorRun.objects.exists()


def test_the_run_page_polls_while_the_run_works(
    client, cast, school, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    run = queued_run(cast, django_capture_on_commit_callbacks)
    GeneratorRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=37)
    client.force_login(cast.staff_a1)
    url = reverse("timetable:generator_run", args=[run.public_id])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    content = page.content.decode()
    assert 'hx-trigger="every 2s"' in content
    assert 'value="37"' in content
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith('<section id="run-status"')
    assert "<html" not in fragment.content.decode()
    GeneratorRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, progress=100)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done
    assert 'data-status="succeeded"' in done


def test_the_run_page_gives_the_reasons_of_an_infeasible_run(
    client, cast, school, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    TeacherAvailability.objects.bulk_create(
        TeacherAvailability(
            teacher=school.math, school_year=school.school_year, weekday=day, period=period
        )
        for day in (1, 2, 3, 4)
        for period in range(1, 7)
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = generator_run_request(actor=cast.director_a1, establishment=cast.school_a1)
    client.force_login(cast.directorate_officer_a1)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("timetable:generator_run", args=[run.public_id]))
    assert page.context["run"].status == RunStatus.INFEASIBLE
    with translation.override("ar"):
        expected = [reason.text for reason in describe(page.context["run"].explanation)]
    assert [reason.text for reason in page.context["reasons"]] == expected
    assert "سميرة العلوي" in expected[0]
    assert 'data-code="teacher_overloaded"' in page.content.decode()


def test_who_reads_a_run_page(client, cast, school, django_capture_on_commit_callbacks):
    run = queued_run(cast, django_capture_on_commit_callbacks)
    url = reverse("timetable:generator_run", args=[run.public_id])
    for who, user in cast.everyone().items():
        client.force_login(user)
        assert client.get(url).status_code == (200 if who in READERS else 404), who
    client.force_login(cast.director_a1)
    missing = reverse("timetable:generator_run", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(missing).status_code == 404


# --- API --------------------------------------------------------------------------------------


def test_the_api_starts_a_run_and_reports_it(
    client, cast, school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            RUNS_API,
            {"establishment": "11565v", "mode": "full", "time_limit": 20},
            content_type="application/json",
            **bearer(cast.director_a1),
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"  # the task starts once the request's transaction commits
    assert (body["establishment"], body["school_year"]) == ("11565V", school.school_year.code)
    assert (body["mode"], body["time_limit"], body["reasons"]) == ("full", 20, [])
    detail = client.get(f"{RUNS_API}/{body['public_id']}", **bearer(cast.staff_a1))
    assert detail.status_code == 200
    done = detail.json()
    assert (done["status"], done["progress"], done["sessions_placed"]) == ("succeeded", 100, 10)
    listing = client.get(RUNS_API, {"establishment": "11565V"}, **bearer(cast.national_admin))
    assert listing.status_code == 200
    assert [row["public_id"] for row in listing.json()["results"]] == [body["public_id"]]
    assert listing.json()["count"] == 1


def test_the_api_gives_the_reasons_of_an_infeasible_run(
    client, cast, school, django_capture_on_commit_callbacks
):
    TeacherAvailability.objects.bulk_create(
        TeacherAvailability(
            teacher=school.math, school_year=school.school_year, weekday=day, period=period
        )
        for day in (1, 2, 3, 4)
        for period in range(1, 7)
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = generator_run_request(actor=cast.director_a1, establishment=cast.school_a1)
    body = client.get(f"{RUNS_API}/{run.public_id}", **bearer(cast.directorate_officer_a1)).json()
    assert body["status"] == "infeasible"
    (reason,) = body["reasons"]
    assert reason["code"] == "teacher_overloaded"
    assert reason["params"] == {"teacher_id": school.math.pk, "needed": 8, "available": 6}
    message = (
        "%(teacher)s has %(needed)s periods to teach a week, but only %(available)s periods of "
        "the grid are free for them (unavailability, other schools, free half-days)."
    )
    assert reason["message"] == arabic(message, teacher="سميرة العلوي", needed=8, available=6)


@pytest.mark.parametrize("time_limit", [0, 10000])
def test_the_api_refuses_a_wrong_time_limit(client, cast, school, time_limit):
    response = client.post(
        RUNS_API,
        {"establishment": "11565V", "time_limit": time_limit},
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    error = assert_error(response, 400, "invalid_time_limit")
    assert error["details"] == [{"loc": ["time_limit"], "msg": error["message"]}]
    assert not GeneratorRun.objects.exists()


def test_the_api_refuses_bad_requests(client, cast, school, django_capture_on_commit_callbacks):
    post = lambda payload, user=cast.director_a1: client.post(  # noqa: E731
        RUNS_API, payload, content_type="application/json", **bearer(user)
    )
    assert_error(post({"establishment": "11565V", "mode": "fast"}), 400, "invalid")
    assert_error(post({"mode": "full"}), 400, "invalid")
    assert_error(post({"establishment": "99999Z"}), 404, "not_found")
    assert_error(post({"establishment": "12001C"}), 404, "not_found")  # another school
    assert_error(post({"establishment": "11565V"}, cast.teacher_a1), 404, "not_found")
    assert_error(post({"establishment": "11565V"}, cast.outsider), 404, "not_found")
    assert_error(post({"establishment": "11565V"}, cast.directorate_officer_a1), 403, "forbidden")
    with django_capture_on_commit_callbacks(execute=False):
        assert post({"establishment": "11565V"}).status_code == 202
    assert_error(post({"establishment": "11565V"}), 400, "run_in_progress")
    assert GeneratorRun.objects.count() == 1
    assert_error(
        client.get(RUNS_API, {"colour": "red"}, **bearer(cast.director_a1)),
        400,
        "unknown_parameter",
    )
    assert client.post(RUNS_API, {}, content_type="application/json").status_code == 401


def test_who_reads_a_run_through_the_api(client, cast, school, django_capture_on_commit_callbacks):
    run = queued_run(cast, django_capture_on_commit_callbacks)
    for who, user in cast.everyone().items():
        response = client.get(f"{RUNS_API}/{run.public_id}", **bearer(user))
        if who in READERS:
            assert response.status_code == 200, who
            assert response.json()["status"] == "queued"
        else:
            assert_error(response, 404, "not_found")
        listing = client.get(RUNS_API, **bearer(user))
        assert listing.json()["count"] == (1 if who in READERS else 0), who


def test_the_generator_page_lists_runs_in_bounded_queries(
    client, cast, school, django_assert_max_num_queries
):
    for status in (RunStatus.SUCCEEDED, RunStatus.INFEASIBLE, RunStatus.FAILED):
        GeneratorRun.objects.create(
            establishment=cast.school_a1,
            school_year=school.school_year,
            status=status,
            requested_by=cast.director_a1,
        )
    GeneratorRun.objects.create(establishment=cast.school_a2, school_year=school.school_year)
    client.force_login(cast.director_a1)
    url = reverse("timetable:generator", args=[cast.school_a1.code])
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    statuses = [run.status for run in response.context["page"].object_list]
    assert sorted(statuses) == ["failed", "infeasible", "succeeded"]
