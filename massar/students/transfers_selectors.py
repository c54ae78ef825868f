"""Reads of transfers, from the actor's records scope, and the scoped lookup of one transfer.

A transfer is seen by the sending and the receiving school and by the officers above either
(directorate, academy, nation); by nobody else. Before acceptance the receiving school does not
hold the file: its pages show only what it needs to decide (names, code Massar, birth date,
level, stream, sending school, reason).
"""

from __future__ import annotations

import uuid

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery, Value

from massar.core.errors import NotFound
from massar.core.scoping import Scope
from massar.curriculum.models import Level
from massar.territory.models import Establishment

from .access import records_scope
from .models import Certificate, CertificateKind, Enrolment, Student, Transfer, TransferStatus

INCOMING = "incoming"
OUTGOING = "outgoing"
DIRECTIONS = (INCOMING, OUTGOING)
DESTINATIONS_LIMIT = 10


def _visibility(scope: Scope) -> Q:
    return scope.establishment_q(prefix="from_establishment__") | scope.establishment_q(
        prefix="to_establishment__"
    )


def _sending_enrolment(field: str) -> Subquery:
    """A column of the pupil's enrolment at the sending school in the transfer's year."""
    rows = Enrolment.objects.filter(
        student=OuterRef("student"),
        school_year=OuterRef("school_year"),
        establishment=OuterRef("from_establishment"),
    ).order_by("-entered_on", "-pk")
    return Subquery(rows.values(field)[:1])


def transfers_visible(scope: Scope) -> QuerySet[Transfer]:
    """Transfers from or to an establishment of ``scope``, with what lists and pages show."""
    if scope.is_empty:
        return Transfer.objects.none()
    return (
        Transfer.objects.filter(_visibility(scope))
        .select_related(
            "student",
            "school_year",
            "from_establishment",
            "to_establishment",
            "requested_by",
            "decided_by",
        )
        .annotate(
            level_code=_sending_enrolment("level__code"),
            stream_code=_sending_enrolment("stream__code"),
        )
    )


def transfer_list(*, scope: Scope, direction: str = "", status: str = "") -> QuerySet[Transfer]:
    """Incoming (to a school of the scope) or outgoing (from one) transfers, newest first."""
    if direction and direction not in DIRECTIONS:
        raise ValueError(direction)
    if status and status not in TransferStatus.values:
        raise ValueError(status)
    queryset = transfers_visible(scope)
    if direction == INCOMING:
        queryset = queryset.filter(scope.establishment_q(prefix="to_establishment__"))
    elif direction == OUTGOING:
        queryset = queryset.filter(scope.establishment_q(prefix="from_establishment__"))
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def student_transfers(*, scope: Scope, student: Student) -> QuerySet[Transfer]:
    """Every transfer of a pupil, newest first; ``visible`` says whether ``scope`` may open it.

    The school holding the file sees the pupil's whole path, including transfers between two
    other schools before the pupil arrived; those are listed but cannot be opened.
    """
    if scope.national:
        visible = Value(True)
    elif scope.is_empty:
        visible = Value(False)
    else:
        visible = ExpressionWrapper(_visibility(scope), output_field=BooleanField())
    return (
        Transfer.objects.filter(student=student)
        .select_related("school_year", "from_establishment", "to_establishment")
        .annotate(visible=visible)
        .order_by("-created_at", "-pk")
    )


def transfers_of(student: Student, *, actor=None) -> QuerySet[Transfer]:
    """The pupil's transfers for the file's transfers tab (``visible`` when ``actor`` is given)."""
    if actor is None:
        return (
            Transfer.objects.filter(student=student)
            .select_related("school_year", "from_establishment", "to_establishment")
            .order_by("-created_at", "-pk")
        )
    return student_transfers(scope=records_scope(actor), student=student)


def transfer_enrolment(transfer: Transfer) -> Enrolment | None:
    """The pupil's enrolment at the sending school in the transfer's year (level and stream)."""
    return (
        Enrolment.objects.filter(
            student_id=transfer.student_id,
            school_year_id=transfer.school_year_id,
            establishment_id=transfer.from_establishment_id,
        )
        .select_related("level", "stream")
        .order_by("-entered_on", "-pk")
        .first()
    )


def transfer_destinations(*, level: Level, exclude: Establishment, q: str = "") -> list:
    """Active establishments of the whole country that teach ``level``, by code or name.

    Any school may receive a pupil, so the search is not limited to the actor's scope; it
    answers only what the public directory says (code, names, directorate).
    """
    term = (q or "").strip()
    if len(term) < 2:
        return []
    queryset = (
        Establishment.objects.filter(is_active=True, cycles__cycle=level.cycle.code)
        .exclude(pk=exclude.pk)
        .filter(Q(code__istartswith=term) | Q(name_ar__icontains=term) | Q(name_fr__icontains=term))
        .select_related("directorate")
        .order_by("code")
    )
    return list(queryset[:DESTINATIONS_LIMIT])


def destination_by_code(code: str) -> Establishment:
    """An establishment of the country by its code, for a transfer request; ``NotFound``."""
    code = (code or "").strip().upper()
    found = Establishment.objects.filter(code=code).first() if code else None
    if found is None:
        raise NotFound()
    return found


def access_transfer_by_public_id(*, actor, public_id) -> Transfer:
    """The transfer ``public_id`` if ``actor`` may see it; ``NotFound`` otherwise (or if bad)."""
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except (TypeError, ValueError, AttributeError) as error:
        raise NotFound() from error
    found = transfers_visible(records_scope(actor)).filter(public_id=key).first()
    if found is None:
        raise NotFound()
    return found


def leaving_certificate_of(transfer: Transfer) -> Certificate | None:
    """The leaving certificate the sending school issued for an accepted transfer."""
    if transfer.status != TransferStatus.ACCEPTED:
        return None
    return (
        Certificate.objects.filter(
            student_id=transfer.student_id,
            kind=CertificateKind.LEAVING,
            enrolment__school_year_id=transfer.school_year_id,
            enrolment__establishment_id=transfer.from_establishment_id,
        )
        .order_by("-issued_at", "-pk")
        .only("verification_code", "issued_at", "revoked_at")
        .first()
    )
