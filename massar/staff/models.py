"""Staff: the file of teachers and administrative staff, the weekly service quotas, and the
teaching assignments of a year (each class × subject gets a teacher).

A staff member has one main establishment and may also serve others (satellite schools, or a
teacher shared between two collèges). Assignments belong to the establishment of the class.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from massar.core.choices import CycleCode
from massar.core.models import TimeStampedModel
from massar.curriculum.models import Subject
from massar.schooling.models import SchoolClass
from massar.territory.models import Establishment, SchoolYear

cin_validator = RegexValidator(
    r"^[A-Z]{1,2}[0-9]{1,7}$", _("A CIN is one or two capital letters followed by digits.")
)
payroll_validator = RegexValidator(r"^[0-9]{5,10}$", _("A payroll number (PPR) is 5 to 10 digits."))


class StaffKind(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    ADMINISTRATIVE = "administrative", _("Administrative staff")


class StaffStatus(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    ACADEMY_CONTRACT = "academy_contract", _("Academy contract teacher")
    TEMPORARY = "temporary", _("Temporary")


class StaffMember(TimeStampedModel):
    """A teacher or an administrative staff member, with their account when they have one."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
        verbose_name=_("account"),
    )
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=100)
    first_name_fr = models.CharField(_("first name (Latin)"), max_length=100)
    last_name_fr = models.CharField(_("last name (Latin)"), max_length=100)
    cin = models.CharField(_("CIN"), max_length=9, unique=True, validators=[cin_validator])
    payroll_number = models.CharField(
        _("payroll number (PPR)"), max_length=10, unique=True, validators=[payroll_validator]
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=StaffKind.choices, default=StaffKind.TEACHER
    )
    grade = models.CharField(_("grade"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=StaffStatus.choices)
    cycle = models.CharField(
        _("teaching cycle"),
        max_length=20,
        choices=CycleCode.choices,
        blank=True,
        help_text=_("The cycle whose weekly service quota applies."),
    )
    main_establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="staff_members",
        verbose_name=_("main establishment"),
    )
    other_establishments = models.ManyToManyField(
        Establishment,
        blank=True,
        related_name="visiting_staff",
        verbose_name=_("also serves"),
    )
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="+", verbose_name=_("subjects they can teach")
    )
    weekly_quota_override = models.DecimalField(
        _("weekly quota (hours), if not the cycle's"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("40"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(
        excluded_fields=["updated_at"], no_db_index=["user", "main_establishment"]
    )

    class Meta:
        ordering = ["last_name_fr", "first_name_fr"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_quota_override__isnull=True)
                | Q(weekly_quota_override__gte=0, weekly_quota_override__lte=40),
                name="staff_quota_override_range",
            ),
        ]
        indexes = [
            models.Index(fields=["main_establishment", "kind"], name="staff_school_kind_idx")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        from massar.core.i18n import pick

        return pick(
            ar=f"{self.first_name_ar} {self.last_name_ar}",
            fr=f"{self.first_name_fr} {self.last_name_fr}",
        )


class ServiceQuota(models.Model):
    """The weekly teaching hours owed by a teacher of a cycle, for a school year (data)."""

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="+", verbose_name=_("school year")
    )
    cycle = models.CharField(_("cycle"), max_length=20, choices=CycleCode.choices)
    weekly_hours = models.DecimalField(
        _("weekly hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("40"))],
    )

    class Meta:
        ordering = ["school_year", "cycle"]
        verbose_name = _("service quota")
        verbose_name_plural = _("service quotas")
        constraints = [
            models.UniqueConstraint(fields=["school_year", "cycle"], name="service_quota_unique"),
            models.CheckConstraint(
                condition=Q(weekly_hours__gte=1, weekly_hours__lte=40),
                name="service_quota_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} · {self.cycle} · {self.weekly_hours}"


class TeachingAssignment(TimeStampedModel):
    """Who teaches a subject to a class for the year, and for how many hours a week."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="teaching_assignments",
        verbose_name=_("establishment"),
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("class"),
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    teacher = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("teacher"),
    )
    weekly_hours = models.DecimalField(
        _("weekly hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("20"))],
    )
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=["establishment", "school_year", "subject", "teacher"],
    )

    class Meta:
        ordering = ["school_class", "subject"]
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject"], name="assignment_one_teacher_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gte=Decimal("0.5"), weekly_hours__lte=20),
                name="assignment_hours_range",
            ),
        ]
        indexes = [
            models.Index(fields=["school_year", "teacher"], name="assignment_year_teacher_idx"),
            models.Index(
                fields=["school_year", "establishment"], name="assignment_year_school_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id} · {self.subject_id} · {self.teacher_id}"
