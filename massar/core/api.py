"""Helpers shared by the apps' API routers (django-ninja)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field

from .errors import ValidationFailed
from .paging import capped_count

MAX_PAGE_SIZE = 200


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (1-200).")


def reject_unknown_parameters(request, allowed: Iterable[str]) -> None:
    """A misspelt filter must not silently widen a list: answer 400 naming it."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise ValidationFailed(
            _("Unknown query parameters."),
            code="unknown_parameter",
            details=[
                {"loc": ["query", name], "msg": str(_("Not a known parameter."))}
                for name in unknown
            ],
        )


def paginate(queryset, page: PageQuery, *, cap: int | None = None) -> dict:
    """One page of ``queryset`` with the total count; a page past the end is empty.

    With ``cap``, rows are counted up to ``cap`` only and ``count_capped`` says there are more
    (pages stop there): a broad search among millions of rows stays fast.
    """
    if cap is None:
        count, capped = queryset.count(), False
    else:
        count, capped = capped_count(queryset, cap)
    start = (page.page - 1) * page.page_size
    rows = list(queryset[start : min(start + page.page_size, count)]) if start < count else []
    result = {"count": count, "page": page.page, "page_size": page.page_size, "results": rows}
    if cap is not None:
        result["count_capped"] = capped
    return result
