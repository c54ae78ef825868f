"""The periods marks are given for: two semesters, and the whole year for results."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Semester(models.IntegerChoices):
    FIRST = 1, _("First semester")
    SECOND = 2, _("Second semester")


class Period(models.IntegerChoices):
    """A semester, or the year (results, councils, publications and report cards)."""

    FIRST = 1, _("First semester")
    SECOND = 2, _("Second semester")
    YEAR = 3, _("Whole year")
