"""Orientation at the end of 3AC, TC and 1BAC: the pupil's (or parent's) ordered wishes per
phase, and the places each stream offers at an establishment for the next year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from massar.curriculum.models import Stream
from massar.students.models import Enrolment
from massar.territory.models import Establishment, SchoolYear

from .windows import OrientationPhase


class OrientationWish(models.Model):
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="orientation_wishes",
        verbose_name=_("pupil"),
    )
    phase = models.PositiveSmallIntegerField(_("phase"), choices=OrientationPhase.choices)
    rank = models.PositiveSmallIntegerField(_("order of preference"))
    stream = models.ForeignKey(
        Stream, on_delete=models.PROTECT, related_name="+", verbose_name=_("stream wished")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    history = HistoricalRecords(no_db_index=["entered_by", "stream"])

    class Meta:
        ordering = ["enrolment", "phase", "rank"]
        verbose_name = _("orientation wish")
        verbose_name_plural = _("orientation wishes")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "phase", "rank"], name="orientation_wish_rank_unique"
            ),
            models.UniqueConstraint(
                fields=["enrolment", "phase", "stream"], name="orientation_wish_stream_unique"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=10), name="orientation_wish_rank_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.phase} · {self.rank} · {self.stream_id}"


class StreamCapacity(models.Model):
    """Places a stream offers next year to the pupils an establishment orients this year."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="+", verbose_name=_("establishment")
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("school year of the orientation"),
    )
    stream = models.ForeignKey(
        Stream, on_delete=models.PROTECT, related_name="+", verbose_name=_("stream")
    )
    places = models.PositiveIntegerField(_("places"))
    history = HistoricalRecords(no_db_index=["stream"])

    class Meta:
        ordering = ["establishment", "school_year", "stream"]
        verbose_name = _("stream capacity")
        verbose_name_plural = _("stream capacities")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "school_year", "stream"], name="stream_capacity_unique"
            ),
            models.CheckConstraint(condition=Q(places__lte=5000), name="stream_capacity_range"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} · {self.stream_id} · {self.places}"
