"""Territory API: the establishments the caller's scope covers.

Authentication is the API's default (bearer token), which also sets ``request.scope``.
"""

from __future__ import annotations

from django.db.models import Prefetch
from ninja import Query, Router

from massar.core.api import paginate, reject_unknown_parameters

from .access import access_establishment_by_code
from .models import Establishment
from .schemas import EstablishmentDetailOut, EstablishmentPage, EstablishmentQuery
from .selectors import EstablishmentFilters, establishment_list

router = Router(tags=["establishments"])


@router.get("/establishments", response=EstablishmentPage, summary="List establishments")
def establishments(request, query: Query[EstablishmentQuery]):
    """Establishments in the caller's scope, filtered, in code order, paginated.

    Unknown parameters answer 400; a page past the last one answers an empty ``results``.
    """
    reject_unknown_parameters(request, EstablishmentQuery.model_fields)
    filters = EstablishmentFilters(
        q=query.q.strip(),
        academy=query.academy,
        directorate=query.directorate,
        cycle=query.cycle or "",
        area=query.area or "",
        sector=query.sector or "",
    )
    queryset = establishment_list(scope=request.scope, filters=filters).prefetch_related(
        Prefetch("central_school", queryset=Establishment.objects.only("id", "code"))
    )
    return paginate(queryset, query)


@router.get("/establishments/{code}", response=EstablishmentDetailOut, summary="One establishment")
def establishment(request, code: str):
    """One establishment by its code; 404 when it does not exist or is outside the scope."""
    return access_establishment_by_code(scope=request.scope, code=code)
