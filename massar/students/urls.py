"""Pages of the student files: search, detail, registration, imports, transfers, certificates,
online pre-registration. Every feature module adds its own paths here."""

from django.urls import path, register_converter

from . import (
    views,
    views_certificates,
    views_preregistration,
    views_spreadsheets,
    views_transfers,
)


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
    # Spreadsheets: import of a school's pupils, export of class and level lists
    path("students/import/", views_spreadsheets.students_import_view, name="import"),
    path("students/export/", views_spreadsheets.students_export_view, name="export"),
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
    path("students/<massar:code>/photo/", views.student_photo_view, name="photo"),
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
    # Online pre-registration: parents (sign-up, code, requests) and the school's review queue.
    path("preregistration/", views_preregistration.mine_view, name="preregistration_mine"),
    path(
        "preregistration/signup/",
        views_preregistration.signup_view,
        name="preregistration_signup",
    ),
    path(
        "preregistration/verify/",
        views_preregistration.verify_view,
        name="preregistration_verify",
    ),
    path("preregistration/new/", views_preregistration.new_view, name="preregistration_new"),
    path(
        "preregistration/establishments/",
        views_preregistration.establishments_view,
        name="preregistration_establishments",
    ),
    path(
        "preregistration/<str:reference>/",
        views_preregistration.own_detail_view,
        name="preregistration_detail",
    ),
    path(
        "students/preregistrations/",
        views_preregistration.queue_view,
        name="preregistration_queue",
    ),
    path(
        "students/preregistrations/<str:reference>/",
        views_preregistration.review_view,
        name="preregistration_review",
    ),
    path(
        "students/preregistrations/<str:reference>/accept/",
        views_preregistration.accept_view,
        name="preregistration_accept",
    ),
    path(
        "students/preregistrations/<str:reference>/reject/",
        views_preregistration.reject_view,
        name="preregistration_reject",
    ),
    path(
        "students/preregistrations/<str:reference>/request-document/",
        views_preregistration.request_document_view,
        name="preregistration_request_document",
    ),
    path(
        "students/preregistrations/<str:reference>/birth-certificate/",
        views_preregistration.birth_certificate_view,
        name="preregistration_birth_certificate",
    ),
]
