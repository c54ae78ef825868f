"""URLs of the assessment pages: a mark sheet's spreadsheet (download, upload, confirmation)."""

from django.urls import path

from . import views_spreadsheets

_SHEET = "assessment/classes/<uuid:class_id>/marks/<str:subject_code>/s<int:semester>/"

urlpatterns: list = [
    path(
        f"{_SHEET}download/",
        views_spreadsheets.marks_spreadsheet_download,
        name="marks_spreadsheet_download",
    ),
    path(
        f"{_SHEET}upload/",
        views_spreadsheets.marks_spreadsheet_upload,
        name="marks_spreadsheet_upload",
    ),
    path(
        f"{_SHEET}upload/confirm/",
        views_spreadsheets.marks_spreadsheet_confirm,
        name="marks_spreadsheet_confirm",
    ),
]
