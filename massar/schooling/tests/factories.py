"""Factories for rooms and classes (shared by the schooling, staff and timetable tests)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import factory

from massar.curriculum.models import Level, Stream
from massar.schooling.models import Room, RoomType, SchoolClass
from massar.students.models import Enrolment, EnrolmentStatus, Student
from massar.territory.models import SchoolYear


def current_year() -> SchoolYear:
    return SchoolYear.objects.get(is_current=True)


def general_stream(level_code: str) -> Stream:
    return Stream.objects.filter(level__code=level_code).order_by("-is_general", "code").first()


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    code = factory.Sequence(lambda n: f"S{n:03d}")
    room_type = RoomType.CLASSROOM
    capacity = 40


class SchoolClassFactory(factory.django.DjangoModelFactory):
    """A class of the current year. Give ``establishment``; ``stream`` defaults to TC's first."""

    class Meta:
        model = SchoolClass
        skip_postgeneration_save = True

    school_year = factory.LazyFunction(current_year)
    stream = factory.LazyFunction(lambda: general_stream("TC"))
    level = factory.LazyAttribute(lambda o: o.stream.level)
    number = factory.Sequence(lambda n: n % 99 + 1)
    name = factory.LazyAttribute(lambda o: f"{o.stream.abbreviation}-{o.number}")
    capacity = 40


def level(code: str) -> Level:
    return Level.objects.get(code=code)


_codes = itertools.count(1)


def enrol_pupils(
    establishment,
    level_code: str,
    count: int,
    *,
    stream_code: str | None = None,
    school_year: SchoolYear | None = None,
    sexes: str = "FM",
    repeating: int = 0,
    decisions: list[str] | None = None,
    class_labels: list[str] | None = None,
    born: date = date(2010, 1, 1),
) -> list[Enrolment]:
    """``count`` registered pupils of a level, written in bulk (no duplicate check, no codes
    handed out): sexes taken in turn from ``sexes``, the first ``repeating`` repeating, one day
    of birth apart; ``decisions`` and ``class_labels`` give each pupil's, in order."""
    from massar.students.duplicates import set_name_keys

    year = school_year or current_year()
    level_obj = Level.objects.get(code=level_code)
    stream = Stream.objects.get(code=stream_code) if stream_code else general_stream(level_code)
    students = []
    for index in range(count):
        number = next(_codes)
        student = Student(
            code_massar=f"Q{number:09d}",
            establishment=establishment,
            first_name_ar=f"تلميذ{number}",
            last_name_ar="الاختبار",
            first_name_fr=f"Eleve{number}",
            last_name_fr="Test",
            sex=sexes[index % len(sexes)],
            birth_date=born + timedelta(days=index),
        )
        set_name_keys(student)
        students.append(student)
    Student.objects.bulk_create(students)
    enrolments = [
        Enrolment(
            student=student,
            school_year=year,
            establishment=establishment,
            level=level_obj,
            stream=stream,
            status=EnrolmentStatus.REGISTERED,
            is_repeating=index < repeating,
            decision=(decisions[index] if decisions else ""),
            class_label=(class_labels[index] if class_labels else ""),
            entered_on=year.starts_on,
        )
        for index, student in enumerate(students)
    ]
    return Enrolment.objects.bulk_create(enrolments)
