"""Input and output schemas of the generator's API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from massar.core.api import PageQuery

from .explanations import describe
from .generation import DEFAULT_TIME_LIMIT
from .models import RunMode, RunStatus


class GeneratorRunIn(Schema):
    establishment: str = Field(description="Code of the establishment, e.g. 11565V.")
    mode: RunMode = Field(
        RunMode.FULL,
        description="full: the whole timetable; repair: move as few sessions as possible.",
    )
    time_limit: int = Field(
        DEFAULT_TIME_LIMIT, description="Seconds the generator may search (5-900)."
    )


class ReasonOut(Schema):
    code: str = Field(description="Stable code of the reason, e.g. teacher_overloaded.")
    message: str = Field(description="The reason in the caller's language.")
    params: dict = Field(description="Its parameters (ids of the rows it names, figures).")


class GeneratorRunOut(Schema):
    public_id: UUID
    establishment: str = Field(description="Code of the establishment.")
    school_year: str = Field(description="Code of the school year, e.g. 2025-2026.")
    mode: RunMode
    status: RunStatus
    status_label: str
    progress: int = Field(description="0-100; 100 once the timetable is written.")
    time_limit: int
    objective: float | None = Field(None, description="Cost of the timetable (lower is better).")
    best_bound: float | None = None
    sessions_placed: int
    sessions_moved: int
    reasons: list[ReasonOut] = Field(
        description="Why no timetable was written, when the run is infeasible or failed."
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_establishment(obj) -> str:
        return obj.establishment.code

    @staticmethod
    def resolve_school_year(obj) -> str:
        return obj.school_year.code

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_time_limit(obj) -> int:
        return obj.time_limit_seconds

    @staticmethod
    def resolve_reasons(obj) -> list[dict]:
        params = [entry.get("params") or {} for entry in obj.explanation or ()]
        return [
            {"code": reason.code, "message": reason.text, "params": entry}
            for reason, entry in zip(describe(obj.explanation), params, strict=False)
        ]


class GeneratorRunPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[GeneratorRunOut]


class GeneratorRunQuery(PageQuery):
    establishment: str | None = Field(None, description="Only the runs of this establishment.")
    status: Literal["queued", "running", "succeeded", "infeasible", "failed"] | None = None
