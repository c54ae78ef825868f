"""Input and output schemas of the test calendar's API (a class's tests, a teacher's, a pupil's
upcoming tests; a test scheduled, moved, cancelled)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from ninja import Schema
from pydantic import Field

from massar.core.api import PageQuery

from .models import TestKind


class ClassRefOut(Schema):
    public_id: UUID
    name: str = Field(description="Class name, e.g. TCS-1.")


class TestOut(Schema):
    """One test of a class in a subject and semester, on a day."""

    public_id: UUID
    school_class: ClassRefOut
    establishment: str = Field(description="Establishment code.")
    school_year: str = Field(description="e.g. 2025-2026.")
    subject: str = Field(description="Subject name in the caller's language.")
    subject_code: str
    semester: int = Field(description="1 or 2.")
    number: int = Field(description="Test number in the semester (1-4): its mark sheet column.")
    kind: TestKind
    scheduled_on: date
    teacher: str | None = Field(description="The assigned teacher's name; null when none.")
    note: str
    is_locked: bool = Field(description="True once the mark sheet is validated: it cannot move.")


class TestPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[TestOut]


class ClassTestsQuery(PageQuery):
    semester: int | None = Field(None, ge=1, le=2, description="Only this semester (1 or 2).")
    subject: str | None = Field(None, max_length=16, description="Only this subject code.")


class UpcomingTestsQuery(PageQuery):
    since: date | None = Field(None, description="From this day on (default: today).")


class TestIn(Schema):
    school_class: UUID = Field(description="Public id of the class.")
    subject: str = Field(max_length=16, description="Subject code, e.g. MATH.")
    semester: int = Field(description="1 or 2.")
    number: int = Field(description="1 to the level's maximum of tests per semester.")
    scheduled_on: date
    kind: TestKind = TestKind.TEST
    note: str = Field("", max_length=200)
    force: bool = Field(
        False,
        description="Schedule even when the class would have too many tests that day or week "
        "(otherwise 409 overloaded).",
    )


class TestMoveIn(Schema):
    scheduled_on: date
    kind: TestKind | None = Field(None, description="Unchanged when absent.")
    note: str | None = Field(None, max_length=200, description="Unchanged when absent.")
    force: bool = Field(False, description="Move even onto an overloaded day or week.")
