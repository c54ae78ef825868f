"""Orientation wishes of a pupil (``Student.user``) or parent (``Guardian.user``): ordered
streams of the next level, at most the window's number, no duplicates, only while the phase's
window is open; and the places a school sets per stream."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils.formats import date_format
from django.utils.translation import gettext

from massar.assessment.models import OrientationWindow, OrientationWish, StreamCapacity
from massar.assessment.models.windows import OrientationPhase
from massar.assessment.services_councils import council_decision_save
from massar.assessment.services_orientation import capacities_set, wishes_save
from massar.assessment.tests.builders import class_world, other_world
from massar.assessment.tests.test_council_builders import capacity, open_year_council, set_results
from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.curriculum.models import Stream
from massar.territory.models import SchoolYear

pytestmark = pytest.mark.django_db

IN_PHASE_1 = date(2026, 2, 10)  # 2025/2026: first wishes 2 February – 14 March
BETWEEN = date(2026, 3, 20)
IN_PHASE_2 = date(2026, 4, 15)  # final wishes 1–30 April


def streams(*codes):
    found = {s.code: s for s in Stream.objects.filter(code__in=codes)}
    return [found[code] for code in codes]


@pytest.fixture
def world(cast):
    return class_world(cast, pupils=3)  # TCS-1; pupil 0 is student_a1, child of parent_a1


def saved(enrolment, phase):
    return list(
        OrientationWish.objects.filter(enrolment=enrolment, phase=phase)
        .order_by("rank")
        .values_list("rank", "stream__code", "entered_by")
    )


@pytest.mark.parametrize("member", ["student_a1", "parent_a1"])
def test_the_pupil_or_their_parent_gives_ordered_wishes_in_phase_one(cast, world, member):
    actor = getattr(cast, member)
    pupil = world.enrolments[0]
    wishes_save(
        actor=actor,
        enrolment=pupil,
        phase=OrientationPhase.FIRST,
        streams=streams("1BAC-SM", "1BAC-SEX", "1BAC-STE"),
        on=IN_PHASE_1,
    )
    assert saved(pupil, 1) == [
        (1, "1BAC-SM", actor.pk),
        (2, "1BAC-SEX", actor.pk),
        (3, "1BAC-STE", actor.pk),
    ]


def test_new_wishes_replace_the_phase_s_earlier_ones_and_keep_the_other_phase(cast, world):
    pupil = world.enrolments[0]
    wishes_save(
        actor=cast.student_a1,
        enrolment=pupil,
        phase=1,
        streams=streams("1BAC-SM", "1BAC-SEX"),
        on=IN_PHASE_1,
    )
    wishes_save(
        actor=cast.student_a1,
        enrolment=pupil,
        phase=2,
        streams=streams("1BAC-SEX"),
        on=IN_PHASE_2,
    )
    wishes_save(
        actor=cast.parent_a1,
        enrolment=pupil,
        phase=2,
        streams=streams("1BAC-STE", "1BAC-SEX"),
        on=IN_PHASE_2,
    )
    assert [code for _r, code, _u in saved(pupil, 1)] == ["1BAC-SM", "1BAC-SEX"]
    assert [code for _r, code, _u in saved(pupil, 2)] == ["1BAC-STE", "1BAC-SEX"]
    history = OrientationWish.history.filter(enrolment_id=pupil.pk, history_type="-")
    assert history.count() == 1  # the first final wish, replaced


@pytest.mark.parametrize(
    ("phase", "day"),
    [(1, BETWEEN), (2, BETWEEN), (2, IN_PHASE_1), (1, IN_PHASE_2), (1, date(2026, 1, 31))],
)
def test_wishes_outside_the_phase_s_window_are_refused_with_its_dates(cast, world, phase, day):
    window = OrientationWindow.objects.get(
        school_year__is_current=True, level__code="TC", phase=phase
    )
    with pytest.raises(ValidationFailed) as refused:
        wishes_save(
            actor=cast.student_a1,
            enrolment=world.enrolments[0],
            phase=phase,
            streams=streams("1BAC-SM"),
            on=day,
        )
    assert refused.value.message == gettext(
        "%(phase)s may be given from %(opens)s to %(closes)s."
    ) % {
        "phase": OrientationPhase(phase).label,
        "opens": date_format(window.opens_on, "SHORT_DATE_FORMAT"),
        "closes": date_format(window.closes_on, "SHORT_DATE_FORMAT"),
    }
    assert not OrientationWish.objects.exists()


def test_the_first_and_last_days_of_a_window_are_open(cast, world):
    for day in (date(2026, 2, 2), date(2026, 3, 14)):
        wishes_save(
            actor=cast.student_a1,
            enrolment=world.enrolments[0],
            phase=1,
            streams=streams("1BAC-L"),
            on=day,
        )
    assert len(saved(world.enrolments[0], 1)) == 1


def test_more_wishes_than_the_window_allows_are_refused(cast, world):
    with pytest.raises(ValidationFailed) as refused:
        wishes_save(
            actor=cast.student_a1,
            enrolment=world.enrolments[0],
            phase=1,
            streams=streams("1BAC-SM", "1BAC-SEX", "1BAC-STE", "1BAC-L"),
            on=IN_PHASE_1,
        )
    assert refused.value.message == gettext("Give at most %(max)s wishes.") % {"max": 3}


def test_a_stream_wished_twice_is_refused(cast, world):
    with pytest.raises(ValidationFailed) as refused:
        wishes_save(
            actor=cast.student_a1,
            enrolment=world.enrolments[0],
            phase=1,
            streams=streams("1BAC-SM", "1BAC-SM"),
            on=IN_PHASE_1,
        )
    assert refused.value.message == gettext("Each stream may be wished only once.")


def test_no_wish_at_all_is_refused(cast, world):
    with pytest.raises(ValidationFailed) as refused:
        wishes_save(
            actor=cast.student_a1,
            enrolment=world.enrolments[0],
            phase=1,
            streams=[],
            on=IN_PHASE_1,
        )
    assert refused.value.code == "no_wish"


@pytest.mark.parametrize("code", ["TCLSH", "2BAC-PC", "3AC-G"])
def test_a_stream_not_of_the_next_level_is_refused(cast, world, code):
    with pytest.raises(ValidationFailed) as refused:
        wishes_save(
            actor=cast.student_a1,
            enrolment=world.enrolments[0],
            phase=1,
            streams=streams("1BAC-SM", code),
            on=IN_PHASE_1,
        )
    assert refused.value.message == gettext(
        "%(stream)s is not a stream of the level after %(level)s."
    ) % {"stream": streams(code)[0].name, "level": world.school_class.level.name}


@pytest.mark.parametrize("member", ["student_a1", "parent_a1", "staff_a1", "director_a1"])
def test_nobody_gives_wishes_for_another_pupil(cast, world, member):
    with pytest.raises(NotFound):
        wishes_save(
            actor=getattr(cast, member),
            enrolment=world.enrolments[1],
            phase=1,
            streams=streams("1BAC-SM"),
            on=IN_PHASE_1,
        )


def test_a_level_without_orientation_window_gives_no_wishes(cast, world):
    OrientationWindow.objects.filter(level__code="TC").delete()
    with pytest.raises(ValidationFailed) as refused:
        wishes_save(
            actor=cast.student_a1,
            enrolment=world.enrolments[0],
            phase=1,
            streams=streams("1BAC-SM"),
            on=IN_PHASE_1,
        )
    assert refused.value.code == "not_orientation_level"


def test_a_window_s_own_maximum_applies(cast, world):
    OrientationWindow.objects.filter(level__code="TC", phase=1).update(max_wishes=1)
    with pytest.raises(ValidationFailed) as refused:
        wishes_save(
            actor=cast.student_a1,
            enrolment=world.enrolments[0],
            phase=1,
            streams=streams("1BAC-SM", "1BAC-SEX"),
            on=IN_PHASE_1,
        )
    assert refused.value.message == gettext("Give at most %(max)s wishes.") % {"max": 1}


# --- places per stream ------------------------------------------------------------------------


def year():
    return SchoolYear.objects.get(is_current=True)


@pytest.mark.parametrize("member", ["director_a1", "staff_a1"])
def test_the_school_sets_and_removes_places(cast, member):
    actor = getattr(cast, member)
    sm, sex, pc = streams("1BAC-SM", "1BAC-SEX", "2BAC-PC")
    written = capacities_set(
        actor=actor,
        establishment=cast.school_a1,
        school_year=year(),
        places={sm: 40, sex: 80, pc: 35},
    )
    assert written == 3
    assert (
        capacities_set(
            actor=actor,
            establishment=cast.school_a1,
            school_year=year(),
            places={sm: 40, sex: None, pc: 36},
        )
        == 2
    )
    assert dict(StreamCapacity.objects.values_list("stream__code", "places")) == {
        "1BAC-SM": 40,
        "2BAC-PC": 36,
    }


def test_a_stream_the_school_does_not_orient_to_is_refused(cast):
    # school_a1 is a lycée: it orients TC (→ 1BAC) and 1BAC (→ 2BAC), not 3AC (→ TC).
    with pytest.raises(ValidationFailed) as refused:
        capacities_set(
            actor=cast.director_a1,
            establishment=cast.school_a1,
            school_year=year(),
            places={streams("TCS")[0]: 40},
        )
    assert refused.value.message == gettext(
        "%(stream)s does not follow a level this school orients."
    ) % {"stream": streams("TCS")[0].name}
    capacities_set(
        actor=cast.director_a2,
        establishment=cast.school_a2,
        school_year=year(),
        places={streams("TCS")[0]: 40},
    )


def test_places_below_those_already_given_are_refused(cast, world):
    capacity(cast.school_a1, "1BAC-SEX", 5)
    set_results(world, 3, {world.enrolments[0]: "12"})
    council = open_year_council(cast, world)
    row = council.decisions.get(enrolment=world.enrolments[0])
    council_decision_save(
        actor=cast.staff_a1,
        council=council,
        row=row,
        decision="pass",
        next_stream=streams("1BAC-SEX")[0],
    )
    with pytest.raises(ValidationFailed) as refused:
        capacities_set(
            actor=cast.director_a1,
            establishment=cast.school_a1,
            school_year=year(),
            places={streams("1BAC-SEX")[0]: 0},
        )
    assert refused.value.message == gettext(
        "%(count)s pupil(s) already have %(stream)s: keep at least that many places."
    ) % {"count": 1, "stream": streams("1BAC-SEX")[0].name}
    assert StreamCapacity.objects.get().places == 5


@pytest.mark.parametrize("member", ["teacher_a1", "director_a2", "outsider", "parent_a1"])
def test_others_cannot_set_places(cast, member):
    with pytest.raises(PermissionDenied):
        capacities_set(
            actor=getattr(cast, member),
            establishment=cast.school_a1,
            school_year=year(),
            places={streams("1BAC-SM")[0]: 3},
        )


def test_a_collège_pupil_wishes_streams_of_the_tronc_commun(cast):
    world = other_world(cast, pupils=1)
    pupil = world.enrolments[0]
    pupil.student.user = cast.student_a1
    pupil.student.save(update_fields=["user"])
    wishes_save(
        actor=cast.student_a1,
        enrolment=pupil,
        phase=1,
        streams=streams("TCS", "TCLSH"),
        on=IN_PHASE_1,
    )
    assert [code for _r, code, _u in saved(pupil, 1)] == ["TCS", "TCLSH"]
