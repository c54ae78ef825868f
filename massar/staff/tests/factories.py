"""Factories for staff and teaching assignments (shared by the staff and timetable tests)."""

from __future__ import annotations

from decimal import Decimal

import factory

from massar.core.choices import CycleCode
from massar.staff.models import StaffKind, StaffMember, StaffStatus, TeachingAssignment


class StaffMemberFactory(factory.django.DjangoModelFactory):
    """A teacher. Give ``main_establishment`` (and ``user`` for a login)."""

    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    first_name_ar = "سعاد"
    last_name_ar = "بناني"
    first_name_fr = "Souad"
    last_name_fr = factory.Sequence(lambda n: f"Bennani{n}")
    cin = factory.Sequence(lambda n: f"AB{n:06d}")
    payroll_number = factory.Sequence(lambda n: f"{1000000 + n}")
    kind = StaffKind.TEACHER
    status = StaffStatus.CIVIL_SERVANT
    cycle = CycleCode.UPPER_SECONDARY

    @factory.post_generation
    def subjects(self, create, extracted, **kwargs):
        if create and extracted:
            self.subjects.set(extracted)


class TeachingAssignmentFactory(factory.django.DjangoModelFactory):
    """Give ``school_class``, ``subject`` and ``teacher``."""

    class Meta:
        model = TeachingAssignment

    establishment = factory.LazyAttribute(lambda o: o.school_class.establishment)
    school_year = factory.LazyAttribute(lambda o: o.school_class.school_year)
    weekly_hours = Decimal("2")
