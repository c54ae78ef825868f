"""The demo seed: idempotent, and every demo login has the scope the README describes."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from massar.accounts.models import RoleAssignment, User
from massar.accounts.scope import scope_for
from massar.students.models import Enrolment, Guardian, Student
from massar.territory.models import Commune, Establishment, EstablishmentCycle
from massar.web.demo.data import LOGINS, PASSWORD, SCHOOLS

pytestmark = pytest.mark.django_db


def counts():
    return (
        Commune.objects.count(),
        Establishment.objects.count(),
        EstablishmentCycle.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        Student.objects.count(),
        Guardian.objects.count(),
        Enrolment.objects.count(),
    )


def visible(username: str) -> set[str]:
    user = User.objects.get(username=username)
    scope = scope_for(user)
    return set(
        scope.filter_establishments(Establishment.objects.all()).values_list("code", flat=True)
    )


def test_a_second_run_adds_nothing(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert "nothing added" in capsys.readouterr().out
    assert first[1] == len(SCHOOLS)


def test_the_demo_has_the_slice_the_issue_asks_for():
    call_command("seed_demo")
    schools = Establishment.objects.all()
    assert schools.values("academy").distinct().count() >= 2
    assert schools.values("directorate").distinct().count() >= 3
    assert schools.count() >= 8
    assert schools.filter(central_school__isnull=False).exists()
    assert schools.filter(sector="private").exists()
    assert schools.filter(cycles__cycle="upper_secondary").exists()
    assert schools.filter(cycles__cycle="lower_secondary").exists()
    for school in schools:
        school.full_clean()


def test_every_demo_login_works_with_the_demo_password(rf):
    call_command("seed_demo")
    for row in LOGINS:
        request = rf.post("/accounts/login/")
        user = authenticate(request=request, username=row.username, password=PASSWORD)
        assert user is not None, row.username


def test_each_demo_login_sees_what_the_readme_says():
    call_command("seed_demo")
    rabat = set(
        Establishment.objects.filter(directorate__code="0401").values_list("code", flat=True)
    )
    academy = set(Establishment.objects.filter(academy__code="04").values_list("code", flat=True))
    assert visible("admin") == set(Establishment.objects.values_list("code", flat=True))
    assert visible("aref") == academy
    assert visible("dp") == rabat
    assert visible("director") == {"11565V"}
    assert visible("director2") == {"21303N", "21304P", "21305Q"}
    for username in ("staff", "teacher", "parent", "student"):
        assert visible(username) == {"11565V"}
    assert "11565V" not in visible("director2")


def test_the_demo_has_about_two_thousand_pupils_with_guardians_and_paths():
    call_command("seed_demo")
    pupils = Student.objects.all()
    assert 2000 <= pupils.count() <= 2500
    assert pupils.values("establishment").distinct().count() == len(SCHOOLS)
    assert Guardian.objects.count() == 2 * pupils.count()
    assert Guardian.objects.filter(is_contact=True).count() == pupils.count()
    current = Enrolment.objects.filter(school_year__is_current=True, status="registered")
    assert current.count() == pupils.count()
    two_years = Enrolment.objects.filter(school_year__code="2024-2025")
    assert two_years.count() > pupils.count() // 2
    assert two_years.filter(decision="repeat").exists()
    assert Guardian.objects.filter(user__username="parent").count() == 1
    lycee = Student.objects.filter(establishment__code="11565V")
    assert lycee.count() >= 300


def test_the_demo_has_pending_online_pre_registrations_in_an_open_window():
    from massar.students.models import PreRegistration
    from massar.students.preregistration import open_calendar

    call_command("seed_demo")
    assert open_calendar() is not None
    pending = PreRegistration.objects.filter(school_year=open_calendar().school_year)
    assert pending.filter(status="submitted").count() >= 3
    assert pending.filter(status="document_requested").count() == 1
    assert {r.establishment.code for r in pending} == {"11567X", "12103D"}
