"""A certificate as PDF: the Typst templates beside this file, fed with the frozen content.

Data reaches Typst only through ``sys_inputs`` (a JSON string and the QR code's SVG), never by
writing values into Typst source, so that a name with ``#``, ``[`` or ``*`` stays text.
Fonts come from the installed font packages (Amiri, Noto Sans Arabic): the output does not
depend on the machine's fonts.
"""

from __future__ import annotations

import io
import json
import threading
from datetime import date
from functools import cache
from pathlib import Path

import fontpkg_amiri
import fontpkg_noto_sans_arabic
import segno
import typst
from django.conf import settings
from django.urls import reverse

from ..models import Certificate
from .codes import format_verification_code

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAIN_TEMPLATE = TEMPLATES / "certificate.typ"


@cache
def font_paths() -> tuple[str, ...]:
    """The folders holding the packaged font files (each package keeps them under ``files``)."""
    paths = []
    for package in (fontpkg_amiri, fontpkg_noto_sans_arabic):
        root = Path(package.ROOT)
        folder = root / "files" if (root / "files").is_dir() else root
        paths.append(str(folder))
    return tuple(paths)


_local = threading.local()


def compiler() -> typst.Compiler:
    """This thread's Typst compiler: fonts are loaded once, not on every certificate (~20×
    faster). One per thread, as a compiler is not meant to be shared between threads."""
    found = getattr(_local, "compiler", None)
    if found is None:
        found = typst.Compiler(
            str(MAIN_TEMPLATE),
            root=str(TEMPLATES),
            font_paths=list(font_paths()),
            ignore_system_fonts=True,  # the same output on every machine
        )
        _local.compiler = found
    return found


def verify_path(verification_code: str) -> str:
    return reverse("students:verify_code", args=[verification_code])


def verify_url(verification_code: str, *, base_url: str = "") -> str:
    """The public verification page of a code, absolute when a base URL is known.

    Pages and the API pass the request's own origin; otherwise ``MASSAR_PUBLIC_URL`` (the
    address citizens reach the site at) is used when it is set.
    """
    base = (base_url or getattr(settings, "MASSAR_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}{verify_path(verification_code)}"


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as a standalone SVG document (medium error correction)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", xmldecl=False, svgns=True, border=2, dark="#000"
    )
    return buffer.getvalue().decode("utf-8")


def _dmy(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def render_data(certificate: Certificate, *, url: str) -> dict:
    """The frozen content plus what only the rendering needs (dates written out, the code)."""
    content = certificate.content
    enrolment = content.get("enrolment", {})
    return {
        **content,
        "kind": certificate.kind,
        "verification_code": certificate.verification_code,
        "verification_code_text": format_verification_code(certificate.verification_code),
        "verify_url": url,
        "revoked": certificate.revoked_at is not None,
        "birth_date_text": _dmy(content["student"].get("birth_date")),
        "entered_on_text": _dmy(enrolment.get("entered_on")),
        "left_on_text": _dmy(enrolment.get("left_on")),
        "issued_on_text": _dmy(content.get("issued_on")),
    }


def certificate_pdf(certificate: Certificate, *, base_url: str = "") -> bytes:
    """The certificate as a one-page A4 PDF, Arabic right to left with the official French."""
    url = verify_url(certificate.verification_code, base_url=base_url)
    data = render_data(certificate, url=url)
    return compiler().compile(
        sys_inputs={"data": json.dumps(data, ensure_ascii=False), "qr": qr_svg(url)},
        format="pdf",
    )
