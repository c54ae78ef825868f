"""Input and output schemas of the marks API: a class × subject × semester mark sheet, read and
saved by rows (pupils named by their code Massar)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field, StrictFloat, StrictInt, StrictStr

#: A mark as typed: a number (12.5), text with a comma or a point ("12,5"), "ABS" or "غ" for an
#: absent pupil, or null to clear the cell.
MarkIn = Annotated[
    StrictStr | StrictInt | StrictFloat | None,
    Field(
        description=(
            'A mark: a number (12.5) or text ("12,5"), at most two decimals, within the '
            'level\'s scale; "ABS" or "غ" for an absent pupil; null clears the cell. A field '
            "left out leaves the cell as it is."
        ),
        examples=[12.5, "12,5", "ABS"],
    ),
]


#: A mark as stored: a decimal with two places and a point, exact (not a binary float).
MarkOut = Annotated[
    str | None,
    Field(
        description=(
            'The mark with two decimals and a point, e.g. "12.50"; null when the cell is '
            "empty or the pupil was absent."
        ),
    ),
]


class SemesterQuery(Schema):
    semester: int = Field(ge=1, le=2, description="The semester: 1 or 2.", examples=[1])


class MarkRowOut(Schema):
    """One pupil's row. A mark is null when the cell is empty or the pupil was absent (then the
    matching ``absent_*`` flag is true); tests beyond ``test_count`` are always null."""

    code_massar: str = Field(examples=["D166027860"])
    last_name_ar: str = Field(examples=["العلوي"])
    first_name_ar: str = Field(examples=["سلمى"])
    last_name_fr: str = Field(examples=["Alaoui"])
    first_name_fr: str = Field(examples=["Salma"])
    version: int = Field(
        description="Grows by one on every save of the row: send it back with your changes.",
        examples=[3],
    )
    test_1: MarkOut = Field(examples=["12.50"])
    test_2: MarkOut = Field(examples=[None])
    test_3: MarkOut = Field(examples=[None])
    test_4: MarkOut = Field(examples=[None])
    absent_1: bool = Field(examples=[False])
    absent_2: bool = Field(examples=[True])
    absent_3: bool = Field(examples=[False])
    absent_4: bool = Field(examples=[False])
    activities: MarkOut = Field(
        description="The integrated-activities mark (same form as the tests).", examples=["15.00"]
    )
    activities_absent: bool = Field(examples=[False])
    appreciation: str = Field(examples=["Bon travail"])


class MarkSheetOut(Schema):
    class_id: UUID = Field(description="Public id of the class.")
    class_name: str = Field(examples=["TCS-1"])
    establishment: str = Field(description="Establishment code.", examples=["11565V"])
    school_year: str = Field(examples=["2025-2026"])
    subject_code: str = Field(examples=["MATH"])
    subject: str = Field(description="Subject name in the caller's language.")
    semester: int = Field(examples=[1])
    teacher: str | None = Field(description="The teacher assigned to the class × subject.")
    status: str = Field(
        description="open, or validated (locked by the director: no more saves).",
        examples=["open"],
    )
    is_locked: bool
    entry_open: bool = Field(description="Whether the mark-entry window is open today.")
    test_count: int = Field(description="Columns of tests on the sheet (1-4).", examples=[2])
    scale: int = Field(description="Marks are out of this number.", examples=[20])
    rows: list[MarkRowOut] = Field(description="One row per current pupil, in name order.")


class MarkRowIn(Schema):
    """The changes of one pupil's row and the version they were made from. Only the fields
    given are changed."""

    model_config = ConfigDict(extra="forbid")

    code_massar: str = Field(max_length=10, examples=["D166027860"])
    version: int = Field(ge=1, description="The row's version you read.", examples=[3])
    test_1: MarkIn = None
    test_2: MarkIn = None
    test_3: MarkIn = None
    test_4: MarkIn = None
    activities: MarkIn = None
    appreciation: str | None = Field(
        None, max_length=500, description="The teacher's appreciation (120 characters at most)."
    )


class MarksIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rows": [
                        {"code_massar": "D166027860", "version": 3, "test_1": 12.5},
                        {"code_massar": "D166027861", "version": 1, "test_1": "ABS"},
                    ]
                }
            ]
        },
    )

    rows: list[MarkRowIn] = Field(
        max_length=200, description="The rows to save: all of them, or none."
    )


class MarksSavedOut(Schema):
    saved_rows: int = Field(description="Rows that changed (and got a new version).")
    sheet: MarkSheetOut
