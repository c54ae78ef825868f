"""Helpers shared by the list pages of every app: one page of a queryset with the query string
its links keep, and whether a request asks for an htmx fragment rather than the whole page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from .paging import CappedPaginator


def wants_fragment(request) -> bool:
    """An htmx update of part of the page (not a boosted link, not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def page_of(request, queryset, *, per_page: int, cap: int | None = None) -> tuple[Page, str]:
    """The page of ``queryset`` the request asks for, and the query string without ``page``.

    ``get_page`` answers the last page for a number past the end and the first for garbage.
    With ``cap``, rows are counted up to ``cap`` only (``page.paginator.capped`` says if more).
    """
    if cap is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CappedPaginator(queryset, per_page, cap=cap)
    query = request.GET.copy()
    query.pop("page", None)
    return paginator.get_page(request.GET.get("page")), query.urlencode()
