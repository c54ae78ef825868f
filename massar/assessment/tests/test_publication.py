"""Publishing results: who may, what refuses (open sheets, year councils not validated, a
correction without a reason), versions, and published snapshots that later marks do not change.

The school's results are recomputed by ``computation.recompute_establishment`` (the real one):
the averages below are worked out by hand from the marks and the 2025/2026 TC rule (out of 20,
subject mark = 0.75 × mean of tests + 0.25 × activities, a missed test left out, two decimals
rounded half up, coefficients MATH 4 and FR 4).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from massar.assessment.models import (
    ClassCouncil,
    CouncilDecision,
    CouncilStatus,
    MarkRow,
    MarkSheet,
    Publication,
    PublishedReport,
    SheetStatus,
)
from massar.assessment.services_publication import results_publish
from massar.core.errors import PermissionDenied, ValidationFailed

from .builders import class_world, fill_sheet, other_world, sheet_for

pytestmark = pytest.mark.django_db


def validate(*sheets: MarkSheet) -> None:
    MarkSheet.objects.filter(pk__in=[s.pk for s in sheets]).update(status=SheetStatus.VALIDATED)


def semester_sheets(world, semester: int, *, validated: bool = True):
    """Mathematics and French of a semester: the first pupil 12.75 on average (MATH 13.75,
    FR 11.75), the second 9.69 (MATH 10.50 with a missed test, FR 8.88); the others unmarked."""
    first, second = world.enrolments[0], world.enrolments[1]
    math = sheet_for(world, "MATH", semester)
    fill_sheet(math, {first.pk: (12, 14, 16), second.pk: ("ABS", 10, 12)})
    french = sheet_for(world, "FR", semester)
    fill_sheet(french, {first.pk: (10, 12, 14), second.pk: (8, 9, 10)})
    if validated:
        validate(math, french)
    return math, french


def year_council(world, *, status=CouncilStatus.VALIDATED, decisions=None):
    council = ClassCouncil.objects.create(
        establishment=world.establishment,
        school_year=world.school_class.school_year,
        school_class=world.school_class,
        period=3,
        held_on=date(2026, 6, 25),
        status=status,
    )
    for enrolment, decision in (decisions or {}).items():
        CouncilDecision.objects.create(
            council=council, enrolment=enrolment, decision=decision, proposed=decision
        )
    return council


@pytest.fixture
def world(cast):
    return class_world(cast, pupils=6)


def publish(cast, world, period, **kwargs):
    return results_publish(
        actor=kwargs.pop("actor", cast.director_a1),
        establishment=world.establishment,
        school_year=world.school_class.school_year,
        period=period,
        **kwargs,
    )


def report_of(publication, enrolment) -> PublishedReport:
    return PublishedReport.objects.get(publication=publication, enrolment=enrolment)


def test_the_director_publishes_a_semester(cast, world):
    semester_sheets(world, 1)
    publication = publish(cast, world, 1)

    assert (publication.version, publication.is_current, publication.reason) == (1, True, "")
    assert (publication.pupils, publication.published_by) == (6, cast.director_a1)
    assert PublishedReport.objects.filter(publication=publication).count() == 6
    first, second = world.enrolments[0], world.enrolments[1]
    best = report_of(publication, first)
    assert (best.average, best.rank, best.decision) == (Decimal("12.75"), 1, "")
    assert (best.student_id, best.school_class_id) == (first.student_id, world.school_class.pk)
    lines = {line["code"]: line for line in best.content["subjects"]}
    assert (lines["MATH"]["mark"], lines["FR"]["mark"]) == ("13.75", "11.75")
    assert lines["MATH"]["tests"] == ["12.00", "14.00"]
    assert best.content["average"] == "12.75"
    other = report_of(publication, second)
    assert (other.average, other.rank) == (Decimal("9.69"), 2)
    assert {line["code"]: line for line in other.content["subjects"]}["MATH"]["tests"] == [
        "absent",
        "10.00",
    ]


@pytest.mark.parametrize(
    "who",
    [
        "director_a2",
        "staff_a1",
        "teacher_a1",
        "national_admin",
        "academy_officer_a",
        "directorate_officer_a1",
        "parent_a1",
        "student_a1",
        "outsider",
    ],
)
def test_only_the_director_of_the_school_publishes(cast, world, who):
    semester_sheets(world, 1)
    with pytest.raises(PermissionDenied) as refused:
        publish(cast, world, 1, actor=getattr(cast, who))
    assert refused.value.message == gettext("Only the director of the school can publish results.")
    assert not Publication.objects.exists()


def test_open_sheets_of_the_semester_refuse_and_are_listed(cast, world):
    math, french = semester_sheets(world, 1, validated=False)
    validate(math)
    semester_sheets(world, 2, validated=False)  # open sheets of the other semester do not count

    with pytest.raises(ValidationFailed) as refused:
        publish(cast, world, 1)

    label = f"TCS-1 · {french.subject.name} · S1"
    assert refused.value.code == "not_ready"
    assert refused.value.message == gettext(
        "Mark sheets still open: %(sheets)s. The director validates every sheet of the period "
        "before publishing."
    ) % {"sheets": label}
    assert refused.value.details == [{"loc": ["sheets", str(french.public_id)], "msg": label}]
    assert not Publication.objects.exists()


def test_the_year_needs_both_semesters_validated_and_the_year_councils(cast, world):
    semester_sheets(world, 1)
    math, french = semester_sheets(world, 2, validated=False)
    validate(math)

    with pytest.raises(ValidationFailed) as refused:
        publish(cast, world, 3)

    listed = f"TCS-1 · {french.subject.name} · S2"
    sheets = gettext(
        "Mark sheets still open: %(sheets)s. The director validates every sheet of the period "
        "before publishing."
    ) % {"sheets": listed}
    councils = gettext("The year's class council is not validated for: %(classes)s.") % {
        "classes": "TCS-1"
    }
    assert refused.value.message == f"{sheets} {councils}"
    assert [detail["loc"][0] for detail in refused.value.details] == ["sheets", "councils"]
    assert not Publication.objects.exists()


def test_a_draft_year_council_refuses_and_a_validated_one_publishes_its_decisions(cast, world):
    semester_sheets(world, 1)
    semester_sheets(world, 2)
    council = year_council(world, status=CouncilStatus.DRAFT)

    with pytest.raises(ValidationFailed) as refused:
        publish(cast, world, 3)
    assert refused.value.message == gettext(
        "The year's class council is not validated for: %(classes)s."
    ) % {"classes": "TCS-1"}

    first, second = world.enrolments[0], world.enrolments[1]
    CouncilDecision.objects.bulk_create(
        [
            CouncilDecision(council=council, enrolment=first, decision="pass"),
            CouncilDecision(council=council, enrolment=second, decision="repeat"),
        ]
    )
    ClassCouncil.objects.filter(pk=council.pk).update(status=CouncilStatus.VALIDATED)
    publication = publish(cast, world, 3)

    best = report_of(publication, first)
    assert (best.average, best.rank, best.decision) == (Decimal("12.75"), 1, "pass")
    assert best.content["semester_averages"] == {"1": "12.75", "2": "12.75"}
    assert report_of(publication, second).decision == "repeat"


def test_a_correction_needs_a_reason_and_keeps_the_first_version(cast, world):
    math, _french = semester_sheets(world, 1)
    first_version = publish(cast, world, 1)

    for reason in ("", "   "):
        with pytest.raises(ValidationFailed) as refused:
            publish(cast, world, 1, reason=reason)
        assert refused.value.code == "reason_required"
        assert refused.value.message == gettext(
            "These results are already published: say why you publish a correction."
        )

    MarkRow.objects.filter(sheet=math, enrolment=world.enrolments[0]).update(test_1=Decimal("16"))
    second_version = publish(cast, world, 1, reason="Note de mathématiques corrigée")

    first_version.refresh_from_db()
    assert (first_version.version, first_version.is_current) == (1, False)
    assert (second_version.version, second_version.is_current) == (2, True)
    assert second_version.reason == "Note de mathématiques corrigée"
    first = world.enrolments[0]
    # MATH: mean(16, 14) = 15 → 0.75 × 15 + 0.25 × 16 = 15.25; average (15.25 + 11.75) / 2.
    assert report_of(second_version, first).average == Decimal("13.50")
    assert report_of(first_version, first).average == Decimal("12.75")
    assert PublishedReport.objects.count() == 12


def test_published_reports_do_not_follow_later_marks(cast, world):
    math, _french = semester_sheets(world, 1)
    publication = publish(cast, world, 1)
    first = world.enrolments[0]
    before = report_of(publication, first).content

    MarkRow.objects.filter(sheet=math, enrolment=first).update(test_1=Decimal("4"))
    from massar.assessment.computation import recompute_establishment

    recompute_establishment(world.establishment, world.school_class.school_year)

    after = report_of(publication, first)
    assert after.content == before
    assert after.average == Decimal("12.75")


def test_a_semester_without_any_validated_sheet_has_nothing_to_publish(cast, world):
    semester_sheets(world, 1)
    semester_sheets(world, 2, validated=False)
    with pytest.raises(ValidationFailed) as refused:
        publish(cast, world, 2)
    nothing = gettext(
        "No mark sheet of semester %(semester)s is validated yet: there is nothing to publish."
    ) % {"semester": "2"}
    assert refused.value.message.startswith(f"{nothing} ")
    assert refused.value.details[0] == {"loc": ["semesters", "2"], "msg": "S2"}
    MarkSheet.objects.filter(semester=2).delete()
    with pytest.raises(ValidationFailed) as refused:
        publish(cast, world, 2)
    assert refused.value.message == nothing
    assert not Publication.objects.exists()


def test_a_period_that_is_not_one_is_refused(cast, world):
    with pytest.raises(ValidationFailed) as refused:
        publish(cast, world, 4)
    assert refused.value.message == gettext("Choose a semester or the whole year.")


def test_a_reason_longer_than_300_characters_is_refused(cast, world):
    with pytest.raises(ValidationFailed) as refused:
        publish(cast, world, 1, reason="x" * 301)
    assert refused.value.code == "invalid_reason"


def test_a_school_without_pupils_has_nothing_to_publish(cast, world):
    other = other_world(cast, pupils=0)
    validate(sheet_for(other, next(iter(other.others)), 1))
    with pytest.raises(ValidationFailed) as refused:
        results_publish(
            actor=cast.director_a2,
            establishment=cast.school_a2,
            school_year=world.school_class.school_year,
            period=1,
        )
    assert refused.value.message == gettext(
        "No pupil is placed in a class of this school: there is nothing to publish."
    )


def test_each_school_publishes_its_own_results(cast, world):
    semester_sheets(world, 1)
    other = other_world(cast)
    validate(sheet_for(other, next(iter(other.others)), 1))
    mine = publish(cast, world, 1)
    theirs = results_publish(
        actor=cast.director_a2,
        establishment=cast.school_a2,
        school_year=other.school_class.school_year,
        period=1,
    )
    assert (mine.version, theirs.version) == (1, 1)
    assert set(
        PublishedReport.objects.filter(publication=theirs).values_list("enrolment_id", flat=True)
    ) == {e.pk for e in other.enrolments}


def test_a_long_list_of_open_sheets_is_cut_and_counted(cast, world):
    codes = sorted(code for code in world.subjects if not world.subjects[code].is_conduct)
    validate(sheet_for(world, codes[0], 1), sheet_for(world, codes[0], 2))
    for code in codes[1:]:  # 10 open sheets in semester 1
        sheet_for(world, code, 1)
    for code in codes[1:4]:  # and 3 in semester 2
        sheet_for(world, code, 2)
    year_council(world)

    with pytest.raises(ValidationFailed) as refused:
        publish(cast, world, 3)

    assert len(refused.value.details) == 13
    shown = ", ".join(detail["msg"] for detail in refused.value.details[:12])
    more = gettext("and %(count)s more") % {"count": 1}
    assert refused.value.message == gettext(
        "Mark sheets still open: %(sheets)s. The director validates every sheet of the period "
        "before publishing."
    ) % {"sheets": f"{shown} {more}"}
