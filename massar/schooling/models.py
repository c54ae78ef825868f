"""School organisation: buildings and rooms, classes (divisions) of a year, pupils placed in
classes, and the figures of the school map (class-size norms, expected new entrants).

Every row belongs to an establishment (``establishment_id``), and the yearly rows to a school
year, so that every read can start from the actor's scope.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from massar.core.choices import CycleCode
from massar.core.models import TimeStampedModel
from massar.curriculum.models import Level, Stream
from massar.students.models import Enrolment
from massar.territory.models import Establishment, SchoolYear


class Building(TimeStampedModel):
    """A building of an establishment (block A, the annex…)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="buildings",
        verbose_name=_("establishment"),
    )
    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["establishment", "code"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "code"], name="building_code_unique_per_school"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.code


class RoomType(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    SCIENCE_LAB = "science_lab", _("Science laboratory")
    COMPUTER_ROOM = "computer_room", _("Computer room")
    WORKSHOP = "workshop", _("Workshop")
    SPORTS_GROUND = "sports_ground", _("Sports ground")
    LIBRARY = "library", _("Library")


class Room(TimeStampedModel):
    """A room where classes are taught: its type, capacity and step-free access."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="rooms",
        verbose_name=_("establishment"),
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rooms",
        verbose_name=_("building"),
    )
    code = models.CharField(_("code"), max_length=12, help_text=_("e.g. S12, LAB2, TERRAIN."))
    name = models.CharField(_("name"), max_length=100, blank=True)
    room_type = models.CharField(
        _("type"), max_length=16, choices=RoomType.choices, default=RoomType.CLASSROOM
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    is_accessible = models.BooleanField(_("step-free access"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["establishment", "code"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "code"], name="room_code_unique_per_school"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=500), name="room_capacity_range"
            ),
        ]

    def __str__(self) -> str:
        return self.code if not self.name else f"{self.code} · {self.name}"


class LanguageOption(models.TextChoices):
    """The teaching language of scientific subjects (the "international options")."""

    NONE = "", _("Arabic (standard)")
    FRENCH = "fr", _("International option: French")
    ENGLISH = "en", _("International option: English")
    SPANISH = "es", _("International option: Spanish")


class SchoolClass(TimeStampedModel):
    """A class (division) of a school year: pupils of a level and stream taught together.

    ``name`` follows the usual convention (``1APIC-1``, ``TCS-2``, ``2BAC PC-1``). A multi-grade
    class of a rural primary school holds pupils of several levels: its ``level`` is the lowest
    and ``other_levels`` lists the rest.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="classes",
        verbose_name=_("establishment"),
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    stream = models.ForeignKey(
        Stream, on_delete=models.PROTECT, related_name="+", verbose_name=_("stream")
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    name = models.CharField(_("name"), max_length=30)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    language_option = models.CharField(
        _("language option"),
        max_length=2,
        choices=LanguageOption.choices,
        default=LanguageOption.NONE,
        blank=True,
    )
    other_levels = models.ManyToManyField(
        Level,
        blank=True,
        related_name="+",
        verbose_name=_("other levels (multi-grade class)"),
    )
    home_room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="home_classes",
        verbose_name=_("home room"),
    )

    class Meta:
        ordering = ["school_year", "establishment", "level__order", "stream__code", "number"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "school_year", "name"], name="class_name_unique_per_year"
            ),
            models.UniqueConstraint(
                fields=["establishment", "school_year", "stream", "language_option", "number"],
                name="class_number_unique_per_stream",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=80), name="class_capacity_range"
            ),
        ]
        indexes = [
            models.Index(fields=["school_year", "establishment"], name="class_year_school_idx")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_multigrade(self) -> bool:
        return self.other_levels.exists()


class ClassPlacement(models.Model):
    """The class of a pupil's enrolment. Moves between classes are kept in the history."""

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="placement",
        verbose_name=_("enrolment"),
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("class"),
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placed by"),
    )
    history = HistoricalRecords(no_db_index=["placed_by"])

    class Meta:
        verbose_name = _("class placement")
        verbose_name_plural = _("class placements")
        indexes = [models.Index(fields=["school_class"], name="placement_class_idx")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} → {self.school_class_id}"


class ClassSizeNorm(models.Model):
    """The year's maximum class size per cycle, used by the school map (data, not code)."""

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="+", verbose_name=_("school year")
    )
    cycle = models.CharField(_("cycle"), max_length=20, choices=CycleCode.choices)
    max_pupils = models.PositiveSmallIntegerField(
        _("maximum pupils per class"), validators=[MinValueValidator(1), MaxValueValidator(80)]
    )

    class Meta:
        ordering = ["school_year", "cycle"]
        verbose_name = _("class-size norm")
        verbose_name_plural = _("class-size norms")
        constraints = [
            models.UniqueConstraint(fields=["school_year", "cycle"], name="class_size_norm_unique"),
            models.CheckConstraint(
                condition=Q(max_pupils__gte=1, max_pupils__lte=80),
                name="class_size_norm_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} · {self.cycle} · {self.max_pupils}"


class ExpectedIntake(models.Model):
    """New pupils an establishment expects at a level next year (school-map planning)."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="+", verbose_name=_("establishment")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="+", verbose_name=_("school year")
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    new_pupils = models.PositiveIntegerField(
        _("expected new pupils"), validators=[MaxValueValidator(5000)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expected intake")
        verbose_name_plural = _("expected intakes")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "school_year", "level"], name="expected_intake_unique"
            ),
            models.CheckConstraint(condition=Q(new_pupils__lte=5000), name="expected_intake_range"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} · {self.school_year_id} · {self.level_id}"
