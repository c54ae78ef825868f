"""Input and output schemas of the territory API."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema
from pydantic import Field

from massar.core.api import PageQuery
from massar.core.choices import Area, CycleCode, Sector


class PlaceOut(Schema):
    code: str
    name_ar: str
    name_fr: str


class CommuneOut(PlaceOut):
    area: Area


class EstablishmentOut(Schema):
    code: str
    name_ar: str
    name_fr: str
    academy: PlaceOut
    directorate: PlaceOut
    commune: CommuneOut
    sector: Sector
    area: Area
    cycles: list[CycleCode]
    central_school: str | None = Field(
        None, description="Code of the central school, if a satellite."
    )
    address: str
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def resolve_cycles(obj) -> list[str]:
        return [c.cycle for c in obj.cycles.all()]

    @staticmethod
    def resolve_central_school(obj) -> str | None:
        return obj.central_school.code if obj.central_school_id else None


class EstablishmentDetailOut(EstablishmentOut):
    satellites: list[str] = Field(description="Codes of the satellite schools of a central school.")

    @staticmethod
    def resolve_satellites(obj) -> list[str]:
        return sorted(s.code for s in obj.satellites.all())


class EstablishmentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[EstablishmentOut]


class EstablishmentQuery(PageQuery):
    q: str = Field("", max_length=100, description="Code, or part of the name in either script.")
    academy: str = Field("", max_length=2, description="Academy code, e.g. 04.")
    directorate: str = Field("", max_length=4, description="Directorate code, e.g. 0401.")
    cycle: CycleCode | None = None
    area: Area | None = None
    sector: Sector | None = None
