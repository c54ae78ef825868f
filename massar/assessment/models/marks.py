"""Mark sheets: one per class × subject × semester, one row per pupil.

A row holds the pupil's tests 1–4 and the integrated-activities mark ("activités intégrées").
A test the pupil missed is ``absent`` (shown "غ"/"ABS"), distinct from a 0. ``version`` grows by
one on every write of the row: a save names the version it was edited from, and is refused when
someone saved the row meanwhile (optimistic concurrency). Every change is in the history.

A sheet is open until the director validates it; a validated sheet is locked, and a change
then goes through a ``ChangeRequest`` the director approves.
"""

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
from massar.students.models import Enrolment
from massar.territory.models import Establishment, SchoolYear

from .periods import Semester

#: The highest mark any scale allows; the level's rule (out of 20 or 10) narrows it.
MARK_CEILING = 20
TEST_NUMBERS = (1, 2, 3, 4)


class SheetStatus(models.TextChoices):
    OPEN = "open", _("Open for entry")
    VALIDATED = "validated", _("Validated and locked")


class MarkSheet(models.Model):
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
        SchoolClass, on_delete=models.PROTECT, related_name="mark_sheets", verbose_name=_("class")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    semester = models.PositiveSmallIntegerField(_("semester"), choices=Semester.choices)
    teacher = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("teacher"),
    )
    test_count = models.PositiveSmallIntegerField(
        _("number of tests"),
        default=2,
        help_text=_("Columns of tests on the sheet, within the level's rule."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.OPEN
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["updated_at"], no_db_index=["teacher", "validated_by", "establishment"]
    )

    class Meta:
        ordering = ["school_class", "subject", "semester"]
        verbose_name = _("mark sheet")
        verbose_name_plural = _("mark sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject", "semester"], name="mark_sheet_unique"
            ),
            models.CheckConstraint(
                condition=Q(test_count__gte=1, test_count__lte=4), name="mark_sheet_tests_range"
            ),
            models.CheckConstraint(
                condition=Q(semester__in=[1, 2]), name="mark_sheet_semester_range"
            ),
        ]
        indexes = [
            models.Index(
                fields=["establishment", "school_year", "semester"], name="mark_sheet_school_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id} · {self.subject_id} · S{self.semester}"

    @property
    def is_locked(self) -> bool:
        return self.status == SheetStatus.VALIDATED


def _mark_field(label):
    return models.DecimalField(label, max_digits=4, decimal_places=2, null=True, blank=True)


class MarkRow(models.Model):
    sheet = models.ForeignKey(
        MarkSheet, on_delete=models.CASCADE, related_name="rows", verbose_name=_("mark sheet")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="mark_rows", verbose_name=_("pupil")
    )
    test_1 = _mark_field(_("test 1"))
    test_2 = _mark_field(_("test 2"))
    test_3 = _mark_field(_("test 3"))
    test_4 = _mark_field(_("test 4"))
    absent_1 = models.BooleanField(_("absent from test 1"), default=False)
    absent_2 = models.BooleanField(_("absent from test 2"), default=False)
    absent_3 = models.BooleanField(_("absent from test 3"), default=False)
    absent_4 = models.BooleanField(_("absent from test 4"), default=False)
    activities = _mark_field(_("integrated activities"))
    activities_absent = models.BooleanField(_("absent from activities"), default=False)
    appreciation = models.CharField(_("teacher's appreciation"), max_length=120, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    history = HistoricalRecords(no_db_index=["updated_by", "enrolment"])

    class Meta:
        ordering = ["sheet", "enrolment"]
        verbose_name = _("pupil's marks")
        verbose_name_plural = _("pupils' marks")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "enrolment"], name="mark_row_unique"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": 0, f"{name}__lte": MARK_CEILING}),
                    name=f"mark_row_{name}_range",
                )
                for name in ("test_1", "test_2", "test_3", "test_4", "activities")
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{absent: False}) | Q(**{f"{value}__isnull": True}),
                    name=f"mark_row_{absent}_has_no_mark",
                )
                for value, absent in (
                    ("test_1", "absent_1"),
                    ("test_2", "absent_2"),
                    ("test_3", "absent_3"),
                    ("test_4", "absent_4"),
                    ("activities", "activities_absent"),
                )
            ],
        ]
        indexes = [models.Index(fields=["enrolment"], name="mark_row_enrolment_idx")]

    def __str__(self) -> str:
        return f"{self.sheet_id} · {self.enrolment_id}"


class MarkField(models.TextChoices):
    """A cell of a row that a change request may correct."""

    TEST_1 = "test_1", _("Test 1")
    TEST_2 = "test_2", _("Test 2")
    TEST_3 = "test_3", _("Test 3")
    TEST_4 = "test_4", _("Test 4")
    ACTIVITIES = "activities", _("Integrated activities")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the director")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ChangeRequest(models.Model):
    """A correction of one mark of a locked sheet, applied only when the director approves it."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("establishment"),
        db_index=False,
    )
    row = models.ForeignKey(
        MarkRow, on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("row")
    )
    field = models.CharField(_("mark"), max_length=12, choices=MarkField.choices)
    old_value = _mark_field(_("mark before"))
    old_absent = models.BooleanField(_("absent before"), default=False)
    new_value = _mark_field(_("corrected mark"))
    new_absent = models.BooleanField(_("absent"), default=False)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("mark change request")
        verbose_name_plural = _("mark change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["row", "field"],
                condition=Q(status="pending"),
                name="change_request_one_pending_per_mark",
            ),
            models.CheckConstraint(
                condition=Q(new_absent=False) | Q(new_value__isnull=True),
                name="change_request_absent_has_no_mark",
            ),
        ]
        indexes = [
            models.Index(fields=["establishment", "status"], name="change_request_school_idx")
        ]

    def __str__(self) -> str:
        return f"{self.row_id} · {self.field} · {self.status}"
