"""Staff files through the services: creation with a login, changes, and every bad input
refused with a clear message and nothing written."""

from decimal import Decimal

import pytest

from massar.accounts.models import Role, RoleAssignment, User
from massar.core.errors import PermissionDenied, ValidationFailed
from massar.staff import loads, services
from massar.staff.models import StaffKind, StaffMember, StaffStatus, TeachingAssignment
from massar.staff.tests.conftest import subjects
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.territory.tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def data(**overrides) -> services.StaffData:
    values = {
        "first_name_ar": "سعاد",
        "last_name_ar": "بناني",
        "first_name_fr": "Souad",
        "last_name_fr": "Bennani",
        "cin": "AB123456",
        "payroll_number": "1234567",
        "status": StaffStatus.CIVIL_SERVANT,
        "kind": StaffKind.TEACHER,
        "grade": "Professeur agrégé",
        "cycle": "upper_secondary",
        "subject_codes": ("MATH", "PC"),
    }
    values.update(overrides)
    return services.StaffData(**values)


def create(cast, school=None, **overrides):
    return services.staff_member_create(
        actor=cast.director_a1, main_establishment=school or cast.school_a1, data=data(**overrides)
    )


def test_a_director_creates_a_teacher_file(cast):
    created = create(cast, cin=" ab 123456 ", other_establishment_codes=())
    staff = created.staff_member
    staff.refresh_from_db()
    assert staff.cin == "AB123456"
    assert staff.main_establishment == cast.school_a1
    assert sorted(s.code for s in staff.subjects.all()) == ["MATH", "PC"]
    assert staff.user is None
    assert created.initial_password == ""
    record = staff.history.get()
    assert record.history_type == "+"
    assert record.history_user == cast.director_a1


def test_creating_the_login_makes_prenom_nom_with_the_teacher_role(cast):
    created = services.staff_member_create(
        actor=cast.staff_a1,
        main_establishment=cast.school_a1,
        data=data(first_name_fr="Fatima Zahra", last_name_fr="El Idrissi"),
        create_account=True,
    )
    assert created.username == "fatima-zahra.el-idrissi"
    assert len(created.initial_password) == 12
    user = User.objects.get(username="fatima-zahra.el-idrissi")
    assert created.staff_member.user == user
    assert (user.first_name, user.last_name_ar) == ("Fatima Zahra", "بناني")
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.establishment) == (Role.TEACHER, cast.school_a1)
    assert user.check_password(created.initial_password)


def test_administrative_staff_get_the_staff_role_and_a_free_username(cast):
    User.objects.create(username="souad.bennani")
    created = services.staff_member_create(
        actor=cast.director_a1,
        main_establishment=cast.school_a1,
        data=data(kind=StaffKind.ADMINISTRATIVE, cycle="", subject_codes=()),
        create_account=True,
        password="a-known-demo-password",
    )
    assert created.username == "souad.bennani2"
    assert created.initial_password == ""  # a given password is not echoed
    assignment = RoleAssignment.objects.get(user__username="souad.bennani2")
    assert assignment.role == Role.STAFF


def test_satellites_and_schools_of_the_directorate_may_be_served(cast):
    neighbour = EstablishmentFactory(code="11580N", commune=cast.school_a1.commune)
    created = services.staff_member_create(
        actor=cast.director_b1,
        main_establishment=cast.school_b1,
        data=data(cycle="primary", other_establishment_codes=("21011s",), subject_codes=()),
    )
    assert list(created.staff_member.other_establishments.all()) == [cast.satellite_b1]
    created = create(cast, cin="AB1", payroll_number="99999", other_establishment_codes=("11580N",))
    assert list(created.staff_member.other_establishments.all()) == [neighbour]


def test_another_directorate_is_refused_with_a_clear_message(cast):
    with pytest.raises(ValidationFailed) as refused:
        create(cast, other_establishment_codes=("12001C",))  # Salé: another directorate
    assert refused.value.code == "other_directorate"
    assert "12001C" in str(refused.value.message)
    assert "Salé" in str(refused.value.message) or "سلا" in str(refused.value.message)
    assert refused.value.details[0]["loc"] == ["other_establishments"]
    assert not StaffMember.objects.exists()


def test_an_unknown_establishment_code_is_refused(cast):
    with pytest.raises(ValidationFailed) as refused:
        create(cast, other_establishment_codes=("99999X",))
    assert refused.value.code == "unknown_establishment"
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cin": "123456"}, "cin"),
        ({"cin": "ABC12345"}, "cin"),
        ({"cin": "AB12345678"}, "cin"),
        ({"payroll_number": "12A45"}, "payroll_number"),
        ({"payroll_number": "1234"}, "payroll_number"),
        ({"payroll_number": "12345678901"}, "payroll_number"),
        ({"weekly_quota_override": Decimal("41")}, "weekly_quota_override"),
        ({"status": "volunteer"}, "status"),
    ],
)
def test_malformed_fields_are_refused(cast, overrides, field):
    with pytest.raises(ValidationFailed) as refused:
        create(cast, **overrides)
    assert {tuple(detail["loc"]) for detail in refused.value.details} == {(field,)}
    assert not StaffMember.objects.exists()


def test_a_teacher_needs_a_cycle(cast):
    with pytest.raises(ValidationFailed) as refused:
        create(cast, cycle="")
    assert refused.value.code == "cycle_required"


