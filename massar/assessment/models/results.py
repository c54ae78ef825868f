"""Computed results: a pupil's mark per subject and period, their average and rank per period,
and each class's statistics per subject. Written set-based by ``computation`` (one statement per
table for a class, a school or the country) and never edited by hand.

``period`` is a semester (1, 2) or the year (3): the year's subject mark and average are the
mean of the two semesters'.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from massar.curriculum.models import Subject
from massar.schooling.models import SchoolClass
from massar.students.models import Enrolment
from massar.territory.models import Establishment, SchoolYear

from .periods import Period


def _result_field(label, digits=5):
    return models.DecimalField(label, max_digits=digits, decimal_places=2, null=True, blank=True)


class SubjectResult(models.Model):
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="subject_results", db_index=False
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveSmallIntegerField(_("period"), choices=Period.choices)
    mark = _result_field(_("subject mark"))
    coefficient = models.DecimalField(_("coefficient"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("subject result")
        verbose_name_plural = _("subject results")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "subject", "period"], name="subject_result_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["school_class", "period"], name="subject_result_class_idx"),
            models.Index(
                fields=["establishment", "school_year", "period"],
                name="subject_result_school_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.subject_id} · {self.period}"


class PeriodResult(models.Model):
    """A pupil's general average and rank in the class for a semester or the year."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="period_results", db_index=False
    )
    period = models.PositiveSmallIntegerField(_("period"), choices=Period.choices)
    average = _result_field(_("average"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    ranked_pupils = models.PositiveIntegerField(_("pupils ranked"), default=0)

    class Meta:
        verbose_name = _("average and rank")
        verbose_name_plural = _("averages and ranks")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "period"], name="period_result_unique"),
            models.CheckConstraint(
                condition=Q(period__in=[1, 2, 3]), name="period_result_period_range"
            ),
        ]
        indexes = [
            models.Index(fields=["school_class", "period"], name="period_result_class_idx"),
            models.Index(
                fields=["establishment", "school_year", "period"],
                name="period_result_school_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.period}"


class SubjectStatistics(models.Model):
    """The highest, mean and lowest subject mark of a class (shown on every report card)."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveSmallIntegerField(_("period"), choices=Period.choices)
    maximum = _result_field(_("highest"))
    mean = _result_field(_("mean"))
    minimum = _result_field(_("lowest"))
    pupils = models.PositiveIntegerField(_("pupils marked"), default=0)

    class Meta:
        verbose_name = _("class statistics")
        verbose_name_plural = _("class statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject", "period"], name="subject_statistics_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["establishment", "period"], name="subject_stats_school_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id} · {self.subject_id} · {self.period}"
