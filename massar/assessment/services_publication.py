"""Publishing results, and asking for a school's report cards to be printed.

``results_publish``: the director of a school publishes a period (a semester or the year). It is
refused, saying what is missing, while a mark sheet of the period is open or (the year) a class's
year council is not validated. The school's results are then recomputed from the marks, and
every pupil's report card is frozen into a ``PublishedReport`` of a new ``Publication`` — all in
one transaction. Publishing again is a correction: version n+1 becomes current, the earlier
version stays as history, and a reason is required. Nothing ever updates a published report:
pupils, parents and the API read exactly what was published until the director republishes.

``report_cards_print``: the director asks for the PDF of every report card of a publication;
the printing runs as a background task (``tasks.print_report_cards``) with its progress.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massar.core.errors import PermissionDenied, ValidationFailed
from massar.core.validation import full_clean_or_refuse
from massar.territory.models import Establishment, SchoolYear

from .access import is_director_of
from .models import BatchStatus, Period, Publication, PublishedReport, ReportCardBatch
from .reportcards.content import build_contents
from .selectors_results import (
    ACTIVE_BATCH_STATUSES,
    classes_without_year_council,
    open_sheets,
    semesters_of,
    semesters_with_validated_sheets,
    sheet_label,
)

logger = logging.getLogger(__name__)

MAX_REASON = 300
#: Items named in a refusal; the rest are counted ("and 12 more").
LISTED = 12
BULK_SIZE = 1000
#: A printing still waiting or running after this long was lost (a worker stopped).
GIVE_UP = timedelta(hours=1)


def _listing(labels: list[str]) -> str:
    shown = ", ".join(labels[:LISTED])
    if len(labels) > LISTED:
        more = _("and %(count)s more") % {"count": len(labels) - LISTED}
        shown = f"{shown} {more}"
    return shown


def _require_director(actor, establishment: Establishment) -> None:
    if not is_director_of(actor, establishment):
        raise PermissionDenied(_("Only the director of the school can publish results."))


def _clean_period(period) -> int:
    try:
        value = int(period)
    except (TypeError, ValueError):
        value = 0
    if value not in Period.values:
        message = _("Choose a semester or the whole year.")
        raise ValidationFailed(
            message, code="invalid_period", details=[{"loc": ["period"], "msg": message}]
        )
    return value


def publication_blockers(
    *, establishment: Establishment, school_year: SchoolYear, period: int
) -> list[dict]:
    """What must be done before ``period`` may be published, as error details (empty: none):
    open sheets of its semesters, a semester without any validated sheet (nothing to publish),
    and, for the year, classes whose year council is not validated."""
    details = []
    marked = semesters_with_validated_sheets(establishment=establishment, school_year=school_year)
    for semester in semesters_of(period):
        if semester not in marked:
            details.append({"loc": ["semesters", str(semester)], "msg": f"S{semester}"})
    for sheet in open_sheets(
        establishment=establishment, school_year=school_year, semesters=semesters_of(period)
    ):
        details.append({"loc": ["sheets", str(sheet.public_id)], "msg": sheet_label(sheet)})
    if period == Period.YEAR:
        for school_class in classes_without_year_council(
            establishment=establishment, school_year=school_year
        ):
            details.append(
                {"loc": ["councils", str(school_class.public_id)], "msg": school_class.name}
            )
    return details


def _refuse_blocked(details: list[dict]) -> None:
    sheets = [d["msg"] for d in details if d["loc"][0] == "sheets"]
    councils = [d["msg"] for d in details if d["loc"][0] == "councils"]
    sentences = [
        _("No mark sheet of semester %(semester)s is validated yet: there is nothing to publish.")
        % {"semester": d["loc"][1]}
        for d in details
        if d["loc"][0] == "semesters"
    ]
    if sheets:
        sentences.append(
            _(
                "Mark sheets still open: %(sheets)s. The director validates every sheet of "
                "the period before publishing."
            )
            % {"sheets": _listing(sheets)}
        )
    if councils:
        sentences.append(
            _("The year's class council is not validated for: %(classes)s.")
            % {"classes": _listing(councils)}
        )
    raise ValidationFailed(" ".join(sentences), code="not_ready", details=details)


def _recompute(establishment: Establishment, school_year: SchoolYear) -> None:
    # Imported here: the computation is its own module (and heavy to import for the pages).
    from .computation import recompute_establishment

    recompute_establishment(establishment, school_year)


def results_publish(
    *,
    actor,
    establishment: Establishment,
    school_year: SchoolYear,
    period: int,
    reason: str = "",
) -> Publication:
    """Publish ``period``'s results of ``establishment``: version 1, or a correction (version
    n+1, ``reason`` required) when a version is current. See the module docstring."""
    _require_director(actor, establishment)
    period = _clean_period(period)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        message = _("The reason is at most %(count)s characters long.") % {"count": MAX_REASON}
        raise ValidationFailed(
            message, code="invalid_reason", details=[{"loc": ["reason"], "msg": message}]
        )
    with transaction.atomic():
        # One publication at a time per school: the row lock orders concurrent clicks.
        Establishment.objects.select_for_update().filter(pk=establishment.pk).exists()
        blockers = publication_blockers(
            establishment=establishment, school_year=school_year, period=period
        )
        if blockers:
            _refuse_blocked(blockers)
        previous = (
            Publication.objects.filter(
                establishment=establishment, school_year=school_year, period=period
            )
            .order_by("-version")
            .first()
        )
        correcting = previous is not None and previous.is_current
        if correcting and not reason:
            message = _("These results are already published: say why you publish a correction.")
            raise ValidationFailed(
                message, code="reason_required", details=[{"loc": ["reason"], "msg": message}]
            )
        _recompute(establishment, school_year)
        cards = build_contents(establishment=establishment, school_year=school_year, period=period)
        if not cards:
            raise ValidationFailed(
                _("No pupil is placed in a class of this school: there is nothing to publish."),
                code="no_pupils",
            )
        if correcting:
            Publication.objects.filter(pk=previous.pk).update(is_current=False)
        publication = Publication(
            establishment=establishment,
            school_year=school_year,
            period=period,
            version=(previous.version + 1) if previous else 1,
            is_current=True,
            reason=reason,
            pupils=len(cards),
            published_by=actor,
        )
        full_clean_or_refuse(publication)
        publication.save()
        PublishedReport.objects.bulk_create(
            [
                PublishedReport(
                    publication=publication,
                    enrolment_id=card.enrolment_id,
                    student_id=card.student_id,
                    school_class_id=card.school_class_id,
                    average=card.average,
                    rank=card.rank,
                    decision=card.decision,
                    content=card.content,
                )
                for card in cards
            ],
            batch_size=BULK_SIZE,
        )
    logger.info(
        "Results published: %s %s period %s v%s (%s pupils)",
        establishment.code,
        school_year.code,
        period,
        publication.version,
        len(cards),
    )
    return publication


# --- printing ---------------------------------------------------------------------------------


def _close_abandoned(publication: Publication) -> None:
    """Mark as failed the printings a stopped worker left waiting or running for ever."""
    now = timezone.now()
    ReportCardBatch.objects.filter(
        publication=publication, status__in=ACTIVE_BATCH_STATUSES, created_at__lt=now - GIVE_UP
    ).update(status=BatchStatus.FAILED, finished_at=now, error="abandoned")


def report_cards_print(*, actor, publication: Publication) -> ReportCardBatch:
    """Ask for every report card of ``publication`` as one PDF (the director). While a printing
    of the publication is waiting or running, that one is answered instead of a second."""
    if not is_director_of(actor, publication.establishment):
        raise PermissionDenied(_("Only the director of the school can print the report cards."))
    with transaction.atomic():
        Publication.objects.select_for_update().filter(pk=publication.pk).exists()
        _close_abandoned(publication)
        active = (
            ReportCardBatch.objects.filter(
                publication=publication, status__in=ACTIVE_BATCH_STATUSES
            )
            .order_by("-created_at")
            .first()
        )
        if active is not None:
            return active
        batch = ReportCardBatch(
            establishment_id=publication.establishment_id,
            publication=publication,
            total=publication.pupils,
            requested_by=actor,
        )
        full_clean_or_refuse(batch)
        batch.save()
        transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


def _enqueue(batch_id: int) -> None:
    from .tasks import print_report_cards

    try:
        print_report_cards.enqueue(batch_id)
    except Exception:  # the queue is unreachable: say so rather than wait for ever
        logger.exception("Could not enqueue the printing of report cards %s", batch_id)
        ReportCardBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
            status=BatchStatus.FAILED, finished_at=timezone.now(), error="queue"
        )
