"""Pages of the student files: search, detail, registration, imports, transfers, certificates,
online pre-registration. Every feature module adds its own paths here."""

from django.urls import path, register_converter

from . import views, views_certificates, views_transfers


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
    path("students/reregistration/", views.reregistration_view, name="reregistration"),
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
    # Transfers between establishments
    path("students/transfers/", views_transfers.transfer_list_view, name="transfer_list"),
    path(
        "students/transfers/<uuid:public_id>/",
        views_transfers.transfer_detail_view,
        name="transfer_detail",
    ),
    path(
        "students/transfers/<uuid:public_id>/accept/",
        views_transfers.transfer_accept_view,
        name="transfer_accept",
    ),
    path(
        "students/transfers/<uuid:public_id>/reject/",
        views_transfers.transfer_reject_view,
        name="transfer_reject",
    ),
    path(
        "students/transfers/<uuid:public_id>/cancel/",
        views_transfers.transfer_cancel_view,
        name="transfer_cancel",
    ),
    path(
        "students/<massar:code>/transfer/",
        views_transfers.transfer_request_view,
        name="transfer_request",
    ),
    path(
        "students/<massar:code>/transfer/destinations/",
        views_transfers.transfer_destinations_view,
        name="transfer_destinations",
    ),
    path(
        "students/<massar:code>/certificates/issue/",
        views_certificates.certificate_issue_view,
        name="certificate_issue",
    ),
    path(
        "students/<massar:code>/certificates/<str:verification_code>.pdf",
        views_certificates.certificate_pdf_view,
        name="certificate_pdf",
    ),
    path(
        "students/<massar:code>/certificates/<str:verification_code>/revoke/",
        views_certificates.certificate_revoke_view,
        name="certificate_revoke",
    ),
    path("verify/", views_certificates.verify_view, name="verify"),
    path(
        "verify/<str:verification_code>/",
        views_certificates.verify_code_view,
        name="verify_code",
    ),
]
