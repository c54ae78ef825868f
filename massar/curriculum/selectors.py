"""Reads of the curriculum: what is taught in a stream and how it is assessed, per year.

The curriculum is national reference data: every actor may read it, so these take no scope.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Prefetch, Q, QuerySet

from massar.territory.models import SchoolYear

from .models import AssessmentRule, Level, MentionBand, Stream, SubjectAllocation


def levels_with_streams() -> QuerySet[Level]:
    """Levels in order, with their cycle and active streams (two queries)."""
    return Level.objects.select_related("cycle").prefetch_related(
        Prefetch("streams", queryset=Stream.objects.filter(is_active=True).order_by("code"))
    )


def allocations_for(*, school_year: SchoolYear, stream: Stream) -> QuerySet[SubjectAllocation]:
    """The subjects of a stream in a year, with hours and coefficients (one query)."""
    return (
        SubjectAllocation.objects.filter(school_year=school_year, stream=stream)
        .select_related("subject")
        .order_by("subject__code")
    )


def assessment_rule_for(
    *, school_year: SchoolYear, level: Level, stream: Stream | None = None
) -> AssessmentRule | None:
    """The rule of a stream when it has its own, else the level's (one query)."""
    rules = AssessmentRule.objects.filter(school_year=school_year, level=level)
    if stream is None:
        return rules.filter(stream__isnull=True).first()
    return (
        rules.filter(Q(stream=stream) | Q(stream__isnull=True))
        .order_by(F("stream_id").asc(nulls_last=True))
        .first()
    )


def mention_for(*, school_year: SchoolYear, average: Decimal) -> MentionBand | None:
    """The highest mention whose threshold the average reaches, or None below the first."""
    return (
        MentionBand.objects.filter(school_year=school_year, min_average__lte=average)
        .order_by("-min_average")
        .first()
    )
