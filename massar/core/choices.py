"""Domain vocabularies that are fixed by law and shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleCode(models.TextChoices):
    """The four cycles of Moroccan general education (ordered as pupils go through them)."""

    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary (collège)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary (qualifying)")


class Area(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")
