"""Input and output schemas of the staff API."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from massar.core.api import PageQuery

from .models import StaffKind, StaffStatus


def _hours(value) -> float | None:
    return None if value is None else float(value)


class StaffOut(Schema):
    public_id: UUID
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    kind: StaffKind
    status: StaffStatus
    grade: str
    cycle: str = Field(description="Teaching cycle (sets the quota); empty if administrative.")
    main_establishment: str = Field(description="Code of the main establishment.")
    other_establishments: list[str] = Field(description="Codes of the others they serve.")
    subjects: list[str] = Field(description="Codes of the subjects they can teach.")
    weekly_quota: float | None = Field(description="Weekly hours owed this year.")
    weekly_hours: float = Field(description="Weekly hours assigned this year, everywhere.")
    is_active: bool
    has_account: bool
    cin: str | None = Field(
        description="National identity card: administrative roles only, otherwise null."
    )
    payroll_number: str | None = Field(
        description="Payroll number (PPR): administrative roles only, otherwise null."
    )

    @staticmethod
    def resolve_main_establishment(obj) -> str:
        return obj.main_establishment.code

    @staticmethod
    def resolve_other_establishments(obj) -> list[str]:
        return [school.code for school in obj.other_establishments.all()]

    @staticmethod
    def resolve_subjects(obj) -> list[str]:
        return [subject.code for subject in obj.subjects.all()]

    @staticmethod
    def resolve_weekly_quota(obj):
        return _hours(obj.quota)

    @staticmethod
    def resolve_weekly_hours(obj):
        return _hours(obj.load) or 0.0

    @staticmethod
    def resolve_has_account(obj) -> bool:
        return obj.user_id is not None

    @staticmethod
    def resolve_cin(obj):
        return obj.cin if obj.show_personal else None

    @staticmethod
    def resolve_payroll_number(obj):
        return obj.payroll_number if obj.show_personal else None


class StaffPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[StaffOut]


class StaffQuery(PageQuery):
    q: str = Field("", max_length=100, description="Part of a name, in either script.")
    establishment: str = Field("", max_length=6, description="Code of an establishment served.")
    kind: StaffKind | None = None
    status: StaffStatus | None = None
    subject: str = Field("", max_length=16, description="Code of a subject they can teach.")
    active: bool | None = None


class AssignmentOut(Schema):
    public_id: UUID
    school_year: str
    establishment: str = Field(description="Code of the class's establishment.")
    school_class: UUID = Field(description="Public id of the class.")
    class_name: str
    subject: str = Field(description="Subject code.")
    teacher: UUID = Field(description="Public id of the teacher's staff file.")
    teacher_name: str
    weekly_hours: float

    @staticmethod
    def resolve_school_year(obj) -> str:
        return obj.school_year.code

    @staticmethod
    def resolve_establishment(obj) -> str:
        return obj.establishment.code

    @staticmethod
    def resolve_school_class(obj) -> UUID:
        return obj.school_class.public_id

    @staticmethod
    def resolve_class_name(obj) -> str:
        return obj.school_class.name

    @staticmethod
    def resolve_subject(obj) -> str:
        return obj.subject.code

    @staticmethod
    def resolve_teacher(obj) -> UUID:
        return obj.teacher.public_id

    @staticmethod
    def resolve_teacher_name(obj) -> str:
        return obj.teacher.display_name

    @staticmethod
    def resolve_weekly_hours(obj) -> float:
        return float(obj.weekly_hours)


class AssignmentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AssignmentOut]


class AssignmentQuery(PageQuery):
    school_class: UUID | None = Field(None, description="Public id of a class.")
    teacher: UUID | None = Field(None, description="Public id of a teacher's staff file.")
    establishment: str = Field("", max_length=6, description="Establishment code.")


class AssignmentIn(Schema):
    school_class: UUID = Field(description="Public id of the class.")
    subject: str = Field(max_length=16, description="Subject code, e.g. MATH.")
    teacher: UUID = Field(description="Public id of the teacher's staff file.")
    weekly_hours: Decimal | None = Field(
        None, description="0.5 to 20, one decimal at most; the curriculum's hours if omitted."
    )
    force: bool = Field(
        False,
        description=(
            "Assign anyway when the teacher is not qualified for the subject or would go over "
            "their quota (answers 409 otherwise)."
        ),
    )


class MyClassOut(Schema):
    school_class: UUID
    class_name: str
    establishment: str
    level: str
    stream: str
    subject: str
    weekly_hours: float
    pupil_count: int

    @staticmethod
    def resolve_school_class(obj) -> UUID:
        return obj.school_class.public_id

    @staticmethod
    def resolve_class_name(obj) -> str:
        return obj.school_class.name

    @staticmethod
    def resolve_establishment(obj) -> str:
        return obj.establishment.code

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.school_class.level.code

    @staticmethod
    def resolve_stream(obj) -> str:
        return obj.school_class.stream.code

    @staticmethod
    def resolve_subject(obj) -> str:
        return obj.subject.code

    @staticmethod
    def resolve_weekly_hours(obj) -> float:
        return float(obj.weekly_hours)


class MyClassesOut(Schema):
    school_year: str | None
    results: list[MyClassOut]


class SubjectShortageOut(Schema):
    subject: str
    name: str
    classes: int
    hours: float
    full_time_equivalent: float


class ShortageRowOut(Schema):
    school_class: UUID
    class_name: str
    subject: str
    hours: float


class ShortagesOut(Schema):
    establishment: str
    school_year: str
    hours: float = Field(description="Weekly hours without a teacher.")
    full_time_equivalent: float = Field(description="Hours divided by the cycle's quota.")
    by_subject: list[SubjectShortageOut]
    rows: list[ShortageRowOut]
