"""Class councils: at the end of each semester (appreciations) and of the year (decisions and
orientation). Decisions are proposed by the rules, edited by the council with a reason, then
validated and locked; the year's decisions are then written to the pupils' enrolments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from massar.curriculum.models import Stream
from massar.schooling.models import SchoolClass
from massar.students.models import Enrolment, YearDecision
from massar.territory.models import Establishment, SchoolYear

from .periods import Period


class CouncilStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    VALIDATED = "validated", _("Validated and locked")


class CouncilAppreciation(models.TextChoices):
    NONE = "", _("No mention")
    CONGRATULATIONS = "congratulations", _("Congratulations")
    HONOUR_ROLL = "honour_roll", _("Honour roll")
    ENCOURAGEMENT = "encouragement", _("Encouragement")
    WARNING = "warning", _("Warning")
    REPRIMAND = "reprimand", _("Reprimand")


class ClassCouncil(models.Model):
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
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="councils", verbose_name=_("class")
    )
    period = models.PositiveSmallIntegerField(_("period"), choices=Period.choices)
    held_on = models.DateField(_("held on"))
    members = models.TextField(
        _("members present"), blank=True, help_text=_("One name and role per line.")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CouncilStatus.choices, default=CouncilStatus.DRAFT
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    history = HistoricalRecords(no_db_index=["validated_by", "establishment"])

    class Meta:
        ordering = ["school_class", "period"]
        verbose_name = _("class council")
        verbose_name_plural = _("class councils")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "period"], name="class_council_unique"),
        ]
        indexes = [
            models.Index(
                fields=["establishment", "school_year", "period"], name="council_school_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id} · {self.period}"

    @property
    def is_locked(self) -> bool:
        return self.status == CouncilStatus.VALIDATED


class CouncilDecision(models.Model):
    """What the council decides for one pupil. ``proposed`` is the rules' proposal (year
    councils); ``decision`` differs from it only with a ``reason``."""

    council = models.ForeignKey(
        ClassCouncil, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("council")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="+", verbose_name=_("pupil")
    )
    average = models.DecimalField(
        _("average"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    proposed = models.CharField(
        _("proposed decision"), max_length=10, choices=YearDecision.choices, blank=True
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=YearDecision.choices, blank=True
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    appreciation = models.CharField(
        _("council's mention"),
        max_length=16,
        choices=CouncilAppreciation.choices,
        blank=True,
        default=CouncilAppreciation.NONE,
    )
    remark = models.CharField(_("council's appreciation"), max_length=200, blank=True)
    next_stream = models.ForeignKey(
        Stream,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stream next year"),
    )
    history = HistoricalRecords(no_db_index=["enrolment", "next_stream"])

    class Meta:
        ordering = ["council", "enrolment"]
        verbose_name = _("council decision")
        verbose_name_plural = _("council decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "enrolment"], name="council_decision_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council_id} · {self.enrolment_id} · {self.decision}"
