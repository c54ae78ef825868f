"""Input and output schemas of the schooling API."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field

from massar.core.api import PageQuery
from massar.students.models import Sex

from .models import LanguageOption, RoomType


class RoomRef(Schema):
    public_id: UUID
    code: str


class ClassOut(Schema):
    public_id: UUID
    name: str = Field(examples=["TCS-1"])
    establishment: str = Field(description="Establishment code.")
    school_year: str = Field(description="e.g. 2025-2026")
    level: str = Field(description="Level code (the lowest of a multi-grade class).")
    other_levels: list[str] = Field(description="Other levels of a multi-grade class.")
    stream: str = Field(description="Stream code.")
    number: int
    capacity: int
    language_option: LanguageOption
    home_room: RoomRef | None
    pupil_count: int = Field(description="Pupils placed in the class (active enrolments).")

    @staticmethod
    def resolve_establishment(obj) -> str:
        return obj.establishment.code

    @staticmethod
    def resolve_school_year(obj) -> str:
        return obj.school_year.code

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.level.code

    @staticmethod
    def resolve_other_levels(obj) -> list[str]:
        return [level.code for level in obj.other_levels.all()]

    @staticmethod
    def resolve_stream(obj) -> str:
        return obj.stream.code


class ClassPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ClassOut]


class ClassQuery(PageQuery):
    establishment: str = Field("", max_length=6, description="Establishment code.")
    year: str = Field("", max_length=9, description="School year code; the current one if empty.")
    level: str = Field("", max_length=8, description="Level code (multi-grade classes included).")


class ClassIn(Schema):
    establishment: str = Field(max_length=6, examples=["11565V"])
    stream: str = Field(max_length=16, examples=["TCS"], description="Stream code.")
    capacity: int = Field(examples=[40], description="1–80 pupils.")
    number: int | None = Field(None, description="1–99; the next free number if omitted.")
    language_option: LanguageOption = LanguageOption.NONE
    home_room: UUID | None = Field(None, description="Public id of a room of the school.")
    other_levels: list[str] = Field(
        default_factory=list,
        max_length=5,
        description="Other primary levels of a multi-grade class, e.g. ['2AP'].",
    )


class ClassPupilOut(Schema):
    code_massar: str
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    sex: Sex
    birth_date: date
    level: str
    is_repeating: bool
    placed_at: datetime

    @staticmethod
    def resolve_code_massar(obj) -> str:
        return obj.enrolment.student.code_massar

    @staticmethod
    def resolve_first_name_ar(obj) -> str:
        return obj.enrolment.student.first_name_ar

    @staticmethod
    def resolve_last_name_ar(obj) -> str:
        return obj.enrolment.student.last_name_ar

    @staticmethod
    def resolve_first_name_fr(obj) -> str:
        return obj.enrolment.student.first_name_fr

    @staticmethod
    def resolve_last_name_fr(obj) -> str:
        return obj.enrolment.student.last_name_fr

    @staticmethod
    def resolve_sex(obj) -> str:
        return obj.enrolment.student.sex

    @staticmethod
    def resolve_birth_date(obj) -> date:
        return obj.enrolment.student.birth_date

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.enrolment.level.code

    @staticmethod
    def resolve_is_repeating(obj) -> bool:
        return obj.enrolment.is_repeating

    @staticmethod
    def resolve_placed_at(obj) -> datetime:
        return obj.placement.placed_at


class ClassPupilPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ClassPupilOut]


class PlacementsIn(Schema):
    codes: list[str] = Field(
        min_length=1,
        max_length=200,
        description="Codes Massar of pupils of the school and year, placed or moved here.",
    )


class PlacementsOut(Schema):
    placed: int = Field(description="Pupils who had no class.")
    moved: int = Field(description="Pupils moved from another class.")
    unchanged: int = Field(description="Pupils already in this class.")
    school_class: ClassOut


class RoomOut(Schema):
    public_id: UUID
    establishment: str
    code: str
    name: str
    room_type: RoomType
    capacity: int
    building: str | None = Field(description="Building code.")
    is_accessible: bool
    is_active: bool

    @staticmethod
    def resolve_establishment(obj) -> str:
        return obj.establishment.code

    @staticmethod
    def resolve_building(obj) -> str | None:
        return obj.building.code if obj.building else None


class RoomPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[RoomOut]


class RoomQuery(PageQuery):
    establishment: str = Field("", max_length=6, description="Establishment code.")
    room_type: RoomType | None = None
    active: bool | None = Field(None, description="Rooms in use (true) or not (false).")


class SchoolMapQuery(Schema):
    year: str = Field(
        "", max_length=9, description="The school year the plan starts from; the current one."
    )


class LevelPlanOut(Schema):
    level: str
    continuing: int = Field(description="Pupils going up from the level below.")
    repeating: int
    new_pupils: int = Field(description="New pupils the school expects.")
    expected: int
    max_per_class: int | None
    classes_needed: int | None
    classes_now: int = Field(description="Classes of the level in the planning year.")

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.level.code


class SchoolMapOut(Schema):
    establishment: str
    school_year: str = Field(description="The year the plan starts from, e.g. 2025-2026.")
    planned_year: str = Field(description="The year planned, e.g. 2026/2027.")
    levels: list[LevelPlanOut]
    expected: int
    classes_needed: int
    classrooms_needed: int
    classrooms_available: int
    classrooms_missing: int

    @staticmethod
    def resolve_establishment(obj) -> str:
        return obj.establishment.code

    @staticmethod
    def resolve_school_year(obj) -> str:
        return obj.school_year.code
