"""Printing a publication's report cards as one PDF in the background: progress per class, the
file, a failure that leaves nothing half-written, and a task that is harmless to run twice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from massar.assessment.models import BatchStatus, PublishedReport, ReportCardBatch
from massar.assessment.reportcards import batch as batch_module
from massar.assessment.reportcards.batch import batch_execute
from massar.assessment.services_publication import report_cards_print
from massar.core.errors import PermissionDenied
from massar.curriculum.models import Stream
from massar.schooling.models import ClassPlacement
from massar.schooling.tests.factories import SchoolClassFactory, enrol_pupils

from .builders import class_world
from .test_publication import publish, semester_sheets

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def publication(cast):
    """Semester 1 of school_a1 published: TCS-1 (4 pupils) and TCS-2 (3 pupils)."""
    world = class_world(cast, pupils=4)
    semester_sheets(world, 1)
    second = SchoolClassFactory(
        establishment=cast.school_a1, stream=Stream.objects.get(code="TCS"), number=2, name="TCS-2"
    )
    pupils = enrol_pupils(cast.school_a1, "TC", 3, stream_code="TCS")
    ClassPlacement.objects.bulk_create(
        [ClassPlacement(enrolment=e, school_class=second) for e in pupils]
    )
    return publish(cast, world, 1)


def files_in(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def test_the_director_prints_every_card_as_one_file_with_progress_per_class(
    cast, publication, media, monkeypatch, django_capture_on_commit_callbacks
):
    progress = []
    real = batch_module.record_progress

    def spy(batch_id, done):
        progress.append((done, ReportCardBatch.objects.get(pk=batch_id).status))
        real(batch_id, done)

    monkeypatch.setattr(batch_module, "record_progress", spy)
    with django_capture_on_commit_callbacks(execute=True):
        batch = report_cards_print(actor=cast.director_a1, publication=publication)

    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.error) == (BatchStatus.DONE, 7, 7, "")
    assert progress == [(4, BatchStatus.RUNNING), (7, BatchStatus.RUNNING)]
    assert batch.finished_at is not None
    pdf = batch.file.read()
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    assert b"Pages:           7" in info
    text = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    codes = list(
        PublishedReport.objects.filter(publication=publication)
        .order_by("pk")
        .values_list("student__code_massar", flat=True)
    )
    positions = [text.index(code) for code in codes]
    assert positions == sorted(positions)  # class by class, in the published order
    assert [path.name for path in files_in(media)] == [Path(batch.file.name).name]


def test_a_failure_says_why_and_leaves_no_file(
    cast, publication, media, monkeypatch, django_capture_on_commit_callbacks
):
    real = batch_module.report_cards_pdf
    calls = []

    def second_class_fails(contents, *, publication):
        calls.append(len(contents))
        if len(calls) == 2:
            raise RuntimeError("layout exploded")
        return real(contents, publication=publication)

    monkeypatch.setattr(batch_module, "report_cards_pdf", second_class_fails)
    monkeypatch.setattr(batch_module, "PRINT_WORKERS", 1)
    with django_capture_on_commit_callbacks(execute=True):
        batch = report_cards_print(actor=cast.director_a1, publication=publication)

    batch.refresh_from_db()
    assert (batch.status, batch.error, batch.file.name) == (
        BatchStatus.FAILED,
        "render: layout exploded",
        "",
    )
    assert batch.done == 4  # the first class was printed before the failure
    assert batch.finished_at is not None
    assert files_in(media) == []


def test_a_storage_failure_leaves_no_file(
    cast, publication, media, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.files.storage import FileSystemStorage

    def refuse(self, name, content, max_length=None):
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "save", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        batch = report_cards_print(actor=cast.director_a1, publication=publication)
    batch.refresh_from_db()
    assert (batch.status, batch.error, batch.file.name) == (
        BatchStatus.FAILED,
        "storage: disk full",
        "",
    )
    assert files_in(media) == []


def test_running_the_task_again_changes_nothing(
    cast, publication, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = report_cards_print(actor=cast.director_a1, publication=publication)
    batch.refresh_from_db()
    name = batch.file.name

    assert batch_execute(batch_id=batch.pk) == "skipped"
    batch.refresh_from_db()
    assert (batch.status, batch.file.name) == (BatchStatus.DONE, name)


def test_asking_twice_while_it_waits_answers_the_same_printing(
    cast, publication, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = report_cards_print(actor=cast.director_a1, publication=publication)
        second = report_cards_print(actor=cast.director_a1, publication=publication)
    assert first.pk == second.pk
    assert (first.status, first.total) == (BatchStatus.QUEUED, 7)
    assert ReportCardBatch.objects.count() == 1


@pytest.mark.parametrize("who", ["director_a2", "staff_a1", "national_admin", "outsider"])
def test_only_the_director_prints(cast, publication, who):
    with pytest.raises(PermissionDenied):
        report_cards_print(actor=getattr(cast, who), publication=publication)
    assert not ReportCardBatch.objects.exists()
