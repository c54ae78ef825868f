"""Factories for rooms and classes (shared by the schooling, staff and timetable tests)."""

from __future__ import annotations

import factory

from massar.curriculum.models import Level, Stream
from massar.schooling.models import Room, RoomType, SchoolClass
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
