"""National administration of the assessment calendar: mark-entry and orientation windows.

The rules themselves (scale, tests, weights, rounding, thresholds, coefficients) are in the
curriculum admin; every change is kept in the history.
"""

from django.contrib import admin

from massar.core.admin import NationalModelAdmin

from .models import EntryWindow, OrientationWindow


@admin.register(EntryWindow)
class EntryWindowAdmin(NationalModelAdmin):
    list_display = ["school_year", "semester", "establishment", "opens_on", "closes_on"]
    list_filter = ["school_year", "semester"]
    list_select_related = ["school_year", "establishment"]
    raw_id_fields = ["establishment"]
    exclude = ["updated_by"]


@admin.register(OrientationWindow)
class OrientationWindowAdmin(NationalModelAdmin):
    list_display = ["school_year", "level", "phase", "opens_on", "closes_on", "max_wishes"]
    list_filter = ["school_year", "level"]
    list_select_related = ["school_year", "level"]
