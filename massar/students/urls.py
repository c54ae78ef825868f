"""Pages of the student files: search, detail, registration, imports, transfers, certificates,
online pre-registration. Every feature module adds its own paths here."""

from django.urls import path, register_converter

from . import views


class CodeMassarConverter:
    """A code Massar in a URL (either case); other words under /students/ are other pages."""

    regex = "[A-Za-z][0-9]{9}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeMassarConverter, "massar")

app_name = "students"

urlpatterns = [
    path("students/", views.student_list_view, name="list"),
    path("students/new/", views.student_register_view, name="register"),
    path("students/<massar:code>/", views.student_detail_view, name="detail"),
    path("students/<massar:code>/guardians/", views.guardian_add_view, name="guardian_add"),
    path(
        "students/<massar:code>/guardians/<int:guardian_id>/contact/",
        views.guardian_make_contact_view,
        name="guardian_contact",
    ),
    path("students/<massar:code>/documents/", views.document_upload_view, name="document_upload"),
    path(
        "students/<massar:code>/documents/<int:document_id>/",
        views.document_download_view,
        name="document",
    ),
    path("students/<massar:code>/merge/", views.student_merge_view, name="merge"),
]
