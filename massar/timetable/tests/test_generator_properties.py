"""Property tests on small random problems: a timetable found always validates, its objective
is its score, and a problem without one always says why."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massar.timetable.generator import (
    GridSpec,
    LessonSpec,
    Placement,
    Problem,
    RoomSpec,
    SolveStatus,
    TeacherSpec,
    score,
    solve,
    validate,
)

DAYS = (1, 2, 3)
PERIODS = (1, 2, 3, 4, 5)
SLOTS = [(d, p) for d in DAYS for p in PERIODS]
ROOMS = (RoomSpec(1, "classroom", 40), RoomSpec(2, "classroom", 30), RoomSpec(3, "lab", 40))


@st.composite
def problems(draw):
    grid = GridSpec(
        weekdays=DAYS,
        periods=PERIODS,
        closed=frozenset(draw(st.sets(st.sampled_from(SLOTS), max_size=3))),
        afternoon_from=draw(st.sampled_from((None, 3, 4))),
        late_from=draw(st.sampled_from((None, 5))),
        class_max_periods_per_day=draw(st.integers(2, 5)),
    )
    teachers = tuple(
        TeacherSpec(
            t,
            unavailable=frozenset(draw(st.sets(st.sampled_from(SLOTS), max_size=3))),
            avoid=frozenset(draw(st.sets(st.sampled_from(SLOTS), max_size=3))),
            busy_elsewhere=frozenset(draw(st.sets(st.sampled_from(SLOTS), max_size=2))),
        )
        for t in (1, 2, 3)
    )
    lessons = []
    for index in range(draw(st.integers(1, 9))):
        class_id = draw(st.integers(1, 3))
        assignment = draw(st.integers(1, 4))
        locked = None
        if draw(st.integers(0, 9)) == 0:
            locked = Placement(draw(st.sampled_from(DAYS)), draw(st.sampled_from(PERIODS)))
        current = None
        if draw(st.booleans()):
            current = Placement(
                draw(st.sampled_from(DAYS)),
                draw(st.sampled_from(PERIODS)),
                draw(st.sampled_from((None, 1, 2, 3))),
            )
        lessons.append(
            LessonSpec(
                key=f"{assignment}:{index}",
                assignment_id=assignment * 10 + class_id,
                class_id=class_id,
                teacher_id=draw(st.integers(1, 3)),
                subject_id=assignment,
                length=draw(st.integers(1, 2)),
                room_ids=draw(st.sampled_from(((), (1, 2), (1,), (3,), (1, 2, 3)))),
                is_heavy=draw(st.booleans()),
                locked=locked,
                current=current,
            )
        )
    return Problem(grid=grid, lessons=tuple(lessons), teachers=teachers, rooms=ROOMS)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(problems(), st.sampled_from(("full", "repair")))
def test_a_timetable_found_always_validates(problem, mode):
    solution = solve(problem, time_limit=10, mode=mode, workers=1)

    if solution.found:
        assert validate(problem, solution.placements) == []
        assert solution.objective == score(problem, solution.placements, repair=mode == "repair")
        assert set(solution.placements) == {lesson.key for lesson in problem.lessons}
    else:
        assert solution.status == SolveStatus.INFEASIBLE
        assert solution.conflicts
        assert solution.placements == {}
