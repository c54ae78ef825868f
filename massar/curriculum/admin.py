"""National administration of the curriculum and of the assessment and exam rules."""

from django.contrib import admin

from massar.core.admin import NationalModelAdmin

from .models import (
    AssessmentRule,
    Cycle,
    ExamRule,
    Level,
    MentionBand,
    Stream,
    Subject,
    SubjectAllocation,
)


@admin.register(Cycle)
class CycleAdmin(NationalModelAdmin):
    list_display = ["order", "code", "name_fr", "name_ar"]


@admin.register(Level)
class LevelAdmin(NationalModelAdmin):
    list_display = ["order", "code", "name_fr", "name_ar", "cycle"]
    list_filter = ["cycle"]
    list_select_related = ["cycle"]


@admin.register(Stream)
class StreamAdmin(NationalModelAdmin):
    list_display = [
        "code",
        "abbreviation",
        "name_fr",
        "name_ar",
        "level",
        "is_general",
        "is_active",
    ]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name_fr", "name_ar"]
    list_select_related = ["level"]


@admin.register(Subject)
class SubjectAdmin(NationalModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "is_conduct"]
    search_fields = ["code", "name_fr", "name_ar"]


@admin.register(SubjectAllocation)
class SubjectAllocationAdmin(NationalModelAdmin):
    list_display = ["school_year", "stream", "subject", "weekly_hours", "coefficient"]
    list_editable = ["weekly_hours", "coefficient"]
    list_filter = ["school_year", "stream__level", "stream"]
    search_fields = ["stream__code", "subject__code", "subject__name_fr", "subject__name_ar"]
    list_select_related = ["school_year", "stream", "subject"]
    list_per_page = 100


@admin.register(AssessmentRule)
class AssessmentRuleAdmin(NationalModelAdmin):
    list_display = [
        "school_year",
        "level",
        "stream",
        "scale",
        "tests_per_semester",
        "activities_weight",
        "absence_policy",
        "pass_threshold",
        "rounding",
    ]
    list_filter = ["school_year", "level__cycle"]
    list_select_related = ["school_year", "level", "stream"]


@admin.register(ExamRule)
class ExamRuleAdmin(NationalModelAdmin):
    list_display = ["school_year", "bac_pass_average", "bac_resit_min_average"]


@admin.register(MentionBand)
class MentionBandAdmin(NationalModelAdmin):
    list_display = ["school_year", "code", "name_fr", "name_ar", "min_average"]
    list_filter = ["school_year"]
