"""The council's assignment of next streams by merit within the school's places, and the
re-registration of the validated year councils into the next school year."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massar.assessment.models import ClassCouncil, OrientationWish, Period
from massar.assessment.services_councils import council_decision_save, council_validate
from massar.assessment.services_orientation import (
    Candidate,
    assign_by_merit,
    merit_order,
    orientation_propose,
    reregister_from_councils,
)
from massar.assessment.tests.builders import class_world
from massar.assessment.tests.test_council_builders import (
    capacity,
    next_year,
    open_year_council,
    set_results,
)
from massar.core.errors import PermissionDenied, ValidationFailed
from massar.curriculum.models import Stream
from massar.schooling.models import ClassPlacement
from massar.schooling.tests.factories import SchoolClassFactory, enrol_pupils
from massar.students.models import Enrolment

pytestmark = pytest.mark.django_db

SEX, SM, L = 1, 2, 3  # stream ids of the hand example


def candidate(name, annual, second, wishes):
    return Candidate(
        enrolment_id=name,
        annual=None if annual is None else Decimal(annual),
        second=None if second is None else Decimal(second),
        tiebreak=f"Q{name:09d}",
        wishes=tuple(wishes),
    )


def test_merit_by_hand_with_ties():
    """Places: SEX 2, SM 1, L 1.

    A and B tie on the annual average (15): B's better second semester (16 > 14) goes first and
    takes SM; A gets SEX, their second wish. C (13) takes the last SEX place. D and E tie on
    both averages: E's code Massar comes first, E takes L; D finds SEX and SM full and is left
    for the council. F has no annual average and comes last, with nothing left.
    """
    a = candidate(1, "15.00", "14.00", [SM, SEX])
    b = candidate(2, "15.00", "16.00", [SM, L])
    c = candidate(3, "13.00", "12.00", [SM, SEX])
    d = candidate(5, "12.00", "13.00", [SEX, SM])
    e = candidate(4, "12.00", "13.00", [L, SEX])
    f = candidate(6, None, "18.00", [L, SEX, SM])
    assert [x.enrolment_id for x in merit_order([a, b, c, d, e, f])] == [2, 1, 3, 4, 5, 6]
    assert assign_by_merit([a, b, c, d, e, f], {SEX: 2, SM: 1, L: 1}) == {
        2: SM,
        1: SEX,
        3: SEX,
        4: L,
        5: None,
        6: None,
    }


def test_a_missing_second_semester_ranks_after_a_present_one():
    with_second = candidate(2, "11", "9", [SM])
    without = candidate(1, "11", None, [SM])
    assert assign_by_merit([without, with_second], {SM: 1}) == {2: SM, 1: None}


wish_lists = st.lists(st.integers(min_value=1, max_value=4), max_size=4, unique=True)
pupils_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), st.decimals(min_value=0, max_value=20, places=2)),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=20, places=2)),
        wish_lists,
    ),
    max_size=25,
)


@given(
    pupils=pupils_strategy,
    places=st.dictionaries(st.integers(1, 4), st.integers(0, 6), max_size=4),
)
def test_merit_assignment_never_exceeds_places_and_respects_wishes_and_merit(pupils, places):
    candidates = [
        Candidate(enrolment_id=i, annual=a, second=s, tiebreak=f"{i:05d}", wishes=tuple(w))
        for i, (a, s, w) in enumerate(pupils)
    ]
    assigned = assign_by_merit(candidates, places)
    given_out: dict[int, int] = {}
    for stream_id in assigned.values():
        if stream_id is not None:
            given_out[stream_id] = given_out.get(stream_id, 0) + 1
    for stream_id, count in given_out.items():
        assert count <= places.get(stream_id, 0)
    left = {sid: places.get(sid, 0) - given_out.get(sid, 0) for sid in range(1, 5)}
    for pupil in candidates:
        got = assigned[pupil.enrolment_id]
        assert got is None or got in pupil.wishes
        better = pupil.wishes if got is None else pupil.wishes[: pupil.wishes.index(got)]
        for stream_id in better:  # a better wish was refused only because it was full
            assert left[stream_id] == 0
    # Merit: a pupil who got none of their wishes has no stream that a lower-ranked pupil took.
    order = [p.enrolment_id for p in merit_order(candidates)]
    for position, enrolment_id in enumerate(order):
        pupil = candidates[enrolment_id]
        if assigned[enrolment_id] is None:
            for later in order[position + 1 :]:
                assert assigned[later] not in pupil.wishes or assigned[later] is None


# --- a class ----------------------------------------------------------------------------------


def stream(code):
    return Stream.objects.get(code=code)


def wish(enrolment, *codes, phase=2):
    OrientationWish.objects.bulk_create(
        [
            OrientationWish(enrolment=enrolment, phase=phase, rank=rank, stream=stream(code))
            for rank, code in enumerate(codes, start=1)
        ]
    )


@pytest.fixture
def world(cast):
    """TCS-1 with six pupils (annual / second semester): p0 15/14, p1 15/16, p2 13/12,
    p3 12/13, p4 9 (repeats), p5 11/10 without final wishes (only first ones)."""
    world = class_world(cast, pupils=6)
    p = world.enrolments
    set_results(world, Period.YEAR, dict(zip(p, ["15", "15", "13", "12", "9", "11"], strict=True)))
    set_results(
        world, Period.SECOND, dict(zip(p, ["14", "16", "12", "13", "8", "10"], strict=True))
    )
    wish(p[0], "1BAC-SM", "1BAC-SEX")
    wish(p[1], "1BAC-SM", "1BAC-L")
    wish(p[2], "1BAC-SM", "1BAC-SEX")
    wish(p[3], "1BAC-SEX", "1BAC-SM")
    wish(p[4], "1BAC-SEX")
    wish(p[5], "1BAC-L", phase=1)
    return world


def test_the_proposal_gives_passing_pupils_their_best_wish_with_a_place(cast, world):
    capacity(cast.school_a1, "1BAC-SEX", 2)
    capacity(cast.school_a1, "1BAC-SM", 1)
    capacity(cast.school_a1, "1BAC-L", 3)
    council = open_year_council(cast, world)
    result = orientation_propose(actor=cast.staff_a1, council=council)
    p = world.enrolments
    given = dict(council.decisions.values_list("enrolment_id", "next_stream__code"))
    assert given == {
        p[0].pk: "1BAC-SEX",
        p[1].pk: "1BAC-SM",
        p[2].pk: "1BAC-SEX",
        p[3].pk: None,  # SEX and SM full
        p[4].pk: None,  # repeats
        p[5].pk: None,  # no final wishes
    }
    assert result.assigned == {stream("1BAC-SEX").pk: 2, stream("1BAC-SM").pk: 1}
    assert [row.enrolment_id for row in result.unplaced] == [p[3].pk]
    assert [row.enrolment_id for row in result.without_wishes] == [p[5].pk]


def test_places_given_by_another_class_s_council_are_not_given_twice(cast, world):
    capacity(cast.school_a1, "1BAC-SM", 1)
    capacity(cast.school_a1, "1BAC-SEX", 2)
    other_class = SchoolClassFactory(
        establishment=cast.school_a1, stream=stream("TCS"), number=2, name="TCS-2"
    )
    pupil = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")[0]
    ClassPlacement.objects.create(enrolment=pupil, school_class=other_class)
    other = SimpleNamespace(school_class=other_class)
    set_results(other, Period.YEAR, {pupil: "11"})
    other_council = open_year_council(cast, other)
    council_decision_save(
        actor=cast.staff_a1,
        council=other_council,
        row=other_council.decisions.get(),
        decision="pass",
        next_stream=stream("1BAC-SM"),
    )
    council = open_year_council(cast, world)
    orientation_propose(actor=cast.staff_a1, council=council)
    p = world.enrolments
    given = dict(council.decisions.values_list("enrolment_id", "next_stream__code"))
    assert given == {
        p[0].pk: "1BAC-SEX",
        p[1].pk: None,  # SM taken by TCS-2, L has no places set
        p[2].pk: "1BAC-SEX",
        p[3].pk: None,
        p[4].pk: None,
        p[5].pk: None,
    }


def test_the_council_changes_a_proposed_stream_within_the_places(cast, world):
    capacity(cast.school_a1, "1BAC-SEX", 2)
    capacity(cast.school_a1, "1BAC-SM", 1)
    council = open_year_council(cast, world)
    orientation_propose(actor=cast.staff_a1, council=council)
    p = world.enrolments
    row = council.decisions.get(enrolment=p[3])
    with pytest.raises(ValidationFailed):
        council_decision_save(
            actor=cast.staff_a1,
            council=council,
            row=row,
            decision="pass",
            next_stream=stream("1BAC-SM"),
        )
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=council.decisions.get(enrolment=p[1]),
        decision="pass",
        next_stream=None,  # frees SM
    )
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=row,
        decision="pass",
        next_stream=stream("1BAC-SM"),
    )
    assert council.decisions.get(enrolment=p[3]).next_stream.code == "1BAC-SM"


def test_a_semester_council_proposes_no_stream(cast, world):
    from datetime import date

    from massar.assessment.services_councils import council_open

    council = council_open(
        actor=cast.staff_a1, school_class=world.school_class, period=2, held_on=date(2026, 6, 1)
    )
    with pytest.raises(ValidationFailed) as refused:
        orientation_propose(actor=cast.staff_a1, council=council)
    assert refused.value.code == "not_orientation_council"


@pytest.mark.parametrize("member", ["teacher_a1", "director_a2", "outsider"])
def test_others_cannot_propose(cast, world, member):
    council = open_year_council(cast, world)
    with pytest.raises(PermissionDenied):
        orientation_propose(actor=getattr(cast, member), council=council)


# --- re-registration --------------------------------------------------------------------------


def validated_council(cast, school_class, plan, *, director, staff):
    """A validated year council of ``school_class`` whose pupils are decided as ``plan``:
    ``[(enrolment, average, decision, next stream code or None, reason)]``."""
    holder = SimpleNamespace(school_class=school_class)
    set_results(holder, Period.YEAR, {e: avg for e, avg, *_rest in plan})
    council = open_year_council(cast, holder, actor=staff)
    for enrolment, _avg, decision, next_code, reason in plan:
        council_decision_save(
            actor=staff,
            council=council,
            row=council.decisions.get(enrolment=enrolment),
            decision=decision,
            reason=reason,
            next_stream=stream(next_code) if next_code else None,
        )
    council_validate(actor=director, council=council)
    return council


def a_class(establishment, stream_code, name, count):
    school_class = SchoolClassFactory(
        establishment=establishment, stream=stream(stream_code), number=1, name=name
    )
    pupils = enrol_pupils(
        establishment, stream(stream_code).level.code, count, stream_code=stream_code
    )
    ClassPlacement.objects.bulk_create(
        [ClassPlacement(enrolment=e, school_class=school_class) for e in pupils]
    )
    return school_class, pupils


def test_reregistration_counts_per_level_and_stream(cast):
    for code, places in [("1BAC-SEX", 5), ("1BAC-SM", 5), ("2BAC-PC", 5)]:
        capacity(cast.school_a1, code, places)
    tcs, t = a_class(cast.school_a1, "TCS", "TCS-1", 5)
    validated_council(
        cast,
        tcs,
        [
            (t[0], "14", "pass", "1BAC-SEX", ""),
            (t[1], "13", "pass", "1BAC-SEX", ""),
            (t[2], "16", "pass", "1BAC-SM", ""),
            (t[3], "8", "repeat", None, ""),
            (t[4], "6", "excluded", None, "Deuxième redoublement au cycle"),
        ],
        director=cast.director_a1,
        staff=cast.staff_a1,
    )
    first, f = a_class(cast.school_a1, "1BAC-SEX", "1BAC SE-1", 2)
    validated_council(
        cast,
        first,
        [(f[0], "12", "pass", "2BAC-PC", ""), (f[1], "9", "repeat", None, "")],
        director=cast.director_a1,
        staff=cast.staff_a1,
    )
    bac, b = a_class(cast.school_a1, "2BAC-PC", "2BAC PC-1", 2)
    validated_council(
        cast,
        bac,
        [(b[0], "12", "pass", None, ""), (b[1], "9", "repeat", None, "")],
        director=cast.director_a1,
        staff=cast.staff_a1,
    )
    draft, d = a_class(cast.school_a1, "TCLSH", "TCLSH-1", 1)  # not validated: left alone
    set_results(SimpleNamespace(school_class=draft), Period.YEAR, {d[0]: "12"})
    open_year_council(cast, SimpleNamespace(school_class=draft))

    to_year = next_year()
    report = reregister_from_councils(
        actor=cast.staff_a1,
        establishment=cast.school_a1,
        from_year=tcs.school_year,
        to_year=to_year,
    )
    assert [
        (g.from_level.code, g.to_level.code, g.to_stream.code, g.registered, g.already_enrolled)
        for g in report.groups
    ] == [
        ("TC", "TC", "TCS", 1, 0),
        ("TC", "1BAC", "1BAC-SEX", 2, 0),
        ("1BAC", "1BAC", "1BAC-SEX", 1, 0),
        ("TC", "1BAC", "1BAC-SM", 1, 0),
        ("1BAC", "2BAC", "2BAC-PC", 1, 0),
        ("2BAC", "2BAC", "2BAC-PC", 1, 0),
    ]
    assert (report.registered, report.excluded, report.graduating) == (7, 1, 1)
    assert (report.elsewhere, report.without_stream) == (0, 0)
    enrolled = {
        e.student_id: (e.level.code, e.stream.code, e.is_repeating)
        for e in Enrolment.objects.filter(school_year=to_year).select_related("level", "stream")
    }
    assert enrolled == {
        t[0].student_id: ("1BAC", "1BAC-SEX", False),
        t[1].student_id: ("1BAC", "1BAC-SEX", False),
        t[2].student_id: ("1BAC", "1BAC-SM", False),
        t[3].student_id: ("TC", "TCS", True),
        f[0].student_id: ("2BAC", "2BAC-PC", False),
        f[1].student_id: ("1BAC", "1BAC-SEX", True),
        b[1].student_id: ("2BAC", "2BAC-PC", True),
    }
    again = reregister_from_councils(
        actor=cast.director_a1,
        establishment=cast.school_a1,
        from_year=tcs.school_year,
        to_year=to_year,
    )
    assert (again.registered, again.already_enrolled) == (0, 7)


def test_reregistration_at_a_collège_continues_the_general_stream(cast):
    first, pupils = a_class(cast.school_a2, "1AC-G", "1APIC-1", 2)
    validated_council(
        cast,
        first,
        [(pupils[0], "11", "pass", None, ""), (pupils[1], "12", "repeat", None, "Absences")],
        director=cast.director_a2,
        staff=cast.director_a2,
    )
    capacity(cast.school_a2, "TCS", 5)
    third, leaving = a_class(cast.school_a2, "3AC-G", "3APIC-1", 1)
    validated_council(
        cast,
        third,
        [(leaving[0], "14", "pass", "TCS", "")],
        director=cast.director_a2,
        staff=cast.director_a2,
    )
    report = reregister_from_councils(
        actor=cast.director_a2,
        establishment=cast.school_a2,
        from_year=first.school_year,
        to_year=next_year(),
    )
    assert [(g.from_level.code, g.to_stream.code, g.registered) for g in report.groups] == [
        ("1AC", "1AC-G", 1),
        ("1AC", "2AC-G", 1),
    ]
    assert report.elsewhere == 1  # the tronc commun is taught at a lycée


@pytest.mark.parametrize("member", ["teacher_a1", "director_a2", "outsider"])
def test_others_cannot_reregister(cast, member):
    from massar.territory.models import SchoolYear

    with pytest.raises(PermissionDenied):
        reregister_from_councils(
            actor=getattr(cast, member),
            establishment=cast.school_a1,
            from_year=SchoolYear.objects.get(is_current=True),
            to_year=next_year(),
        )


def test_reregistration_goes_forward_only(cast):
    from massar.territory.models import SchoolYear

    current = SchoolYear.objects.get(is_current=True)
    with pytest.raises(ValidationFailed) as refused:
        reregister_from_councils(
            actor=cast.director_a1,
            establishment=cast.school_a1,
            from_year=current,
            to_year=current,
        )
    assert refused.value.code == "year_order"
    assert not ClassCouncil.objects.exists()
