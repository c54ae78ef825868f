"""Transfers API: the caller's incoming and outgoing transfers, the request, the decision.

Authentication is the API's default (bearer token). A transfer outside the caller's scope, like
a missing one, answers 404; a visible transfer the caller may not decide answers 403.
"""

from __future__ import annotations

from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Query, Router

from massar.core.api import paginate, reject_unknown_parameters
from massar.core.errors import NotFound, ValidationFailed

from . import access
from .transfers import transfer_accept, transfer_cancel, transfer_reject, transfer_request
from .transfers_schemas import (
    TransferAcceptIn,
    TransferOut,
    TransferPage,
    TransferQuery,
    TransferRejectIn,
    TransferRequestIn,
)
from .transfers_selectors import access_transfer_by_public_id, destination_by_code, transfer_list

router = Router(tags=["transfers"])


@router.get("/transfers", response=TransferPage, summary="List transfers")
def transfers(request, query: Query[TransferQuery]):
    """Transfers from or to an establishment of the caller's scope, newest first, paginated."""
    reject_unknown_parameters(request, TransferQuery.model_fields)
    queryset = transfer_list(
        scope=access.records_scope(request.user),
        direction=query.direction or "",
        status=query.status or "",
    )
    return paginate(queryset, query)


@router.post(
    "/students/{code}/transfers", response={201: TransferOut}, summary="Request a transfer"
)
def transfer_create(request, code: str, payload: TransferRequestIn):
    """The school holding the pupil's file asks another establishment to take the pupil."""
    student = access.access_student_by_code(actor=request.user, code=code)
    try:
        destination = destination_by_code(payload.to_establishment)
    except NotFound as error:
        message = _("No establishment has the code %(code)s.") % {
            "code": payload.to_establishment.strip().upper()
        }
        raise ValidationFailed(
            message,
            code="unknown_establishment",
            details=[{"loc": ["body", "to_establishment"], "msg": message}],
        ) from error
    transfer = transfer_request(
        actor=request.user, student=student, to_establishment=destination, reason=payload.reason
    )
    return 201, access_transfer_by_public_id(actor=request.user, public_id=transfer.public_id)


@router.post("/transfers/{public_id}/accept", response=TransferOut, summary="Accept a transfer")
def transfer_accept_endpoint(request, public_id: UUID, payload: TransferAcceptIn):
    """The receiving school takes the pupil and the file from today."""
    transfer = access_transfer_by_public_id(actor=request.user, public_id=public_id)
    transfer_accept(actor=request.user, transfer=transfer, class_label=payload.class_label)
    return access_transfer_by_public_id(actor=request.user, public_id=public_id)


@router.post("/transfers/{public_id}/reject", response=TransferOut, summary="Refuse a transfer")
def transfer_reject_endpoint(request, public_id: UUID, payload: TransferRejectIn):
    """The receiving school refuses, with a note the sending school reads."""
    transfer = access_transfer_by_public_id(actor=request.user, public_id=public_id)
    transfer_reject(actor=request.user, transfer=transfer, note=payload.note)
    return access_transfer_by_public_id(actor=request.user, public_id=public_id)


@router.post("/transfers/{public_id}/cancel", response=TransferOut, summary="Cancel a transfer")
def transfer_cancel_endpoint(request, public_id: UUID):
    """The sending school withdraws its request while it waits for a decision."""
    transfer = access_transfer_by_public_id(actor=request.user, public_id=public_id)
    transfer_cancel(actor=request.user, transfer=transfer)
    return access_transfer_by_public_id(actor=request.user, public_id=public_id)
