"""The assessment rules that apply to a class, and the mark-entry windows.

Rules are data (``curriculum.AssessmentRule`` per year × level, optionally per stream;
coefficients in ``curriculum.SubjectAllocation``); this module only *resolves* them. Windows are
national per semester, and an establishment may have its own (``EntryWindow``).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from massar.core.errors import ValidationFailed
from massar.curriculum.models import AssessmentRule, RoundingMode, SubjectAllocation
from massar.curriculum.selectors import assessment_rule_for
from massar.schooling.models import SchoolClass
from massar.territory.models import Establishment, SchoolYear

from .models import EntryWindow

_ROUNDING = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.DOWN: ROUND_DOWN,
}


def rule_for_class(school_class: SchoolClass) -> AssessmentRule:
    """The rule of the class's level and stream in its year (one query); refuses clearly when
    the national administrators have not set one."""
    rule = assessment_rule_for(
        school_year=school_class.school_year,
        level=school_class.level,
        stream=school_class.stream,
    )
    if rule is None:
        raise ValidationFailed(
            _("No assessment rule is set for %(level)s in %(year)s: ask the ministry.")
            % {"level": school_class.level.code, "year": school_class.school_year.label},
            code="no_rule",
        )
    return rule


def round_mark(value: Decimal, rule: AssessmentRule) -> Decimal:
    """``value`` rounded to the rule's decimal places, the rule's way."""
    exponent = Decimal(1).scaleb(-rule.decimals)
    return value.quantize(exponent, rounding=_ROUNDING[rule.rounding])


def coefficients_for_class(school_class: SchoolClass) -> dict[int, Decimal]:
    """Subject id → coefficient of the class's stream in its year (one query)."""
    return dict(
        SubjectAllocation.objects.filter(
            school_year_id=school_class.school_year_id, stream_id=school_class.stream_id
        ).values_list("subject_id", "coefficient")
    )


def entry_window(
    *, establishment: Establishment, school_year: SchoolYear, semester: int
) -> EntryWindow | None:
    """The establishment's own window for the semester, else the national one (one query)."""
    windows = EntryWindow.objects.filter(school_year=school_year, semester=semester).filter(
        Q(establishment=establishment) | Q(establishment__isnull=True)
    )
    own = None
    national = None
    for window in windows:
        if window.establishment_id is None:
            national = window
        else:
            own = window
    return own or national


def is_entry_open(
    *, establishment: Establishment, school_year: SchoolYear, semester: int, on: date | None = None
) -> bool:
    window = entry_window(establishment=establishment, school_year=school_year, semester=semester)
    day = on or timezone.localdate()
    return window is not None and window.opens_on <= day <= window.closes_on


def require_entry_open(
    *, establishment: Establishment, school_year: SchoolYear, semester: int, on: date | None = None
) -> None:
    """Refuse, naming the window, when marks of the semester may not be entered today."""
    window = entry_window(establishment=establishment, school_year=school_year, semester=semester)
    day = on or timezone.localdate()
    if window is None:
        raise ValidationFailed(
            _("No mark entry window is set for semester %(semester)s.") % {"semester": semester},
            code="entry_closed",
        )
    if not window.opens_on <= day <= window.closes_on:
        raise ValidationFailed(
            _("Marks of semester %(semester)s may be entered from %(opens)s to %(closes)s.")
            % {
                "semester": semester,
                "opens": date_format(window.opens_on, "SHORT_DATE_FORMAT"),
                "closes": date_format(window.closes_on, "SHORT_DATE_FORMAT"),
            },
            code="entry_closed",
        )
