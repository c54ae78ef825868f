"""Input and output schemas of the transfers API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from massar.core.api import PageQuery

from .models import TransferStatus
from .transfers import CLASS_LABEL_MAX_LENGTH, NOTE_MAX_LENGTH, REASON_MAX_LENGTH


class TransferSchoolOut(Schema):
    code: str
    name_ar: str
    name_fr: str


class TransferPupilOut(Schema):
    """What the receiving school needs to decide; it does not hold the file before accepting."""

    code_massar: str
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    birth_date: date


class TransferOut(Schema):
    public_id: UUID
    status: TransferStatus
    school_year: str = Field(description="Code of the school year, e.g. 2025-2026.")
    student: TransferPupilOut
    level: str | None = Field(None, description="Code of the pupil's level at the sending school.")
    stream: str | None = Field(None, description="Code of the pupil's stream.")
    from_establishment: TransferSchoolOut
    to_establishment: TransferSchoolOut
    reason: str
    decision_note: str
    requested_at: datetime
    decided_at: datetime | None
    effective_on: date | None = Field(
        None, description="First day at the receiving school (and last day at the sending one)."
    )

    @staticmethod
    def resolve_school_year(obj) -> str:
        return obj.school_year.code

    @staticmethod
    def resolve_level(obj) -> str | None:
        return getattr(obj, "level_code", None)

    @staticmethod
    def resolve_stream(obj) -> str | None:
        return getattr(obj, "stream_code", None)

    @staticmethod
    def resolve_requested_at(obj) -> datetime:
        return obj.created_at


class TransferPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[TransferOut]


class TransferQuery(PageQuery):
    direction: Literal["incoming", "outgoing"] | None = Field(
        None,
        description="incoming: to a school of the caller's scope; outgoing: from one. "
        "Without it, both.",
    )
    status: TransferStatus | None = None


class TransferRequestIn(Schema):
    to_establishment: str = Field(
        min_length=1, max_length=6, description="Code of the receiving establishment."
    )
    reason: str = Field("", max_length=REASON_MAX_LENGTH, description="Reason for leaving.")


class TransferAcceptIn(Schema):
    class_label: str = Field(
        "", max_length=CLASS_LABEL_MAX_LENGTH, description="Class at the receiving school."
    )


class TransferRejectIn(Schema):
    note: str = Field(
        "", max_length=NOTE_MAX_LENGTH, description="Why the transfer is refused (required)."
    )
