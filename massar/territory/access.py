"""Scoped lookups of territory objects named in user input. Missing and forbidden are one 404."""

from __future__ import annotations

from massar.core.errors import NotFound
from massar.core.scoping import Scope

from .models import Establishment
from .selectors import establishment_detail_queryset


def access_establishment_by_code(*, scope: Scope, code: str) -> Establishment:
    """The establishment with ``code`` if ``scope`` may read it; ``NotFound`` otherwise."""
    code = (code or "").strip().upper()
    establishment = (
        scope.filter_establishments(establishment_detail_queryset()).filter(code=code).first()
    )
    if establishment is None:
        raise NotFound()
    return establishment
