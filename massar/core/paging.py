"""Pagination that never counts more rows than it needs to.

Counting every match of a broad search among millions of rows costs more than showing the
first page. ``CappedPaginator`` counts up to ``cap`` rows (``SELECT COUNT(*)`` over a
``LIMIT cap + 1`` subquery) and says when there are more; pages stop at the cap, and the page
asks the user to refine the search.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


def capped_count(queryset, cap: int) -> tuple[int, bool]:
    """``(count, capped)``: the number of rows up to ``cap``, and whether there are more.

    A selector that already fetched the matching keys sets ``known_count`` on the queryset it
    returns, which saves the count query.
    """
    found = getattr(queryset, "known_count", None)
    if found is None:
        found = queryset.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        return capped_count(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @property
    def capped(self) -> bool:
        return self._capped[1]
