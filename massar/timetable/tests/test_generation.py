"""Runs of the generator end to end (immediate task backend, SQLite or PostgreSQL): the request
and its refusals, the sessions written (locked ones kept, history rows), repair, infeasible runs
and their reasons in both languages, runs that find nothing or fail, progress, idempotence."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.timetable import generation
from massar.timetable.explanations import describe
from massar.timetable.generation import (
    ProgressWriter,
    generator_run_execute,
    generator_run_request,
)
from massar.timetable.generation_access import access_run_by_public_id
from massar.timetable.generator import Solution, SolveStatus
from massar.timetable.generator.validate import validate
from massar.timetable.loading import load_problem
from massar.timetable.models import (
    GeneratorRun,
    RunMode,
    RunStatus,
    Session,
    TeacherAvailability,
    WeeklyGrid,
)

from .generation_school import small_school
from .test_generation_loading import session

pytestmark = pytest.mark.django_db

TIME_LIMIT = 20


@pytest.fixture
def school(cast):
    return small_school(cast.school_a1)


def generate(actor, establishment, capture, *, mode=RunMode.FULL, time_limit=TIME_LIMIT):
    with capture(execute=True):
        run = generator_run_request(
            actor=actor, establishment=establishment, mode=mode, time_limit=time_limit
        )
    run.refresh_from_db()
    return run


def placements_of(establishment) -> dict[int, tuple]:
    return {
        s.pk: (s.assignment_id, s.weekday, s.period, s.length, s.room_id, s.is_locked)
        for s in Session.objects.filter(establishment=establishment)
    }


def test_a_director_generates_the_timetable_of_a_small_school(
    cast, school, django_capture_on_commit_callbacks
):
    tcs1 = school.classes[0]
    math = school.assignment(tcs1, "MATH")
    locked = session(math, weekday=2, period=1, length=1, room=school.rooms["S1"], locked=True)
    locked_before = placements_of(cast.school_a1)[locked.pk]

    run = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.SUCCEEDED
    assert run.progress == 100
    assert run.sessions_placed == 11
    assert run.sessions_moved == 0
    assert run.explanation == []
    assert run.objective is not None
    assert run.started_at is not None
    assert run.finished_at is not None
    sessions = list(Session.objects.filter(establishment=cast.school_a1))
    assert len(sessions) == 11
    assert placements_of(cast.school_a1)[locked.pk] == locked_before
    # Every assignment gets its hours, taught by its teacher to its class.
    periods: dict[int, int] = {}
    for s in sessions:
        periods[s.assignment_id] = periods.get(s.assignment_id, 0) + s.length
        assert (s.teacher_id, s.school_class_id) == (
            s.assignment.teacher_id,
            s.assignment.school_class_id,
        )
        if s.assignment.subject.code == "PC":
            assert s.room_id == school.rooms["LAB1"].pk
        else:
            assert s.room_id in (school.rooms["S1"].pk, school.rooms["S2"].pk)
    assert periods == {a.pk: int(a.weekly_hours) for a in school.assignments}
    # The written timetable holds every hard rule.
    loaded = load_problem(establishment=cast.school_a1, school_year=school.school_year)
    assert loaded.problem.lessons
    assert all(lesson.current or lesson.locked for lesson in loaded.problem.lessons)
    written = {lesson.key: lesson.current or lesson.locked for lesson in loaded.problem.lessons}
    assert validate(loaded.problem, written) == []
    # History: one creation row per new session, by the director, naming the run.
    created = Session.history.filter(history_type="+").exclude(id=locked.pk)
    assert created.count() == 10
    assert {row.history_user_id for row in created} == {cast.director_a1.pk}
    assert {row.history_change_reason for row in created} == {f"generator run {run.public_id}"}
    assert not Session.history.filter(id=locked.pk, history_type__in=["~", "-"]).exists()


def test_a_repair_moves_only_what_a_new_unavailability_forces(
    cast, school, django_capture_on_commit_callbacks
):
    first = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)
    assert first.status == RunStatus.SUCCEEDED
    before = placements_of(cast.school_a1)
    # The mathematics teacher can no longer teach at the time of one of her sessions.
    taught = Session.objects.filter(teacher=school.math).order_by("weekday", "period").first()
    TeacherAvailability.objects.create(
        teacher=school.math,
        school_year=school.school_year,
        weekday=taught.weekday,
        period=taught.period,
    )

    run = generate(
        cast.staff_a1, cast.school_a1, django_capture_on_commit_callbacks, mode=RunMode.REPAIR
    )

    assert run.status == RunStatus.SUCCEEDED
    after = placements_of(cast.school_a1)
    assert set(after) == set(before)  # same rows: nothing deleted and created again
    changed = [pk for pk in before if before[pk] != after[pk]]
    assert taught.pk in changed
    assert run.sessions_moved == len(changed)
    assert 1 <= len(changed) <= 3
    assert Session.history.filter(history_type="~").count() == len(changed)
    moved = Session.objects.get(pk=taught.pk)
    assert (moved.weekday, moved.period) != (taught.weekday, taught.period)


def test_running_the_task_again_changes_nothing(cast, school, django_capture_on_commit_callbacks):
    run = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)
    before = placements_of(cast.school_a1)
    history = Session.history.count()
    assert generator_run_execute(run_id=run.pk) == "skipped"
    assert placements_of(cast.school_a1) == before
    assert Session.history.count() == history
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_a_teacher_with_more_hours_than_free_periods_makes_it_infeasible(
    cast, school, django_capture_on_commit_callbacks
):
    previous = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)
    assert previous.status == RunStatus.SUCCEEDED
    before = placements_of(cast.school_a1)
    # Unavailable Monday to Thursday: only Friday's six periods are left for eight to teach.
    TeacherAvailability.objects.bulk_create(
        TeacherAvailability(
            teacher=school.math, school_year=school.school_year, weekday=day, period=period
        )
        for day in (1, 2, 3, 4)
        for period in range(1, 7)
    )

    run = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.INFEASIBLE
    assert run.explanation == [
        {
            "code": "teacher_overloaded",
            "params": {"teacher_id": school.math.pk, "needed": 8, "available": 6},
        }
    ]
    assert placements_of(cast.school_a1) == before  # the previous timetable is untouched
    message = (
        "%(teacher)s has %(needed)s periods to teach a week, but only %(available)s periods of "
        "the grid are free for them (unavailability, other schools, free half-days)."
    )
    for language, name in (("fr", "Samira Alaoui"), ("ar", "سميرة العلوي")):
        with translation.override(language):
            expected = gettext(message) % {"teacher": name, "needed": 8, "available": 6}
            assert [reason.text for reason in describe(run.explanation)] == [expected]


def test_rules_that_cannot_hold_together_are_named(
    cast, school, django_capture_on_commit_callbacks
):
    math = school.assignment(school.classes[0], "MATH")
    session(math, weekday=1, period=1, length=2, room=school.rooms["S1"], locked=True)
    TeacherAvailability.objects.create(
        teacher=school.math, school_year=school.school_year, weekday=1, period=2
    )

    run = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.INFEASIBLE
    assert [entry["code"] for entry in run.explanation] == ["constraints_together"]
    kinds = sorted(group["kind"] for group in run.explanation[0]["params"]["groups"])
    assert kinds == ["locked", "teacher_unavailable"]
    with translation.override("fr"):
        (reason,) = describe(run.explanation)
        lesson = gettext("%(subject)s with %(class)s (%(teacher)s)") % {
            "subject": "Mathématiques",
            "class": "TCS-1",
            "teacher": "Samira Alaoui",
        }
        locked = gettext("the session of %(lesson)s locked on %(day)s, period %(period)s") % {
            "lesson": lesson,
            "day": gettext("Monday"),
            "period": 1,
        }
        unavailable = gettext("the periods when %(teacher)s is unavailable") % {
            "teacher": "Samira Alaoui"
        }
        assert reason.text == gettext("These rules cannot all hold together: %(rules)s.") % {
            "rules": f"{locked}; {unavailable}"
        }
    assert Session.objects.filter(establishment=cast.school_a1).count() == 1


def test_no_timetable_in_the_time_given_writes_nothing(
    cast, school, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(
        generation, "solve", lambda problem, **kwargs: Solution(SolveStatus.UNKNOWN)
    )
    run = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert run.explanation == [{"code": "time_out", "params": {"seconds": TIME_LIMIT}}]
    assert not Session.objects.exists()
    with translation.override("en"):
        assert [reason.text for reason in describe(run.explanation)] == [
            f"No timetable was found in the {TIME_LIMIT} seconds given. Nothing was changed: "
            "try again with more time, or loosen some constraints."
        ]


def test_a_failure_while_writing_leaves_the_previous_timetable(
    cast, school, django_capture_on_commit_callbacks, monkeypatch
):
    generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)
    Session.objects.filter(pk=min(placements_of(cast.school_a1))).delete()  # one to create again
    before = placements_of(cast.school_a1)
    history = Session.history.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generation, "bulk_create_with_history", broken)
    run = generate(
        cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks, mode=RunMode.FULL
    )
    assert run.status == RunStatus.FAILED
    assert run.explanation == [{"code": "error", "params": {}}]
    assert placements_of(cast.school_a1) == before
    assert Session.history.count() == history


def test_a_timetable_edited_while_the_generator_ran_is_kept(
    cast, school, django_capture_on_commit_callbacks, monkeypatch
):
    real_solve = generation.solve
    french = school.assignment(school.classes[1], "FR")

    def edit_meanwhile(problem, **kwargs):
        session(french, weekday=5, period=1, length=1)  # someone places a session by hand
        return real_solve(problem, **kwargs)

    monkeypatch.setattr(generation, "solve", edit_meanwhile)
    run = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert run.explanation == [{"code": "timetable_changed", "params": {}}]
    assert [(s.weekday, s.period) for s in Session.objects.all()] == [(5, 1)]


def test_progress_is_written_at_most_once_a_second(cast, school):
    run = GeneratorRun.objects.create(
        establishment=cast.school_a1,
        school_year=school.school_year,
        status=RunStatus.RUNNING,
    )
    now = [100.0]
    writer = ProgressWriter(run.pk, clock=lambda: now[0])
    seen = []
    for moment, fraction, objective in (
        (100.0, 0.1, None),
        (100.4, 0.2, 50.0),  # too soon: not written
        (101.1, 0.35, 40.0),
        (101.5, 0.5, 30.0),  # too soon
        (102.6, 1.0, 20.0),  # never 100 before the timetable is written
    ):
        now[0] = moment
        writer(fraction, objective)
        run.refresh_from_db()
        seen.append((run.progress, run.objective))
    assert seen == [(10, None), (10, None), (35, 40.0), (35, 40.0), (99, 20.0)]
    assert writer.writes == 3
    run.status = RunStatus.SUCCEEDED
    run.save()
    now[0] = 110.0
    writer(0.2, 10.0)  # a closed run is not reopened by a late progress report
    run.refresh_from_db()
    assert (run.status, run.progress) == (RunStatus.SUCCEEDED, 99)


def test_the_run_hands_its_progress_writer_to_the_solver(
    cast, school, django_capture_on_commit_callbacks, monkeypatch
):
    real_solve = generation.solve
    seen = {}

    def watching(problem, **kwargs):
        seen.update(kwargs)
        kwargs["on_progress"](0.42, 17.0)
        run = GeneratorRun.objects.get()
        seen["during"] = (run.status, run.progress, run.objective)
        return real_solve(problem, **kwargs)

    monkeypatch.setattr(generation, "solve", watching)
    run = generate(
        cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks, time_limit=30
    )
    assert seen["during"] == (RunStatus.RUNNING, 42, 17.0)
    assert (seen["time_limit"], seen["mode"], seen["workers"]) == (30.0, "full", 2)
    assert run.status == RunStatus.SUCCEEDED
    assert run.progress == 100


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("time_limit", [0, 4, 901, 10000, "ten", None, 12.5])
def test_a_time_limit_out_of_range_is_refused(cast, school, time_limit):
    with pytest.raises(ValidationFailed) as refused:
        generator_run_request(
            actor=cast.director_a1, establishment=cast.school_a1, time_limit=time_limit
        )
    assert refused.value.code == "invalid_time_limit"
    assert str(refused.value.message) == gettext(
        "The time limit is a whole number of seconds from %(min)s to %(max)s."
    ) % {"min": 5, "max": 900}
    assert not GeneratorRun.objects.exists()


def test_an_unknown_mode_is_refused(cast, school):
    with pytest.raises(ValidationFailed) as refused:
        generator_run_request(actor=cast.director_a1, establishment=cast.school_a1, mode="fast")
    assert refused.value.code == "invalid_mode"
    assert not GeneratorRun.objects.exists()


def test_a_second_run_waits_for_the_first(cast, school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = generator_run_request(actor=cast.director_a1, establishment=cast.school_a1)
    assert first.status == RunStatus.QUEUED
    with pytest.raises(ValidationFailed) as refused:
        generator_run_request(actor=cast.staff_a1, establishment=cast.school_a1)
    assert refused.value.code == "run_in_progress"
    assert str(refused.value.message) == gettext(
        "The generator is already working on this school's timetable: wait for that run "
        "to finish before asking for another."
    )
    GeneratorRun.objects.filter(pk=first.pk).update(status=RunStatus.RUNNING)
    with pytest.raises(ValidationFailed):
        generator_run_request(actor=cast.director_a1, establishment=cast.school_a1)
    assert GeneratorRun.objects.count() == 1


def test_a_run_lost_by_a_stopped_worker_no_longer_blocks(
    cast, school, django_capture_on_commit_callbacks
):
    lost = GeneratorRun.objects.create(
        establishment=cast.school_a1,
        school_year=school.school_year,
        status=RunStatus.RUNNING,
        time_limit_seconds=60,
    )
    GeneratorRun.objects.filter(pk=lost.pk).update(started_at=timezone.now() - timedelta(minutes=7))
    with django_capture_on_commit_callbacks(execute=False):
        run = generator_run_request(actor=cast.director_a1, establishment=cast.school_a1)
    lost.refresh_from_db()
    assert lost.status == RunStatus.FAILED
    assert lost.explanation == [{"code": "abandoned", "params": {}}]
    assert run.status == RunStatus.QUEUED


def test_nothing_to_generate_without_a_grid_or_assignments(cast, school):
    WeeklyGrid.objects.filter(establishment=cast.school_a1).delete()
    with pytest.raises(ValidationFailed) as refused:
        generator_run_request(actor=cast.director_a1, establishment=cast.school_a1)
    assert refused.value.code == "no_grid"
    with pytest.raises(ValidationFailed) as refused:
        generator_run_request(actor=cast.director_a2, establishment=cast.school_a2)
    assert refused.value.code == "no_grid"
    small_school_without_lessons = WeeklyGrid.objects.create(
        establishment=cast.school_a2, school_year=school.school_year
    )
    small_school_without_lessons.periods.create(
        number=1, starts_at="08:00", ends_at="09:00", half="am"
    )
    with pytest.raises(ValidationFailed) as refused:
        generator_run_request(actor=cast.director_a2, establishment=cast.school_a2)
    assert refused.value.code == "no_assignments"
    with translation.override("en"):
        assert str(refused.value.message) == (
            "No teaching assignment is recorded for this school and year: "
            "give each class its teachers first."
        )
    assert not GeneratorRun.objects.exists()


@pytest.mark.parametrize(
    "who",
    [
        "director_a2",
        "teacher_a1",
        "parent_a1",
        "student_a1",
        "outsider",
        "directorate_officer_a1",
        "academy_officer_a",
        "national_admin",
    ],
)
def test_only_the_director_and_staff_run_the_generator(cast, school, who):
    with pytest.raises(PermissionDenied):
        generator_run_request(actor=getattr(cast, who), establishment=cast.school_a1)
    assert not GeneratorRun.objects.exists()


def test_who_reads_a_run(cast, school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = generator_run_request(actor=cast.director_a1, establishment=cast.school_a1)
    readers = {
        "director_a1",
        "staff_a1",
        "directorate_officer_a1",
        "academy_officer_a",
        "national_admin",
    }
    for name, user in cast.everyone().items():
        if name in readers:
            assert access_run_by_public_id(actor=user, public_id=run.public_id).pk == run.pk
        else:
            with pytest.raises(NotFound):
                access_run_by_public_id(actor=user, public_id=run.public_id)
    with pytest.raises(NotFound):
        access_run_by_public_id(actor=cast.director_a1, public_id="not-a-uuid")


# --- the reasons in words ---------------------------------------------------------------------


def test_every_reason_is_worded_with_the_names_it_mentions(
    cast, school, django_assert_max_num_queries
):
    tcs1 = school.classes[0]
    math = school.assignment(tcs1, "MATH")
    french = school.assignment(tcs1, "FR")
    lab = school.rooms["LAB1"]
    entries = [
        {
            "code": "teacher_overloaded",
            "params": {"teacher_id": school.french.pk, "needed": 9, "available": 4},
        },
        {
            "code": "class_overloaded",
            "params": {"class_id": tcs1.pk, "needed": 40, "available": 28},
        },
        {
            "code": "no_room",
            "params": {
                "lesson_key": f"{math.pk}:0",
                "subject_id": math.subject_id,
                "class_id": tcs1.pk,
            },
        },
        {
            "code": "no_room",
            "params": {
                "lesson": f"{math.pk}:1",
                "subject_id": math.subject_id,
                "class_id": tcs1.pk,
                "room_type": "workshop",
                "pupils": 31,
            },
        },
        {
            "code": "rooms_short",
            "params": {
                "room_type": "science_lab",
                "room_ids": [lab.pk],
                "needed": 40,
                "available": 28,
            },
        },
        {
            "code": "locked_clash",
            "params": {
                "lesson_keys": [f"{math.pk}:0", f"{french.pk}:0"],
                "shared": "class",
                "id": tcs1.pk,
            },
        },
        {"code": "lesson_does_not_fit", "params": {"lesson_key": f"{math.pk}:0", "length": 4}},
        {
            "code": "constraints_together",
            "params": {
                "groups": [
                    {"kind": "teacher_busy_elsewhere", "teacher_id": school.physics.pk},
                    {"kind": "class_daily_max", "class_id": tcs1.pk, "max_periods": 6},
                    {"kind": "class_hours", "class_id": school.classes[1].pk},
                    {"kind": "rooms", "room_type": "science_lab+workshop"},
                    {"kind": "rooms", "room_type": ""},
                ]
            },
        },
        {"code": "constraints_together", "params": {"groups": []}},
        {"code": "no_grid", "params": {}},
        {"code": "no_assignments", "params": {}},
        {"code": "abandoned", "params": {}},
        {"code": "error", "params": {}},
    ]
    with translation.override("fr"), django_assert_max_num_queries(4):
        texts = [reason.text for reason in describe(entries)]
    assert [reason.code for reason in describe(entries)] == [e["code"] for e in entries]
    assert "Karim Tazi" in texts[0]
    assert "9" in texts[0]
    assert "TCS-1" in texts[1]
    assert "40" in texts[1]
    assert "Mathématiques avec TCS-1" in texts[2] or "Mathématiques with TCS-1" in texts[2]
    assert "31" in texts[3]
    with translation.override("fr"):
        assert gettext("Workshop") in texts[3]
        assert gettext("Science laboratory") in texts[4]
    assert "Samira Alaoui" in texts[5]
    assert "Karim Tazi" in texts[5]
    assert "4" in texts[6]
    assert "Nadia Idrissi" in texts[7]
    assert "TCS-2" in texts[7]
    with translation.override("fr"):
        assert f"{gettext('Science laboratory')} / {gettext('Workshop')}" in texts[7]
    assert len(set(texts)) == len(texts)
    for text in texts:
        assert "cannot word" not in text
        assert "%(" not in text
    with translation.override("ar"):
        arabic_texts = [reason.text for reason in describe(entries[:1])]
    assert "كريم التازي" in arabic_texts[0]


def test_an_unknown_reason_or_a_vanished_row_is_still_worded(cast, school):
    with translation.override("en"):
        texts = [
            reason.text
            for reason in describe(
                [
                    {"code": "something_new", "params": {}},
                    {
                        "code": "teacher_overloaded",
                        "params": {"teacher_id": 0, "needed": 3, "available": 1},
                    },
                    "not a reason",
                ]
            )
        ]
    assert texts == [
        "The generator gave a reason this version cannot word (something_new).",
        "a teacher no longer on file has 3 periods to teach a week, but only 1 periods of the "
        "grid are free for them (unavailability, other schools, free half-days).",
    ]


def test_a_queue_out_of_reach_fails_the_run_instead_of_blocking(
    cast, school, django_capture_on_commit_callbacks, monkeypatch
):
    from massar.timetable import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "generate_timetable", SimpleNamespace(enqueue=unreachable))
    run = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert run.explanation == [{"code": "error", "params": {}}]
    monkeypatch.undo()
    again = generate(cast.director_a1, cast.school_a1, django_capture_on_commit_callbacks)
    assert again.status == RunStatus.SUCCEEDED
