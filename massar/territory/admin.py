"""National administration of the territory: academies to establishments, years and holidays."""

from django.contrib import admin

from massar.core.admin import NationalModelAdmin, SitePermissionMixin

from .models import (
    Academy,
    Commune,
    Directorate,
    Establishment,
    EstablishmentCycle,
    Holiday,
    SchoolYear,
)


@admin.register(Academy)
class AcademyAdmin(NationalModelAdmin):
    list_display = ["code", "name_fr", "name_ar"]
    search_fields = ["code", "name_fr", "name_ar"]


@admin.register(Directorate)
class DirectorateAdmin(NationalModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "academy"]
    list_filter = ["academy"]
    search_fields = ["code", "name_fr", "name_ar"]
    list_select_related = ["academy"]


@admin.register(Commune)
class CommuneAdmin(NationalModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "directorate", "area"]
    list_filter = ["area", "directorate__academy"]
    search_fields = ["code", "name_fr", "name_ar"]
    list_select_related = ["directorate"]
    autocomplete_fields = ["directorate"]


class EstablishmentCycleInline(SitePermissionMixin, admin.TabularInline):
    model = EstablishmentCycle
    extra = 0


@admin.register(Establishment)
class EstablishmentAdmin(NationalModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "directorate", "sector", "area", "is_active"]
    list_filter = ["sector", "area", "is_active", "academy"]
    search_fields = ["code", "name_fr", "name_ar"]
    list_select_related = ["directorate"]
    autocomplete_fields = ["academy", "directorate", "commune", "central_school"]
    inlines = [EstablishmentCycleInline]


class HolidayInline(SitePermissionMixin, admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(SchoolYear)
class SchoolYearAdmin(NationalModelAdmin):
    list_display = ["code", "starts_on", "ends_on", "is_current"]
    inlines = [HolidayInline]
