"""Load the demo slice: deterministic, idempotent (a second run creates nothing), atomic."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db import transaction

from massar.accounts.models import User
from massar.accounts.services import role_assign, user_create
from massar.students.models import Guardian, Student
from massar.territory.models import (
    Academy,
    Commune,
    Directorate,
    Establishment,
    EstablishmentCycle,
    SchoolYear,
)

from . import data
from .assessment import seed_demo_assessment
from .organisation import seed_demo_organisation
from .preregistrations import seed_demo_preregistrations
from .students import seed_demo_students

DEMO_LYCEE = "11565V"


@transaction.atomic
def seed_demo() -> Counter:
    created: Counter = Counter()
    directorates = {d.code: d for d in Directorate.objects.select_related("academy")}
    communes = {}
    for row in data.COMMUNES:
        commune, new = Commune.objects.get_or_create(
            code=row.code,
            defaults={
                "directorate": directorates[row.directorate],
                "name_fr": row.name_fr,
                "name_ar": row.name_ar,
                "area": row.area,
            },
        )
        communes[row.code] = commune
        created["communes"] += new

    schools = {}
    for row in data.SCHOOLS:  # central schools come before their satellites in the data
        commune = communes[row.commune]
        school = Establishment.objects.filter(code=row.code).first()
        if school is None:
            school = Establishment(
                code=row.code,
                name_fr=row.name_fr,
                name_ar=row.name_ar,
                commune=commune,
                directorate=commune.directorate,
                academy=commune.directorate.academy,
                sector=row.sector,
                area=commune.area,
                central_school=schools[row.central] if row.central else None,
                address=row.address,
                latitude=Decimal(row.latitude) if row.latitude else None,
                longitude=Decimal(row.longitude) if row.longitude else None,
            )
            school.full_clean()
            school.save()
            created["establishments"] += 1
        schools[row.code] = school
        for cycle in row.cycles:
            _, new = EstablishmentCycle.objects.get_or_create(establishment=school, cycle=cycle)
            created["cycles"] += new

    academies = {a.code: a for a in Academy.objects.all()}
    for row in data.LOGINS:
        user = User.objects.filter(username=row.username).first()
        if user is None:
            user = user_create(
                username=row.username,
                password=data.PASSWORD,
                first_name=row.first_name,
                last_name=row.last_name,
                first_name_ar=row.first_name_ar,
                last_name_ar=row.last_name_ar,
                preferred_language=row.language,
            )
            created["users"] += 1
        before = user.role_assignments.count()
        role_assign(
            user=user,
            role=row.role,
            academy=academies.get(row.academy) if row.academy else None,
            directorate=directorates.get(row.directorate) if row.directorate else None,
            establishment=schools.get(row.establishment) if row.establishment else None,
        )
        created["role assignments"] += user.role_assignments.count() - before

    year = SchoolYear.objects.get(is_current=True)
    created.update(seed_demo_students(year=year))
    _link_demo_parent(created)
    _link_demo_pupil(created)
    created.update(seed_demo_organisation(school_code=DEMO_LYCEE, year=year))
    created.update(seed_demo_assessment(school_code=DEMO_LYCEE, year=year))
    created.update(seed_demo_preregistrations())
    return created


def _link_demo_parent(created: Counter) -> None:
    """The demo ``parent`` login is the father of the first pupils of the demo lycée."""
    parent = User.objects.filter(username="parent").first()
    if parent is None or Guardian.objects.filter(user=parent).exists():
        return
    fathers = Guardian.objects.filter(
        student__establishment__code=DEMO_LYCEE, relationship="father"
    ).order_by("student__code_massar")[:1]
    for guardian in fathers:
        guardian.user = parent
        guardian.save(update_fields=["user", "updated_at"])
        created["parent links"] += 1


def _link_demo_pupil(created: Counter) -> None:
    """The demo ``student`` login is the account of a girl of the demo lycée (names follow)."""
    account = User.objects.filter(username="student").first()
    if account is None or Student.objects.filter(user=account).exists():
        return
    pupil = (
        Student.objects.filter(establishment__code=DEMO_LYCEE, sex="F", user__isnull=True)
        .order_by("code_massar")
        .first()
    )
    if pupil is None:
        return
    pupil.user = account
    pupil.save(update_fields=["user", "updated_at"])
    account.first_name, account.last_name = pupil.first_name_fr, pupil.last_name_fr
    account.first_name_ar, account.last_name_ar = pupil.first_name_ar, pupil.last_name_ar
    account.save(update_fields=["first_name", "last_name", "first_name_ar", "last_name_ar"])
    created["pupil accounts"] += 1
