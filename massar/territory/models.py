"""The map of the school system: academies, directorates, communes, establishments, school years.

Establishments are the tenants of the system: every tenant-owned row elsewhere carries an
``establishment`` foreign key. ``Establishment`` keeps ``academy`` and ``directorate`` columns
(denormalised from its commune's directorate) so that scoping never needs a join.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from massar.core.choices import Area, CycleCode, Sector
from massar.core.models import BilingualNameModel, TimeStampedModel

ESTABLISHMENT_CODE_REGEX = r"^[0-9]{5}[A-Z]$"
establishment_code_validator = RegexValidator(
    ESTABLISHMENT_CODE_REGEX,
    _("An establishment code is five digits followed by a capital letter, e.g. 11565V."),
)


class Academy(BilingualNameModel):
    """Regional academy of education and training (AREF), one per region."""

    code = models.CharField(_("code"), max_length=2, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("academy")
        verbose_name_plural = _("academies")


class Directorate(BilingualNameModel):
    """Provincial (or prefectural) directorate of an academy."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    academy = models.ForeignKey(
        Academy, on_delete=models.PROTECT, related_name="directorates", verbose_name=_("academy")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("directorate")
        verbose_name_plural = _("directorates")


class Commune(BilingualNameModel):
    """Commune, urban or rural; rural status drives social-support eligibility."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    directorate = models.ForeignKey(
        Directorate,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("directorate"),
    )
    area = models.CharField(_("area"), max_length=8, choices=Area.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class Establishment(BilingualNameModel, TimeStampedModel):
    """A school: public or private, urban or rural, possibly a satellite of a central school."""

    code = models.CharField(
        _("code"), max_length=6, unique=True, validators=[establishment_code_validator]
    )
    academy = models.ForeignKey(
        Academy, on_delete=models.PROTECT, related_name="establishments", verbose_name=_("academy")
    )
    directorate = models.ForeignKey(
        Directorate,
        on_delete=models.PROTECT,
        related_name="establishments",
        verbose_name=_("directorate"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="establishments", verbose_name=_("commune")
    )
    sector = models.CharField(_("sector"), max_length=8, choices=Sector.choices)
    area = models.CharField(_("area"), max_length=8, choices=Area.choices)
    central_school = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="satellites",
        verbose_name=_("central school"),
        help_text=_("For a satellite school: the central school it is attached to."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=ESTABLISHMENT_CODE_REGEX),
                name="establishment_code_format",
            ),
            models.CheckConstraint(
                condition=~Q(central_school=models.F("id")),
                name="establishment_not_its_own_central_school",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="establishment_coordinates_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["academy", "directorate"], name="establishment_scope_idx"),
            models.Index(fields=["name_fr"], name="establishment_name_fr_idx"),
        ]

    @property
    def is_satellite(self) -> bool:
        return self.central_school_id is not None

    @property
    def cycle_codes(self) -> list[str]:
        return [c.cycle for c in self.cycles.all()]


class EstablishmentCycle(models.Model):
    """A cycle taught in an establishment (a collège-lycée teaches two)."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="cycles"
    )
    cycle = models.CharField(_("cycle"), max_length=20, choices=CycleCode.choices)

    class Meta:
        ordering = ["establishment", "cycle"]
        verbose_name = _("cycle taught")
        verbose_name_plural = _("cycles taught")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "cycle"], name="establishment_cycle_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_cycle_display())


class SchoolYear(models.Model):
    """A national school year, e.g. 2025/2026. Exactly one is current."""

    code = models.CharField(
        _("code"),
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{4}-[0-9]{4}$", _("Use the form 2025-2026."))],
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_current = models.BooleanField(_("current year"), default=False)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="school_year_dates_ordered"
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_school_year"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.code.replace("-", "/")


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("National holiday")
    RELIGIOUS = "religious", _("Religious holiday")
    BREAK = "break", _("School break")


class Holiday(BilingualNameModel):
    """A holiday or school break: a date range within a school year."""

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="holidays", verbose_name=_("school year")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=HolidayKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="holiday_dates_ordered"
            ),
            models.UniqueConstraint(
                fields=["school_year", "starts_on", "name_fr"], name="holiday_unique_per_year"
            ),
        ]
