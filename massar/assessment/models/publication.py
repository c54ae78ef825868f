"""Published results: when the director publishes a period, every pupil's report card is frozen
into a ``PublishedReport`` of that ``Publication``. Pupils, parents and the API read only these
snapshots, never the live marks. A correction publishes a new version; earlier versions stay,
no longer current, as the history."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from massar.schooling.models import SchoolClass
from massar.students.models import Enrolment, Student
from massar.territory.models import Establishment, SchoolYear

from .periods import Period


class Publication(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("establishment"),
        db_index=False,
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    period = models.PositiveSmallIntegerField(_("period"), choices=Period.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    pupils = models.PositiveIntegerField(_("report cards"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["establishment", "school_year", "period", "-version"]
        verbose_name = _("publication of results")
        verbose_name_plural = _("publications of results")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "school_year", "period", "version"],
                name="publication_version_unique",
            ),
            models.UniqueConstraint(
                fields=["establishment", "school_year", "period"],
                condition=Q(is_current=True),
                name="publication_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} · {self.school_year_id} · {self.period} v{self.version}"


class PublishedReport(models.Model):
    """One pupil's report card as published: ``content`` holds everything the card shows
    (see ``assessment.reportcards.content`` for its shape), so reading it needs no computation."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="reports", verbose_name=_("publication")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="published_reports", db_index=False
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    average = models.DecimalField(
        _("average"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, blank=True)
    content = models.JSONField(_("content"), encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("published report card")
        verbose_name_plural = _("published report cards")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "enrolment"], name="published_report_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["student", "publication"], name="published_report_student_idx"),
            models.Index(fields=["publication", "school_class"], name="published_report_class_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} · {self.enrolment_id}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Printing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportCardBatch(models.Model):
    """The report cards of a whole establishment for a period, printed as one PDF by a
    background task that reports its progress."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="+", verbose_name=_("establishment")
    )
    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="batches",
        verbose_name=_("publication"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("report cards"), default=0)
    done = models.PositiveIntegerField(_("printed"), default=0)
    file = models.FileField(_("file"), upload_to="report-cards/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report card printing")
        verbose_name_plural = _("report card printings")

    def __str__(self) -> str:
        return f"{self.publication_id} · {self.status}"
