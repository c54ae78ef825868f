"""Report cards as PDF: the Typst template beside this file, fed with published content only.

One A4 page per pupil, Arabic right to left with French labels, marks with a decimal comma.
The fonts are the packaged ones the certificates and timetables use (Amiri, Noto Sans Arabic),
so the output does not depend on the machine. Data reaches Typst only through ``sys_inputs``
(JSON), never written into Typst source: a name with ``#`` or ``[`` stays text.

- ``report_card_pdf``: one pupil's card on demand (tagged PDF, for screen readers);
- ``report_cards_pdf``: many cards as one document (a class: what the batch prints per step);
- ``concatenate``: class documents joined into the establishment's one file (``merge``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path

import typst
from django.utils import timezone

from massar.students.certificates.pdf import font_paths

from ..models import Publication, PublishedReport
from .merge import concatenate  # noqa: F401 - part of this module's interface

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAIN_TEMPLATE = TEMPLATES / "report_card.typ"

_local = threading.local()


def compiler() -> typst.Compiler:
    """This thread's Typst compiler, fonts loaded once (a compiler is not shared by threads)."""
    found = getattr(_local, "compiler", None)
    if found is None:
        found = typst.Compiler(
            str(MAIN_TEMPLATE),
            root=str(TEMPLATES),
            font_paths=list(font_paths()),
            ignore_system_fonts=True,
        )
        _local.compiler = found
    return found


def publication_data(publication: Publication) -> dict:
    """What the footer of every card says about the publication it belongs to."""
    return {
        "version": publication.version,
        "published_on": timezone.localtime(publication.published_at).strftime("%d/%m/%Y"),
    }


def card_data(content: dict, publication: dict) -> dict:
    return {**content, "publication": publication}


def _compile(cards: list[dict], *, tagged: bool) -> bytes:
    data = json.dumps({"cards": cards}, ensure_ascii=False, separators=(",", ":"))
    return compiler().compile(sys_inputs={"data": data}, format="pdf", pdf_tags=tagged)


def report_card_pdf(report: PublishedReport) -> bytes:
    """One pupil's published card (``report.publication`` should be loaded with it)."""
    return _compile([card_data(report.content, publication_data(report.publication))], tagged=True)


def report_cards_pdf(contents: Iterable[dict], *, publication: Publication) -> bytes:
    """Cards of one publication as one document, a page each, in the order given. Untagged, so
    that ``concatenate`` can join documents (a printed batch is read on paper)."""
    about = publication_data(publication)
    cards = [card_data(content, about) for content in contents]
    if not cards:
        raise ValueError("no report card to print")
    return _compile(cards, tagged=False)
