"""Output schemas of the results API: a pupil's published report cards.

Marks are strings with two decimals ("12.50"), exactly as published, "" when there is none;
a test the pupil missed is "absent" (never a 0).
"""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

MARK = 'A mark with two decimals ("12.50"), "" when there is none.'


class ResultsQuery(Schema):
    year: str | None = Field(
        None,
        description="The school year, e.g. 2025-2026 (the current one by default).",
        examples=["2025-2026"],
    )


class SubjectMarkOut(Schema):
    code: str = Field(examples=["MATH"])
    name_ar: str = Field(examples=["الرياضيات"])
    name_fr: str = Field(examples=["Mathématiques"])
    coefficient: str = Field(examples=["4"])
    tests: list[str] = Field(
        description='Tests 1..n: a mark, "absent", or "" (the year\'s card has none).',
        examples=[["12.50", "absent"]],
    )
    activities: str = Field(description=f'{MARK} Or "absent".', examples=["15.00"])
    mark: str = Field(description=MARK, examples=["13.25"])
    semesters: dict[str, str] | None = Field(
        None,
        description='The year\'s card: the subject mark of semester "1" and "2".',
        examples=[{"1": "12.00", "2": "14.50"}],
    )
    class_max: str = Field(description=MARK)
    class_mean: str = Field(description=MARK)
    class_min: str = Field(description=MARK)
    appreciation: str = Field(description="The teacher's appreciation.")


class PeriodResultsOut(Schema):
    period: int = Field(description="1 and 2: the semesters; 3: the whole year.", examples=[1])
    school_year: str = Field(examples=["2025-2026"])
    establishment: str = Field(description="Code of the publishing school.", examples=["11565V"])
    class_name: str = Field(examples=["TCS-1"])
    version: int = Field(description="Version of the publication (above 1: a correction).")
    published_at: datetime
    average: str = Field(description=MARK, examples=["12.34"])
    out_of: int = Field(description="The scale: marks are out of 20 (or 10).", examples=[20])
    rank: int | None = Field(None, description="Rank in the class (ties share a rank).")
    ranked_pupils: int = Field(description="Pupils ranked in the class.", examples=[35])
    semester_averages: dict[str, str] | None = Field(
        None, description='The year\'s card: the averages of semester "1" and "2".'
    )
    council_mention: str = Field(
        description="The class council's mention (code), e.g. honour_roll; '' for none.",
        examples=["honour_roll"],
    )
    council_remark: str = Field(description="The class council's appreciation.")
    decision: str = Field(
        description="The year's decision: pass, repeat, excluded; '' otherwise.", examples=[""]
    )
    next_stream: str | None = Field(
        None, description="Code of the stream of next year (the year's card)."
    )
    subjects: list[SubjectMarkOut]
    report_card_url: str = Field(description="Path of the report card as PDF.")


class StudentResultsOut(Schema):
    code_massar: str = Field(examples=["D166027860"])
    school_year: str = Field(examples=["2025-2026"])
    periods: list[PeriodResultsOut] = Field(
        description="The published periods of the year, in order (only published results)."
    )
