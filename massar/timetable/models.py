"""Timetables: an establishment's weekly grid, the sessions placed on it, teachers'
unavailabilities and preferences, how each subject is timetabled, and runs of the generator.

A session is one lesson a week of a teaching assignment (class × subject × teacher), in a room,
on a weekday, from a period for ``length`` consecutive periods. ``school_class`` and ``teacher``
are copied from the assignment (by the services) so that clashes are found with an index.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from massar.curriculum.models import Subject
from massar.schooling.models import Room, RoomType, SchoolClass
from massar.staff.models import StaffMember, TeachingAssignment
from massar.territory.models import Establishment, SchoolYear


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class HalfDay(models.TextChoices):
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


class WeeklyGrid(models.Model):
    """The teaching week of an establishment for a year: its days, periods and free half-days."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="+", verbose_name=_("establishment")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    weekdays = models.CharField(
        _("teaching days"),
        max_length=7,
        default="123456",
        validators=[RegexValidator(r"^[1-7]{1,7}$", _("Days are numbers from 1 (Monday) to 7."))],
        help_text=_("Day numbers, 1 = Monday … 6 = Saturday."),
    )
    class_max_periods_per_day = models.PositiveSmallIntegerField(
        _("maximum periods a day for a class"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("weekly grid")
        verbose_name_plural = _("weekly grids")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "school_year"], name="grid_one_per_school_year"
            ),
            models.CheckConstraint(
                condition=Q(class_max_periods_per_day__gte=1, class_max_periods_per_day__lte=12),
                name="grid_class_max_periods_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} · {self.school_year_id}"

    @property
    def days(self) -> list[int]:
        return sorted({int(day) for day in self.weekdays})


class Period(models.Model):
    """A teaching period of the grid (usually one hour), numbered from 1 in the day."""

    grid = models.ForeignKey(
        WeeklyGrid, on_delete=models.CASCADE, related_name="periods", verbose_name=_("grid")
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    half = models.CharField(_("half-day"), max_length=2, choices=HalfDay.choices)

    class Meta:
        ordering = ["grid", "number"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(fields=["grid", "number"], name="period_number_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="period_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.starts_at:%H:%M}–{self.ends_at:%H:%M})"


class FreeHalfDay(models.Model):
    """A half-day without lessons for the whole establishment (e.g. Saturday afternoon)."""

    grid = models.ForeignKey(
        WeeklyGrid, on_delete=models.CASCADE, related_name="free_half_days", verbose_name=_("grid")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    half = models.CharField(_("half-day"), max_length=2, choices=HalfDay.choices)

    class Meta:
        ordering = ["grid", "weekday", "half"]
        verbose_name = _("free half-day")
        verbose_name_plural = _("free half-days")
        constraints = [
            models.UniqueConstraint(fields=["grid", "weekday", "half"], name="free_half_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} · {self.get_half_display()}"


class SubjectTimetableRule(models.Model):
    """How a subject is timetabled (national data): the room type it needs, whether it is a
    demanding subject best taught early in the day, and its longest block of periods.

    A subject without a rule is taught in classrooms, in blocks of up to two periods.
    """

    subject = models.OneToOneField(
        Subject, on_delete=models.CASCADE, related_name="+", verbose_name=_("subject")
    )
    room_type = models.CharField(
        _("room type"), max_length=16, choices=RoomType.choices, default=RoomType.CLASSROOM
    )
    is_heavy = models.BooleanField(
        _("demanding subject"),
        default=False,
        help_text=_("Best not taught in the last periods of the day."),
    )
    max_block = models.PositiveSmallIntegerField(
        _("longest block (periods)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )

    class Meta:
        verbose_name = _("timetabling rule of a subject")
        verbose_name_plural = _("timetabling rules of subjects")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_block__gte=1, max_block__lte=4), name="subject_rule_block_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} → {self.room_type}"


class AvailabilityKind(models.TextChoices):
    UNAVAILABLE = "unavailable", _("Unavailable")
    AVOID = "avoid", _("Would rather not")


class TeacherAvailability(models.Model):
    """A period of the week a teacher cannot teach (hard) or would rather not (a preference)."""

    teacher = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="availabilities",
        verbose_name=_("teacher"),
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="+", verbose_name=_("school year")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    period = models.PositiveSmallIntegerField(
        _("period"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=AvailabilityKind.choices,
        default=AvailabilityKind.UNAVAILABLE,
    )

    class Meta:
        ordering = ["teacher", "weekday", "period"]
        verbose_name = _("teacher availability")
        verbose_name_plural = _("teacher availabilities")
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "school_year", "weekday", "period"],
                name="availability_unique_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} · {self.weekday}/{self.period} · {self.kind}"


class Session(models.Model):
    """One weekly lesson: an assignment taught in a room at a weekday and period."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="+", verbose_name=_("establishment")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    assignment = models.ForeignKey(
        TeachingAssignment,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("teaching assignment"),
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="+", verbose_name=_("class")
    )
    teacher = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("teacher")
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room"),
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    period = models.PositiveSmallIntegerField(
        _("first period"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    length = models.PositiveSmallIntegerField(
        _("periods"), default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    is_locked = models.BooleanField(
        _("locked"), default=False, help_text=_("The generator keeps a locked session in place.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=["establishment", "school_year", "assignment", "school_class", "teacher"],
    )

    class Meta:
        ordering = ["weekday", "period"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="session_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(period__gte=1, period__lte=12, length__gte=1, length__lte=4),
                name="session_period_range",
            ),
        ]
        indexes = [
            models.Index(fields=["school_year", "teacher", "weekday"], name="session_teacher_idx"),
            models.Index(fields=["school_class", "weekday"], name="session_class_idx"),
            models.Index(fields=["room", "weekday"], name="session_room_idx"),
            models.Index(fields=["establishment", "school_year"], name="session_school_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id} · {self.weekday}/{self.period}+{self.length}"

    @property
    def periods(self) -> range:
        return range(self.period, self.period + self.length)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Timetable found")
    INFEASIBLE = "infeasible", _("No timetable exists")
    FAILED = "failed", _("Failed")


class RunMode(models.TextChoices):
    FULL = "full", _("Generate the whole timetable")
    REPAIR = "repair", _("Repair: move as few sessions as possible")


class GeneratorRun(models.Model):
    """One run of the automatic generator, in the background, with its progress and outcome."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="+", verbose_name=_("establishment")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    mode = models.CharField(_("mode"), max_length=8, choices=RunMode.choices, default=RunMode.FULL)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    time_limit_seconds = models.PositiveSmallIntegerField(
        _("time limit (seconds)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(900)],
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    best_bound = models.FloatField(_("best bound"), null=True, blank=True)
    sessions_placed = models.PositiveIntegerField(_("sessions placed"), default=0)
    sessions_moved = models.PositiveIntegerField(_("sessions moved"), default=0)
    explanation = models.JSONField(
        _("why no timetable exists"),
        default=list,
        blank=True,
        help_text=_("The constraints that cannot be met together, when there is no timetable."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("generator run")
        verbose_name_plural = _("generator runs")
        indexes = [
            models.Index(
                fields=["establishment", "school_year", "-created_at"], name="run_school_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} · {self.status} · {self.created_at}"