def test_an_unknown_subject_is_refused(cast):
    with pytest.raises(ValidationFailed) as refused:
        create(cast, subject_codes=("MATH", "ALCHEMY"))
    assert refused.value.code == "unknown_subject"
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [({"cin": "ab123456"}, "cin_taken"), ({"payroll_number": "1234567"}, "payroll_taken")],
)
def test_a_duplicate_cin_or_payroll_number_is_refused(cast, overrides, code):
    create(cast)
    other = {"cin": "CD1", "payroll_number": "7654321", **overrides}
    with pytest.raises(ValidationFailed) as refused:
        services.staff_member_create(
            actor=cast.director_a2, main_establishment=cast.school_a2, data=data(**other)
        )
    assert refused.value.code == code
    assert StaffMember.objects.count() == 1


@pytest.mark.parametrize("member", ["director_a2", "directorate_officer_a1", "teacher_a1"])
def test_only_the_school_creates_its_files(cast, member):
    with pytest.raises(PermissionDenied):
        services.staff_member_create(
            actor=getattr(cast, member), main_establishment=cast.school_a1, data=data()
        )
    assert not StaffMember.objects.exists()


def test_a_failing_login_leaves_no_file(cast, monkeypatch):
    def broken(**kwargs):
        raise ValidationFailed("no", code="boom")

    monkeypatch.setattr(services, "user_create", broken)
    with pytest.raises(ValidationFailed):
        services.staff_member_create(
            actor=cast.director_a1,
            main_establishment=cast.school_a1,
            data=data(),
            create_account=True,
        )
    assert not StaffMember.objects.exists()


def test_changes_are_kept_in_the_history(cast):
    staff = create(cast).staff_member
    services.staff_member_update(
        actor=cast.staff_a1,
        staff_member=staff,
        data=data(grade="Hors classe", weekly_quota_override=Decimal("18")),
    )
    staff.refresh_from_db()
    assert staff.grade == "Hors classe"
    latest = staff.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == cast.staff_a1
    changed = {change.field for change in latest.diff_against(latest.prev_record).changes}
    assert changed == {"grade", "weekly_quota_override"}


def test_the_other_school_cannot_change_the_file(cast):
    staff = create(cast).staff_member
    with pytest.raises(PermissionDenied):
        services.staff_member_update(
            actor=cast.director_a2, staff_member=staff, data=data(grade="X")
        )


def test_a_change_that_strands_assignments_is_refused(cast, klass):
    neighbour = EstablishmentFactory(code="11580N", commune=cast.school_a1.commune)
    teacher = StaffMemberFactory(main_establishment=neighbour, subjects=subjects("MATH"))
    teacher.other_establishments.set([cast.school_a1])
    TeachingAssignmentFactory(school_class=klass, subject=subjects("MATH")[0], teacher=teacher)
    director = cast.director_a1
    from massar.accounts.services import role_assign

    role_assign(user=director, role=Role.DIRECTOR, establishment=neighbour)
    base = {
        "cin": teacher.cin,
        "payroll_number": teacher.payroll_number,
        "subject_codes": ("MATH",),
    }
    with pytest.raises(ValidationFailed) as refused:
        services.staff_member_update(actor=director, staff_member=teacher, data=data(**base))
    assert refused.value.code == "has_assignments"
    with pytest.raises(ValidationFailed) as refused:
        services.staff_member_update(
            actor=director,
            staff_member=teacher,
            data=data(**base, is_active=False, other_establishment_codes=("11565V",)),
        )
    assert refused.value.code == "has_assignments"
    assert list(StaffMember.objects.get(pk=teacher.pk).other_establishments.all()) == [
        cast.school_a1
    ]
    assert TeachingAssignment.objects.count() == 1


def test_a_login_for_an_existing_file_and_not_twice(cast):
    staff = create(cast).staff_member
    created = services.staff_member_create_account(actor=cast.director_a1, staff_member=staff)
    assert created.username == "souad.bennani"
    with pytest.raises(ValidationFailed) as refused:
        services.staff_member_create_account(actor=cast.director_a1, staff_member=staff)
    assert refused.value.code == "has_account"


def test_an_existing_login_is_linked_once(cast, math_teacher):
    linked = services.staff_member_link_account(
        actor=cast.director_a1, staff_member=math_teacher, user=cast.teacher_a1
    )
    assert StaffMember.objects.get(user=cast.teacher_a1) == linked
    assert (
        RoleAssignment.objects.filter(
            user=cast.teacher_a1, role=Role.TEACHER, establishment=cast.school_a1
        ).count()
        == 1
    )
    other = StaffMemberFactory(main_establishment=cast.school_a1)
    with pytest.raises(ValidationFailed) as refused:
        services.staff_member_link_account(
            actor=cast.director_a1, staff_member=other, user=cast.teacher_a1
        )
    assert refused.value.code == "account_taken"
    with pytest.raises(ValidationFailed) as refused:
        services.staff_member_link_account(
            actor=cast.director_a1, staff_member=linked, user=cast.staff_a1
        )
    assert refused.value.code == "has_account"
    with pytest.raises(PermissionDenied):
        services.staff_member_link_account(
            actor=cast.director_a2, staff_member=other, user=cast.parent_a1
        )
    assert StaffMember.objects.get(pk=other.pk).user is None


def test_the_quota_is_the_cycles_unless_overridden(cast):
    from massar.schooling.tests.factories import current_year

    year = current_year()
    teacher = StaffMemberFactory(main_establishment=cast.school_a2, cycle="lower_secondary")
    assert loads.effective_quota(teacher, year) == Decimal("24")
    teacher.weekly_quota_override = Decimal("12.5")
    assert loads.effective_quota(teacher, year) == Decimal("12.5")
    admin = StaffMemberFactory(main_establishment=cast.school_a2, cycle="")
    assert loads.effective_quota(admin, year) is None
