"""The test calendar: each test ("contrôle", فرض) a teacher schedules for a class and subject."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from massar.curriculum.models import Subject
from massar.schooling.models import SchoolClass
from massar.staff.models import StaffMember
from massar.territory.models import Establishment, SchoolYear

from .periods import Semester


class TestKind(models.TextChoices):
    TEST = "test", _("Test")
    UNIFIED = "unified", _("Unified test")


class Test(models.Model):
    """Test number ``number`` of a class in a subject and semester, on a given day.

    Its number is the column of the mark sheet it fills.
    """

    __test__ = False  # not a pytest test class

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
        SchoolClass, on_delete=models.PROTECT, related_name="tests", verbose_name=_("class")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    semester = models.PositiveSmallIntegerField(_("semester"), choices=Semester.choices)
    number = models.PositiveSmallIntegerField(_("test number"))
    kind = models.CharField(
        _("kind"), max_length=8, choices=TestKind.choices, default=TestKind.TEST
    )
    scheduled_on = models.DateField(_("date"))
    teacher = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("teacher"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(no_db_index=["created_by", "teacher", "establishment"])

    class Meta:
        ordering = ["scheduled_on", "school_class", "subject"]
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject", "semester", "number"],
                name="test_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=4), name="test_number_range"
            ),
            models.CheckConstraint(condition=Q(semester__in=[1, 2]), name="test_semester_range"),
        ]
        indexes = [
            models.Index(fields=["establishment", "scheduled_on"], name="test_school_day_idx"),
            models.Index(fields=["school_class", "scheduled_on"], name="test_class_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id} · {self.subject_id} · S{self.semester} #{self.number}"
