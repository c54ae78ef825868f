"""Checking an uploaded document before it is kept: its format (by content, not name) and size."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from massar.core.errors import ValidationFailed

#: Formats accepted, recognised by their first bytes.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
IMAGE_TYPES = {"image/jpeg", "image/png"}


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def check_upload(upload, *, images_only: bool = False) -> str:
    """The content type of ``upload`` if it is acceptable; ``ValidationFailed`` otherwise."""
    limit = settings.STUDENT_DOCUMENT_MAX_BYTES
    if upload is None or upload.size == 0:
        raise ValidationFailed(_("The file is empty."), code="file_empty")
    if upload.size > limit:
        raise ValidationFailed(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    allowed = IMAGE_TYPES if images_only else set(SIGNATURES.values())
    if content_type not in allowed:
        message = (
            _("Send a photo in JPEG or PNG format.")
            if images_only
            else _("Send a PDF, JPEG or PNG file.")
        )
        raise ValidationFailed(message, code="file_type")
    return content_type
