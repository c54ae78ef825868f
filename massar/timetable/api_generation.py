"""The generator's API: ask for a run (director, staff: 202, it runs in the background), follow
it, list a school's runs. Runs of schools outside the caller's scope, like missing ones, are 404.
"""

from __future__ import annotations

from uuid import UUID

from ninja import Query, Router

from massar.core.api import paginate, reject_unknown_parameters

from .access import access_establishment_for_read
from .generation import generator_run_request
from .generation_access import access_run_by_public_id, runs_visible_to
from .schemas_generation import GeneratorRunIn, GeneratorRunOut, GeneratorRunPage, GeneratorRunQuery

router = Router(tags=["timetable"])


@router.post(
    "/timetables/generator-runs",
    response={202: GeneratorRunOut},
    summary="Run the timetable generator",
)
def generator_run_create(request, payload: GeneratorRunIn):
    """Ask the generator for the school's timetable of the current year. The run works in the
    background: follow it with ``GET /timetables/generator-runs/{public_id}``. Refused while
    another run of the school is waiting or running."""
    establishment = access_establishment_for_read(actor=request.user, code=payload.establishment)
    run = generator_run_request(
        actor=request.user,
        establishment=establishment,
        mode=payload.mode,
        time_limit=payload.time_limit,
    )
    return 202, access_run_by_public_id(actor=request.user, public_id=run.public_id)


@router.get(
    "/timetables/generator-runs/{public_id}",
    response=GeneratorRunOut,
    summary="A run of the timetable generator",
)
def generator_run_detail(request, public_id: UUID):
    """Status, progress and outcome of a run; the reasons when no timetable was written."""
    return access_run_by_public_id(actor=request.user, public_id=public_id)


@router.get(
    "/timetables/generator-runs",
    response=GeneratorRunPage,
    summary="Runs of the timetable generator",
)
def generator_run_list(request, query: Query[GeneratorRunQuery]):
    """Runs of the schools of the caller's scope, newest first, paginated."""
    reject_unknown_parameters(request, GeneratorRunQuery.model_fields)
    runs = runs_visible_to(request.user)
    if query.establishment:
        runs = runs.filter(establishment__code=query.establishment.strip().upper())
    if query.status:
        runs = runs.filter(status=query.status)
    return paginate(runs, query)
