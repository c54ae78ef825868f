"""What is taught and how it is assessed, as data per school year.

Cycles → levels → streams (every level has at least one stream; levels without specialisation
have a single "general" stream) → subject allocations (weekly hours and coefficient per
year × stream × subject). Assessment rules are kept per year × level, exam rules and mention bands
per year. Nothing here is a constant in code: a national administrator edits it, and every edit of
a rule is kept in the history.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from massar.core.choices import CycleCode
from massar.core.models import BilingualNameModel
from massar.territory.models import SchoolYear


class Cycle(BilingualNameModel):
    code = models.CharField(_("code"), max_length=20, choices=CycleCode.choices, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")


class Level(BilingualNameModel):
    """A year of schooling, e.g. 1AP, 3AC, TC, 2BAC. ``order`` runs across cycles."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="levels", verbose_name=_("cycle")
    )
    order = models.PositiveSmallIntegerField(_("order"), unique=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")


class Stream(BilingualNameModel):
    """A stream (filière / شعبة) of a level; ``abbreviation`` names classes, e.g. "PC"."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="streams", verbose_name=_("level")
    )
    abbreviation = models.CharField(_("abbreviation"), max_length=12)
    is_general = models.BooleanField(
        _("general stream"),
        default=False,
        help_text=_("The only stream of a level without specialisation."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["level__order", "code"]
        verbose_name = _("stream")
        verbose_name_plural = _("streams")


class Subject(BilingualNameModel):
    code = models.CharField(_("code"), max_length=16, unique=True)
    is_conduct = models.BooleanField(
        _("conduct pseudo-subject"),
        default=False,
        help_text=_("Attendance and behaviour (assiduité et conduite), marked like a subject."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")


class SubjectAllocation(models.Model):
    """Weekly hours and coefficient of a subject, for one stream, in one school year."""

    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="subject_allocations",
        verbose_name=_("school year"),
    )
    stream = models.ForeignKey(
        Stream, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("stream")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("subject")
    )
    weekly_hours = models.DecimalField(
        _("weekly hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("40"))],
    )
    coefficient = models.DecimalField(
        _("coefficient"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["school_year", "stream", "subject"]
        verbose_name = _("subject allocation")
        verbose_name_plural = _("subject allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "stream", "subject"], name="allocation_unique"
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gte=0, weekly_hours__lte=40),
                name="allocation_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(coefficient__gte=0, coefficient__lte=20),
                name="allocation_coefficient_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} · {self.stream.code} · {self.subject.code}"


class RoundingMode(models.TextChoices):
    HALF_UP = "half_up", _("Round half up")
    HALF_EVEN = "half_even", _("Round half to even")
    DOWN = "down", _("Truncate")


class AbsencePolicy(models.TextChoices):
    """How a test the pupil missed ("absent", distinct from 0) counts in the subject mark."""

    EXCLUDE = "exclude", _("Left out of the mean of tests")
    ZERO = "zero", _("Counted as 0")


class AssessmentRule(models.Model):
    """How pupils of one level are assessed in one school year.

    A rule without ``stream`` applies to every stream of the level; a rule with a stream
    overrides it for that stream (e.g. a stream that is marked with more tests).
    """

    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="assessment_rules",
        verbose_name=_("school year"),
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="assessment_rules", verbose_name=_("level")
    )
    stream = models.ForeignKey(
        Stream,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_rules",
        verbose_name=_("stream"),
        help_text=_("Leave empty for every stream of the level."),
    )
    scale = models.PositiveSmallIntegerField(_("marks out of"), default=20)
    tests_per_semester = models.PositiveSmallIntegerField(_("tests per semester"), default=2)
    max_tests_per_semester = models.PositiveSmallIntegerField(
        _("maximum tests per semester"), default=4
    )
    activities_weight = models.DecimalField(
        _("weight of integrated activities"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.25"),
        help_text=_("Subject mark = (1 − weight) × mean of tests + weight × activities."),
    )
    # Results are stored with two decimals (marks on the report card are shown so): a rule may
    # round to fewer, never to more.
    decimals = models.PositiveSmallIntegerField(
        _("decimal places"), default=2, validators=[MaxValueValidator(2)]
    )
    rounding = models.CharField(
        _("rounding"), max_length=10, choices=RoundingMode.choices, default=RoundingMode.HALF_UP
    )
    pass_threshold = models.DecimalField(
        _("pass threshold"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    max_repetitions_in_cycle = models.PositiveSmallIntegerField(
        _("maximum repetitions in the cycle"), default=1
    )
    absence_policy = models.CharField(
        _("a missed test"),
        max_length=8,
        choices=AbsencePolicy.choices,
        default=AbsencePolicy.EXCLUDE,
    )
    max_tests_per_day = models.PositiveSmallIntegerField(
        _("tests a class may sit in one day"),
        default=2,
        help_text=_("More are allowed, with a warning in the test calendar."),
    )
    max_tests_per_week = models.PositiveSmallIntegerField(
        _("tests a class may sit in one week"),
        default=5,
        help_text=_("More are allowed, with a warning in the test calendar."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["school_year", "level__order"]
        verbose_name = _("assessment rule")
        verbose_name_plural = _("assessment rules")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "level"],
                condition=Q(stream__isnull=True),
                name="assessment_rule_unique",
            ),
            models.UniqueConstraint(
                fields=["school_year", "level", "stream"],
                condition=Q(stream__isnull=False),
                name="assessment_rule_stream_unique",
            ),
            models.CheckConstraint(
                condition=Q(max_tests_per_day__gte=1, max_tests_per_week__gte=1),
                name="assessment_rule_calendar_limits",
            ),
            models.CheckConstraint(
                condition=Q(scale__in=[10, 20]), name="assessment_rule_scale_10_or_20"
            ),
            models.CheckConstraint(
                condition=Q(tests_per_semester__gte=1)
                & Q(tests_per_semester__lte=F("max_tests_per_semester"))
                & Q(max_tests_per_semester__lte=4),
                name="assessment_rule_tests_range",
            ),
            models.CheckConstraint(
                condition=Q(activities_weight__gte=0, activities_weight__lte=1),
                name="assessment_rule_activities_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(decimals__lte=2), name="assessment_rule_decimals_range"
            ),
            models.CheckConstraint(
                condition=Q(pass_threshold__gte=0, pass_threshold__lte=F("scale")),
                name="assessment_rule_threshold_within_scale",
            ),
        ]

    def __str__(self) -> str:
        if self.stream_id:
            return f"{self.school_year} · {self.stream.code}"
        return f"{self.school_year} · {self.level.code}"

    def clean(self) -> None:
        if self.stream_id and self.level_id and self.stream.level_id != self.level_id:
            raise ValidationError({"stream": _("The stream must belong to the level.")})


class ExamRule(models.Model):
    """Certification-exam parameters of one school year (bac and brevet formulas, rattrapage)."""

    school_year = models.OneToOneField(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="exam_rule",
        verbose_name=_("school year"),
    )
    bac_continuous_weight = models.DecimalField(
        _("bac: weight of continuous assessment"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.25"),
    )
    bac_regional_weight = models.DecimalField(
        _("bac: weight of the regional exam"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.25"),
    )
    bac_national_weight = models.DecimalField(
        _("bac: weight of the national exam"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
    )
    bac_pass_average = models.DecimalField(
        _("bac: pass average"), max_digits=4, decimal_places=2, default=Decimal("10")
    )
    bac_resit_min_average = models.DecimalField(
        _("bac: lowest average admitted to the resit (rattrapage)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("7"),
    )
    brevet_continuous_weight = models.DecimalField(
        _("brevet: weight of continuous assessment"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
    )
    brevet_local_weight = models.DecimalField(
        _("brevet: weight of the local exam"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
    )
    brevet_regional_weight = models.DecimalField(
        _("brevet: weight of the regional exam"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.40"),
    )
    brevet_pass_average = models.DecimalField(
        _("brevet: pass average"), max_digits=4, decimal_places=2, default=Decimal("10")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exam rule")
        verbose_name_plural = _("exam rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(bac_resit_min_average__lte=F("bac_pass_average")),
                name="exam_rule_resit_below_pass",
            ),
        ]

    def __str__(self) -> str:
        return str(self.school_year)

    def clean(self) -> None:
        # Sums of decimals are checked here rather than in the database: SQLite stores them as
        # binary floats, where 1 - 0.3 - 0.4 is not 0.3.
        errors = {}
        bac = self.bac_continuous_weight + self.bac_regional_weight + self.bac_national_weight
        if bac != Decimal("1"):
            errors["bac_national_weight"] = _("The three bac weights must add up to 1.")
        brevet = (
            self.brevet_continuous_weight + self.brevet_local_weight + self.brevet_regional_weight
        )
        if brevet != Decimal("1"):
            errors["brevet_regional_weight"] = _("The three brevet weights must add up to 1.")
        if errors:
            raise ValidationError(errors)


class MentionBand(BilingualNameModel):
    """A mention (Passable, Assez bien, Bien, Très bien) from ``min_average`` upwards."""

    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="mention_bands",
        verbose_name=_("school year"),
    )
    code = models.CharField(_("code"), max_length=16)
    min_average = models.DecimalField(_("from average"), max_digits=4, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["school_year", "min_average"]
        verbose_name = _("mention band")
        verbose_name_plural = _("mention bands")
        constraints = [
            models.UniqueConstraint(fields=["school_year", "code"], name="mention_code_unique"),
            models.UniqueConstraint(
                fields=["school_year", "min_average"], name="mention_threshold_unique"
            ),
            models.CheckConstraint(
                condition=Q(min_average__gte=0, min_average__lte=20), name="mention_average_range"
            ),
        ]
