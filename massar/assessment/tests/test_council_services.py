"""Class councils: opening (who, rows, averages), editing a pupil's row and its refusals,
validation by the director only, locking, and the decisions written to the enrolments."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils.translation import gettext

from massar.assessment.models import (
    ClassCouncil,
    CouncilAppreciation,
    CouncilDecision,
    CouncilStatus,
    Period,
)
from massar.assessment.services_councils import (
    council_decision_save,
    council_open,
    council_refresh,
    council_update,
    council_validate,
)
from massar.assessment.tests.builders import class_world, other_world
from massar.assessment.tests.test_council_builders import (
    capacity,
    dec,
    open_year_council,
    set_results,
)
from massar.core.errors import PermissionDenied, ValidationFailed
from massar.curriculum.models import Stream
from massar.students.models import Enrolment, YearDecision

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    """TCS-1 with four pupils: 14.50, 10.00, 8.75 and no annual average."""
    world = class_world(cast, pupils=4)
    pupils = world.enrolments
    set_results(
        world, Period.YEAR, dict(zip(pupils, ["14.50", "10.00", "8.75", None], strict=True))
    )
    set_results(world, Period.FIRST, dict(zip(pupils, ["13", "9", "8", "11"], strict=True)))
    return world


def row_of(council, enrolment) -> CouncilDecision:
    return CouncilDecision.objects.get(council=council, enrolment=enrolment)


def stream(code: str) -> Stream:
    return Stream.objects.get(code=code)


# --- opening ----------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["director_a1", "staff_a1"])
def test_the_director_or_staff_open_a_year_council_with_a_row_per_pupil(cast, world, member):
    council = open_year_council(cast, world, actor=getattr(cast, member))
    assert council.status == CouncilStatus.DRAFT
    assert council.establishment == cast.school_a1
    assert council.decisions.count() == 4
    assert council.members.splitlines() == [
        "Mme Directrice — présidente",
        "M. Tazi — professeur",
    ]


def test_a_semester_council_has_the_semester_averages_and_no_proposal(cast, world):
    council = council_open(
        actor=cast.staff_a1,
        school_class=world.school_class,
        period=Period.FIRST,
        held_on=date(2026, 2, 3),
    )
    rows = dict(council.decisions.values_list("enrolment_id", "average"))
    assert rows == {
        e.pk: dec(v) for e, v in zip(world.enrolments, ["13", "9", "8", "11"], strict=True)
    }
    assert set(council.decisions.values_list("proposed", "decision")) == {("", "")}


def test_a_pupil_who_left_is_not_in_the_council(cast, world):
    left = world.enrolments[3]
    Enrolment.objects.filter(pk=left.pk).update(status="left")
    council = open_year_council(cast, world)
    assert left.pk not in set(council.decisions.values_list("enrolment_id", flat=True))


@pytest.mark.parametrize("member", ["teacher_a1", "director_a2", "outsider", "parent_a1"])
def test_others_cannot_open_a_council(cast, world, member):
    with pytest.raises(PermissionDenied):
        open_year_council(cast, world, actor=getattr(cast, member))
    assert not ClassCouncil.objects.exists()


def test_a_class_has_one_council_per_period(cast, world):
    open_year_council(cast, world)
    with pytest.raises(ValidationFailed) as refused:
        open_year_council(cast, world)
    assert refused.value.message == gettext(
        "The council of %(class)s for %(period)s is already open."
    ) % {"class": "TCS-1", "period": Period.YEAR.label}


def test_a_council_is_not_held_before_the_year_starts(cast, world):
    with pytest.raises(ValidationFailed) as refused:
        open_year_council(cast, world, held_on=date(2025, 8, 1))
    assert refused.value.code == "held_on_before_year"


# --- a pupil's row ----------------------------------------------------------------------------


def test_a_decision_that_differs_from_the_proposal_is_refused_without_a_reason(cast, world):
    council = open_year_council(cast, world)
    row = row_of(council, world.enrolments[2])  # 8.75: the rules propose to repeat
    with pytest.raises(ValidationFailed) as refused:
        council_decision_save(actor=cast.staff_a1, council=council, row=row, decision="pass")
    assert refused.value.message == gettext(
        "The decision differs from the proposal (%(proposed)s): give the council's reason."
    ) % {"proposed": YearDecision.REPEAT.label}
    assert row_of(council, world.enrolments[2]).decision == "repeat"


def test_a_decision_that_differs_is_kept_with_its_reason(cast, world):
    council = open_year_council(cast, world)
    row = row_of(council, world.enrolments[2])
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=row,
        decision="pass",
        reason="Progrès constants au second semestre",
        appreciation=CouncilAppreciation.ENCOURAGEMENT,
        remark="Bon courage",
    )
    saved = row_of(council, world.enrolments[2])
    assert (saved.decision, saved.reason, saved.appreciation, saved.remark) == (
        "pass",
        "Progrès constants au second semestre",
        "encouragement",
        "Bon courage",
    )
    assert saved.history.first().history_user == cast.staff_a1


def test_a_pupil_without_a_proposal_is_decided_by_the_council_without_a_reason(cast, world):
    council = open_year_council(cast, world)
    row = row_of(council, world.enrolments[3])
    council_decision_save(actor=cast.director_a1, council=council, row=row, decision="repeat")
    assert row_of(council, world.enrolments[3]).decision == "repeat"


def test_a_mention_outside_the_list_is_refused(cast, world):
    council = open_year_council(cast, world)
    row = row_of(council, world.enrolments[0])
    with pytest.raises(ValidationFailed) as refused:
        council_decision_save(
            actor=cast.staff_a1, council=council, row=row, decision="pass", appreciation="gold"
        )
    assert refused.value.message == gettext("Choose a mention from the list.")


def test_a_semester_council_takes_no_decision(cast, world):
    council = council_open(
        actor=cast.staff_a1, school_class=world.school_class, period=1, held_on=date(2026, 2, 3)
    )
    row = row_of(council, world.enrolments[0])
    with pytest.raises(ValidationFailed) as refused:
        council_decision_save(actor=cast.staff_a1, council=council, row=row, decision="pass")
    assert refused.value.message == gettext(
        "Decisions and next streams are taken by the council of the whole year."
    )
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=row,
        appreciation=CouncilAppreciation.HONOUR_ROLL,
        remark="Excellent semestre",
    )
    assert row_of(council, world.enrolments[0]).appreciation == "honour_roll"


def test_a_next_stream_is_given_within_the_places(cast, world):
    capacity(cast.school_a1, "1BAC-SEX", 1)
    council = open_year_council(cast, world)
    first = row_of(council, world.enrolments[0])
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=first,
        decision="pass",
        next_stream=stream("1BAC-SEX"),
    )
    assert row_of(council, world.enrolments[0]).next_stream.code == "1BAC-SEX"
    second = row_of(council, world.enrolments[1])
    with pytest.raises(ValidationFailed) as refused:
        council_decision_save(
            actor=cast.staff_a1,
            council=council,
            row=second,
            decision="pass",
            next_stream=stream("1BAC-SEX"),
        )
    assert refused.value.message == gettext(
        "%(stream)s is full: its %(places)s places are all given."
    ) % {"stream": stream("1BAC-SEX").name, "places": 1}
    # Saving the first row again with its own stream does not count it twice.
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=row_of(council, world.enrolments[0]),
        decision="pass",
        remark="Très bien",
        next_stream=stream("1BAC-SEX"),
    )


def test_the_places_are_shared_by_the_councils_of_the_school(cast, world):
    from massar.schooling.models import ClassPlacement
    from massar.schooling.tests.factories import SchoolClassFactory, enrol_pupils

    capacity(cast.school_a1, "1BAC-SM", 1)
    council = open_year_council(cast, world)
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=row_of(council, world.enrolments[0]),
        decision="pass",
        next_stream=stream("1BAC-SM"),
    )
    other_class = SchoolClassFactory(
        establishment=cast.school_a1, stream=stream("TCS"), number=2, name="TCS-2"
    )
    pupil = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")[0]
    ClassPlacement.objects.create(enrolment=pupil, school_class=other_class)
    from types import SimpleNamespace

    set_results(SimpleNamespace(school_class=other_class), Period.YEAR, {pupil: "16"})
    other = open_year_council(cast, SimpleNamespace(school_class=other_class))
    with pytest.raises(ValidationFailed) as refused:
        council_decision_save(
            actor=cast.staff_a1,
            council=other,
            row=row_of(other, pupil),
            decision="pass",
            next_stream=stream("1BAC-SM"),
        )
    assert refused.value.code == "stream_full"


def test_a_stream_without_places_set_is_refused(cast, world):
    council = open_year_council(cast, world)
    with pytest.raises(ValidationFailed) as refused:
        council_decision_save(
            actor=cast.staff_a1,
            council=council,
            row=row_of(council, world.enrolments[0]),
            decision="pass",
            next_stream=stream("1BAC-L"),
        )
    assert refused.value.message == gettext(
        "No places are set for %(stream)s: set the school's orientation capacities first."
    ) % {"stream": stream("1BAC-L").name}


@pytest.mark.parametrize("code", ["2BAC-PC", "TCLSH", "3AC-G"])
def test_a_next_stream_of_another_level_is_refused(cast, world, code):
    capacity(cast.school_a1, "1BAC-SEX", 30)
    council = open_year_council(cast, world)
    with pytest.raises(ValidationFailed) as refused:
        council_decision_save(
            actor=cast.staff_a1,
            council=council,
            row=row_of(council, world.enrolments[0]),
            decision="pass",
            next_stream=stream(code),
        )
    assert refused.value.message == gettext(
        "%(stream)s is not a stream of the level after %(level)s."
    ) % {"stream": stream(code).name, "level": world.school_class.level.name}


def test_a_repeating_pupil_gets_no_next_stream(cast, world):
    capacity(cast.school_a1, "1BAC-SEX", 30)
    council = open_year_council(cast, world)
    with pytest.raises(ValidationFailed) as refused:
        council_decision_save(
            actor=cast.staff_a1,
            council=council,
            row=row_of(council, world.enrolments[2]),
            decision="repeat",
            next_stream=stream("1BAC-SEX"),
        )
    assert refused.value.message == gettext(
        "Only a pupil who passes is given a stream for next year."
    )


def test_a_class_outside_orientation_levels_gets_no_next_stream(cast):
    world = other_world(cast, pupils=1)  # 3AC in school_a2: an orientation level
    from massar.assessment.models import OrientationWindow

    OrientationWindow.objects.filter(level__code="3AC").delete()  # not any more
    set_results(world, Period.YEAR, {world.enrolments[0]: "12"})
    capacity(cast.school_a2, "TCS", 30)
    council = open_year_council(cast, world, actor=cast.director_a2)
    with pytest.raises(ValidationFailed) as refused:
        council_decision_save(
            actor=cast.director_a2,
            council=council,
            row=row_of(council, world.enrolments[0]),
            decision="pass",
            next_stream=stream("TCS"),
        )
    assert refused.value.code == "not_orientation_level"


@pytest.mark.parametrize("member", ["teacher_a1", "director_a2", "outsider"])
def test_only_the_school_edits_a_row(cast, world, member):
    council = open_year_council(cast, world)
    with pytest.raises(PermissionDenied):
        council_decision_save(
            actor=getattr(cast, member),
            council=council,
            row=row_of(council, world.enrolments[0]),
            decision="pass",
        )


# --- validation -------------------------------------------------------------------------------


def decide_everyone(cast, council, world):
    capacity(cast.school_a1, "1BAC-SEX", 10)
    pupils = world.enrolments
    for enrolment, decision, next_code in [
        (pupils[0], "pass", "1BAC-SEX"),
        (pupils[1], "pass", "1BAC-SEX"),
        (pupils[3], "repeat", None),
    ]:
        council_decision_save(
            actor=cast.staff_a1,
            council=council,
            row=row_of(council, enrolment),
            decision=decision,
            next_stream=stream(next_code) if next_code else None,
        )


def test_staff_cannot_validate_only_the_director_may(cast, world):
    council = open_year_council(cast, world)
    decide_everyone(cast, council, world)
    with pytest.raises(PermissionDenied) as refused:
        council_validate(actor=cast.staff_a1, council=council)
    assert refused.value.message == gettext("Only the director validates a class council.")
    council.refresh_from_db()
    assert council.status == CouncilStatus.DRAFT
    assert set(Enrolment.objects.values_list("decision", flat=True)) == {""}


@pytest.mark.parametrize("member", ["director_a2", "teacher_a1", "outsider"])
def test_others_cannot_validate(cast, world, member):
    council = open_year_council(cast, world)
    with pytest.raises(PermissionDenied):
        council_validate(actor=getattr(cast, member), council=council)


def test_validation_is_refused_while_a_pupil_has_no_decision(cast, world):
    council = open_year_council(cast, world)
    with pytest.raises(ValidationFailed) as refused:
        council_validate(actor=cast.director_a1, council=council)
    assert refused.value.message == gettext(
        "%(count)s pupil(s) have no decision yet: decide for every pupil first."
    ) % {"count": 1}


def test_validation_is_refused_while_a_passing_pupil_has_no_stream(cast, world):
    council = open_year_council(cast, world)
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=row_of(council, world.enrolments[3]),
        decision="repeat",
    )
    with pytest.raises(ValidationFailed) as refused:
        council_validate(actor=cast.director_a1, council=council)
    assert refused.value.code == "unoriented"


def test_the_director_validates_locks_and_writes_the_enrolments(cast, world):
    council = open_year_council(cast, world)
    decide_everyone(cast, council, world)
    result = council_validate(actor=cast.director_a1, council=council)
    assert result.enrolments_written == 4
    council.refresh_from_db()
    assert council.status == CouncilStatus.VALIDATED
    assert council.validated_by == cast.director_a1
    assert council.validated_at is not None
    written = {
        e.pk: (e.decision, e.annual_average)
        for e in Enrolment.objects.filter(pk__in=[p.pk for p in world.enrolments])
    }
    pupils = world.enrolments
    assert written == {
        pupils[0].pk: ("pass", dec("14.50")),
        pupils[1].pk: ("pass", dec("10.00")),
        pupils[2].pk: ("repeat", dec("8.75")),
        pupils[3].pk: ("repeat", None),
    }
    latest = Enrolment.history.filter(id=pupils[0].pk).first()
    assert (latest.decision, latest.history_user) == ("pass", cast.director_a1)


def test_a_semester_council_validation_writes_no_enrolment(cast, world):
    council = council_open(
        actor=cast.staff_a1, school_class=world.school_class, period=1, held_on=date(2026, 2, 3)
    )
    result = council_validate(actor=cast.director_a1, council=council)
    assert result.enrolments_written == 0
    assert set(Enrolment.objects.values_list("decision", flat=True)) == {""}


def test_a_validated_council_is_locked(cast, world):
    council = open_year_council(cast, world)
    decide_everyone(cast, council, world)
    council_validate(actor=cast.director_a1, council=council)
    locked = gettext("This council is validated and locked: it can no longer be changed.")
    row = row_of(council, world.enrolments[0])
    attempts = [
        lambda: council_decision_save(
            actor=cast.director_a1,
            council=council,
            row=row,
            decision="pass",
            remark="x",
            next_stream=stream("1BAC-SEX"),
        ),
        lambda: council_update(
            actor=cast.director_a1,
            council=council,
            held_on=date(2026, 7, 1),
            members="",
            minutes="",
        ),
        lambda: council_refresh(actor=cast.director_a1, council=council),
        lambda: council_validate(actor=cast.director_a1, council=council),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationFailed) as refused:
            attempt()
        assert refused.value.message == locked
    assert row_of(council, world.enrolments[0]).remark == ""


# --- refresh ------------------------------------------------------------------------------------


def test_refresh_follows_new_averages_but_keeps_the_council_s_own_decisions(cast, world):
    council = open_year_council(cast, world)
    pupils = world.enrolments
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=row_of(council, pupils[2]),
        decision="pass",
        reason="Rattrapage des absences justifiées",
    )
    set_results(
        world, Period.YEAR, dict(zip(pupils, ["9.00", "10.00", "7.00", "12.00"], strict=True))
    )
    result = council_refresh(actor=cast.staff_a1, council=council)
    assert result == type(result)(added=0, removed=0, updated=3)
    rows = {
        row.enrolment_id: (row.average, row.proposed, row.decision)
        for row in council.decisions.all()
    }
    assert rows == {
        pupils[0].pk: (dec("9.00"), "repeat", "repeat"),
        pupils[1].pk: (dec("10.00"), "pass", "pass"),
        pupils[2].pk: (dec("7.00"), "repeat", "pass"),  # the council's reasoned decision stays
        pupils[3].pk: (dec("12.00"), "pass", "pass"),
    }


# --- through the computation of results -----------------------------------------------------------


def test_a_year_council_reads_the_averages_the_computation_wrote(cast):
    from massar.assessment.computation import recompute_class
    from massar.assessment.tests.builders import fill_sheet, sheet_for

    world = class_world(cast, pupils=3)
    marks = dict(zip([e.pk for e in world.enrolments], [12, 8, 10], strict=True))
    for semester in (1, 2):
        for code, subject in world.subjects.items():
            if subject.is_conduct:
                continue
            sheet = sheet_for(world, code, semester)
            fill_sheet(sheet, {pk: (mark, mark, mark) for pk, mark in marks.items()})
    recompute_class(world.school_class)
    council = open_year_council(cast, world)
    rows = {row.enrolment_id: (row.average, row.proposed) for row in council.decisions.all()}
    assert rows == {
        world.enrolments[0].pk: (dec("12.00"), "pass"),
        world.enrolments[1].pk: (dec("8.00"), "repeat"),
        world.enrolments[2].pk: (dec("10.00"), "pass"),
    }


# --- the students service that records the decisions -----------------------------------------


def test_recording_decisions_refuses_a_school_the_actor_does_not_run(cast, world):
    from massar.students.services import enrolments_record_decisions

    with pytest.raises(PermissionDenied):
        enrolments_record_decisions(
            actor=cast.director_a2,
            decisions={world.enrolments[0].pk: ("pass", dec("12"))},
        )
    assert Enrolment.objects.get(pk=world.enrolments[0].pk).decision == ""


def test_recording_decisions_is_all_or_nothing(cast, world):
    from massar.core.errors import NotFound
    from massar.students.services import enrolments_record_decisions

    first, second = world.enrolments[:2]
    Enrolment.objects.filter(pk=second.pk).update(status="left")
    with pytest.raises(NotFound):
        enrolments_record_decisions(
            actor=cast.director_a1,
            decisions={first.pk: ("pass", dec("12")), second.pk: ("repeat", dec("7"))},
        )
    with pytest.raises(ValidationFailed):
        enrolments_record_decisions(
            actor=cast.director_a1, decisions={first.pk: ("promoted", dec("12"))}
        )
    with pytest.raises(ValidationFailed):
        enrolments_record_decisions(
            actor=cast.director_a1, decisions={first.pk: ("pass", dec("21"))}
        )
    assert Enrolment.objects.get(pk=first.pk).decision == ""


def test_recording_decisions_writes_set_based(cast, world, django_assert_max_num_queries):
    from massar.students.services import enrolments_record_decisions

    decisions = {e.pk: ("repeat", dec("9.5")) for e in world.enrolments}
    with django_assert_max_num_queries(8):  # read, scope, one UPDATE, one history INSERT…
        assert enrolments_record_decisions(actor=cast.staff_a1, decisions=decisions) == 4
    assert set(
        Enrolment.objects.filter(pk__in=decisions).values_list("decision", "annual_average")
    ) == {("repeat", dec("9.5"))}
