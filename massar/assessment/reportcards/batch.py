"""Printing every report card of a publication as one PDF: the body of the background task.

The task claims a waiting ``ReportCardBatch`` (a batch that is not waiting — done, failed, or
taken by another worker — is left alone, so running the task twice is harmless), then prints the
cards class by class from the published snapshots (never from live marks), writing ``done`` after
every class so that the page can show the progress. Classes are laid out by ``PRINT_WORKERS``
threads (Typst releases the interpreter while it works), the class documents are joined, and the
file is stored. Only then does the batch say "done" and name its file, in one update: a batch
that fails says why in ``error`` (``<code>: <detail>``) and names no file — a half-printed file
is never visible (it is deleted if it was stored).
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby

from django.core.files.base import ContentFile
from django.utils import timezone

from ..models import BatchStatus, PublishedReport, ReportCardBatch
from .merge import concatenate
from .pdf import report_cards_pdf

logger = logging.getLogger(__name__)

#: Threads laying out classes at once: the machines have two cores per worker process
#: (``MASSAR_REPORT_CARD_THREADS`` sets another number).
PRINT_WORKERS = max(
    1, int(os.environ.get("MASSAR_REPORT_CARD_THREADS", "0")) or min(2, os.cpu_count() or 1)
)
#: Reports read from the database at a time.
CHUNK = 500

ERROR_CODES = ("render", "storage", "empty", "queue", "abandoned", "error")


class BatchFailure(Exception):
    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


def record_progress(batch_id: int, done: int) -> None:
    """Write how many cards are printed (only while the batch runs)."""
    ReportCardBatch.objects.filter(pk=batch_id, status=BatchStatus.RUNNING).update(done=done)


def _classes(batch: ReportCardBatch):
    """The publication's cards grouped by class, in the order they were published."""
    rows = (
        PublishedReport.objects.filter(publication_id=batch.publication_id)
        .order_by("pk")
        .values_list("school_class_id", "content")
    )
    for _class_id, group in groupby(rows.iterator(chunk_size=CHUNK), key=lambda row: row[0]):
        yield [content for _class, content in group]


def _print(batch: ReportCardBatch) -> bytes:
    publication = batch.publication
    total = PublishedReport.objects.filter(publication_id=publication.pk).count()
    if total == 0:
        raise BatchFailure("empty")
    ReportCardBatch.objects.filter(pk=batch.pk).update(total=total)

    def lay_out(contents: list[dict]) -> tuple[int, bytes]:
        return len(contents), report_cards_pdf(contents, publication=publication)

    documents: list[bytes] = []
    done = 0
    with ThreadPoolExecutor(max_workers=PRINT_WORKERS) as pool:
        try:
            for count, document in pool.map(lay_out, _classes(batch)):
                documents.append(document)
                done += count
                record_progress(batch.pk, done)
        except BatchFailure:
            raise
        except Exception as error:
            raise BatchFailure("render", str(error)) from error
    establishment = publication.establishment
    return concatenate(
        documents,
        title=f"Bulletins {establishment.code} {publication.school_year.code} "
        f"P{publication.period} v{publication.version}",
    )


def _file_name(batch: ReportCardBatch) -> str:
    publication = batch.publication
    return (
        f"report-cards/{publication.establishment.code}-{publication.school_year.code}"
        f"-P{publication.period}-v{publication.version}-{batch.public_id}.pdf"
    )


def _store(batch: ReportCardBatch, pdf: bytes) -> None:
    storage = batch.file.storage
    try:
        name = storage.save(_file_name(batch), ContentFile(pdf))
    except Exception as error:
        raise BatchFailure("storage", str(error)) from error
    try:
        finished = ReportCardBatch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING).update(
            status=BatchStatus.DONE, file=name, finished_at=timezone.now(), error=""
        )
    except Exception:
        storage.delete(name)
        raise
    if not finished:  # closed meanwhile (given up as abandoned): keep nothing
        storage.delete(name)


def _fail(batch_id: int, code: str, detail: str = "") -> None:
    error = f"{code}: {detail}" if detail else code
    ReportCardBatch.objects.filter(pk=batch_id, status=BatchStatus.RUNNING).update(
        status=BatchStatus.FAILED, finished_at=timezone.now(), error=error[:300], file=""
    )


def batch_execute(*, batch_id: int) -> str:
    """Print a waiting batch (see the module docstring); answers its final status."""
    claimed = ReportCardBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, done=0
    )
    if not claimed:
        return "skipped"
    batch = ReportCardBatch.objects.select_related(
        "publication__establishment", "publication__school_year"
    ).get(pk=batch_id)
    try:
        _store(batch, _print(batch))
    except BatchFailure as failure:
        logger.warning("Report card printing %s failed: %s", batch_id, failure)
        _fail(batch_id, failure.code, failure.detail)
    except Exception as error:
        logger.exception("Report card printing %s failed", batch_id)
        _fail(batch_id, "error", type(error).__name__)
    return ReportCardBatch.objects.values_list("status", flat=True).get(pk=batch_id)
