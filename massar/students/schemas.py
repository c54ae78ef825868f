"""Input and output schemas of the students API."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field

from massar.core.api import PageQuery

from .models import EnrolmentKind, EnrolmentStatus, LanguageChoice, PhoneOperator, Relationship, Sex


class EnrolmentOut(Schema):
    school_year: str = Field(description="e.g. 2025-2026")
    establishment: str = Field(description="Establishment code.")
    level: str
    stream: str
    class_label: str
    status: EnrolmentStatus
    kind: EnrolmentKind
    is_repeating: bool
    entered_on: date
    left_on: date | None

    @staticmethod
    def resolve_school_year(obj) -> str:
        return obj.school_year.code

    @staticmethod
    def resolve_establishment(obj) -> str:
        return obj.establishment.code

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.level.code

    @staticmethod
    def resolve_stream(obj) -> str:
        return obj.stream.code


class StudentOut(Schema):
    code_massar: str = Field(examples=["D166027860"])
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    sex: Sex
    birth_date: date
    establishment: str = Field(description="Code of the establishment holding the file.")

    @staticmethod
    def resolve_establishment(obj) -> str:
        return obj.establishment.code


class StudentListOut(StudentOut):
    current_enrolment: EnrolmentOut | None = None

    @staticmethod
    def resolve_current_enrolment(obj):
        rows = getattr(obj, "current_enrolments", [])
        return rows[0] if rows else None


class GuardianOut(Schema):
    relationship: Relationship
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    cin: str
    phone: str
    phone_operator: str
    email: str
    profession: str
    preferred_language: LanguageChoice
    is_contact: bool


class StudentDetailOut(StudentOut):
    birth_place_ar: str
    birth_place_fr: str
    civil_record_number: str
    nationality: str
    address: str
    special_needs: str
    guardians: list[GuardianOut]
    enrolments: list[EnrolmentOut] = Field(description="The schooling path, oldest first.")

    @staticmethod
    def resolve_guardians(obj):
        return list(obj.guardians.all())

    @staticmethod
    def resolve_enrolments(obj):
        return obj.enrolments_list


class StudentPage(Schema):
    count: int = Field(description="Matches, counted up to 5,000.")
    count_capped: bool = Field(description="True when more than ``count`` files match.")
    page: int
    page_size: int
    results: list[StudentListOut]


class StudentQuery(PageQuery):
    q: str = Field("", max_length=100, description="Code Massar (or its start) or part of a name.")
    establishment: str = Field("", max_length=6, description="Establishment code.")
    level: str = Field("", max_length=8, description="Level code of this year's enrolment.")
    sex: Sex | None = None
    status: EnrolmentStatus | None = Field(None, description="Status of this year's enrolment.")


class GuardianIn(Schema):
    relationship: Relationship
    first_name_ar: str = Field("", max_length=100)
    last_name_ar: str = Field("", max_length=100)
    first_name_fr: str = Field("", max_length=100)
    last_name_fr: str = Field("", max_length=100)
    cin: str = Field("", max_length=10)
    phone: str = Field("", max_length=13)
    phone_operator: PhoneOperator | None = None
    email: str = Field("", max_length=254)
    profession: str = Field("", max_length=100)
    preferred_language: LanguageChoice = LanguageChoice.ARABIC
    is_contact: bool = False


class PlacementIn(Schema):
    establishment: str = Field(max_length=6, examples=["11565V"])
    level: str = Field(max_length=8, examples=["TC"])
    stream: str = Field(max_length=16, examples=["TCS"])
    class_label: str = Field("", max_length=30, examples=["TCS-1"])


class StudentRegistrationIn(Schema):
    first_name_ar: str = Field(min_length=1, max_length=100)
    last_name_ar: str = Field(min_length=1, max_length=100)
    first_name_fr: str = Field(min_length=1, max_length=100)
    last_name_fr: str = Field(min_length=1, max_length=100)
    sex: Sex
    birth_date: date
    birth_place_ar: str = Field("", max_length=100)
    birth_place_fr: str = Field("", max_length=100)
    civil_record_number: str = Field("", max_length=20)
    address: str = Field("", max_length=300)
    special_needs: str = Field("", max_length=300)
    guardians: list[GuardianIn] = Field(default_factory=list, max_length=4)
    placement: PlacementIn
    code_massar: str = Field(
        "", max_length=10, description="A code the national system already gave the child."
    )
    duplicate_reason: str = Field(
        "",
        max_length=300,
        description="Confirms that a likely duplicate is another child (directors only).",
    )


class ReRegistrationIn(Schema):
    placement: PlacementIn
    is_repeating: bool = False
