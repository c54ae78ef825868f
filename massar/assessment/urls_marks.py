"""URLs of the assessment pages: marks (see ``views_marks``): a teacher's sheets, a school's
sheets and corrections, a sheet, its saves, number of tests, validation and corrections."""

from django.urls import path

from . import views_marks as views

_SHEET = "assessment/marks/sheets/<uuid:public_id>/"

urlpatterns = [
    path("assessment/marks/", views.marks_home_view, name="marks_home"),
    path("establishments/<str:code>/marks/", views.school_sheets_view, name="marks_school"),
    path(
        "establishments/<str:code>/marks/corrections/",
        views.school_corrections_view,
        name="marks_corrections",
    ),
    path(
        "assessment/marks/classes/<uuid:public_id>/<str:subject>/<int:semester>/start/",
        views.sheet_start_view,
        name="marks_start",
    ),
    path(_SHEET, views.sheet_view, name="marks_sheet"),
    path(_SHEET + "save/", views.sheet_save_view, name="marks_save"),
    path(_SHEET + "rows/<str:code>/", views.sheet_row_view, name="marks_row"),
    path(_SHEET + "tests/", views.sheet_tests_view, name="marks_tests"),
    path(_SHEET + "validate/", views.sheet_validate_view, name="marks_validate"),
    path(_SHEET + "corrections/new/", views.correction_new_view, name="marks_correction"),
    path(
        _SHEET + "corrections/<uuid:request_id>/decide/",
        views.correction_decide_view,
        name="marks_decide",
    ),
]
