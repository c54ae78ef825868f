"""When marks may be entered and when orientation wishes may be given (data per year)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from massar.curriculum.models import Level
from massar.territory.models import Establishment, SchoolYear

from .periods import Semester


class EntryWindow(models.Model):
    """The days marks of a semester may be entered.

    A window without establishment is the national one; an establishment's own window (set by
    its director within the national rules) overrides it for that school.
    """

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    semester = models.PositiveSmallIntegerField(_("semester"), choices=Semester.choices)
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("establishment"),
        help_text=_("Leave empty for the national window."),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["school_year", "semester"]
        verbose_name = _("mark entry window")
        verbose_name_plural = _("mark entry windows")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "semester"],
                condition=Q(establishment__isnull=True),
                name="entry_window_national_unique",
            ),
            models.UniqueConstraint(
                fields=["school_year", "semester", "establishment"],
                condition=Q(establishment__isnull=False),
                name="entry_window_school_unique",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="entry_window_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(semester__in=[1, 2]), name="entry_window_semester_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} · S{self.semester}"


class OrientationPhase(models.IntegerChoices):
    FIRST = 1, _("First wishes")
    FINAL = 2, _("Final wishes")


class OrientationWindow(models.Model):
    """When pupils of a level (3AC, TC, 1BAC) and their parents give orientation wishes."""

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    phase = models.PositiveSmallIntegerField(_("phase"), choices=OrientationPhase.choices)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    max_wishes = models.PositiveSmallIntegerField(_("wishes a pupil may give"), default=3)
    history = HistoricalRecords()

    class Meta:
        ordering = ["school_year", "level__order", "phase"]
        verbose_name = _("orientation window")
        verbose_name_plural = _("orientation windows")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "level", "phase"], name="orientation_window_unique"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="orientation_window_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_wishes__gte=1, max_wishes__lte=10),
                name="orientation_window_wishes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} · {self.level.code} · {self.phase}"
