"""Input and output schemas of the accounts API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class TokenRequest(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(Schema):
    token: str
    token_type: str = "bearer"
    expires_at: datetime


class PlaceOut(Schema):
    code: str
    name_ar: str
    name_fr: str


class RoleOut(Schema):
    role: str
    role_label: str
    scope_level: str = Field(description="national, academy, directorate or establishment")
    academy: PlaceOut | None = None
    directorate: PlaceOut | None = None
    establishment: PlaceOut | None = None


class MeOut(Schema):
    username: str
    first_name: str
    last_name: str
    first_name_ar: str
    last_name_ar: str
    preferred_language: str
    roles: list[RoleOut]
