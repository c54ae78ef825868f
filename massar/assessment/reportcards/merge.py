"""Join PDF documents written by Typst into one, pages in order (no PDF library is installed).

The batch of a school prints class by class (its progress is reported per class), and the
school's file is those class documents one after the other. Typst writes plain PDF 1.7: a
classic cross-reference table, no object streams, every stream's ``/Length`` direct. That is all
this module reads; anything else (a cross-reference stream, an indirect length, a page inheriting
its resources) is refused with ``PdfMergeError`` rather than guessed, so a bad file is never
written. Each document's pages are copied with everything they reach (resources, fonts, content
streams), renumbered; the page tree, catalogue and information dictionary are written anew.
Untagged documents are expected (``pdf_tags=False``): a structure tree would not follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_HEADER = re.compile(rb"(\d+) (\d+) obj\s*")
_REF = re.compile(rb"(\d+) (\d+) R(?![A-Za-z0-9])")
_PARENT = re.compile(rb"/Parent\s+\d+\s+\d+\s+R")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+\d+\s+R)?")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_XREF_SECTION = re.compile(rb"^(\d+) (\d+)\s*$")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_TYPE = re.compile(rb"/Type\s*/(\w+)")


class PdfMergeError(ValueError):
    """A document this module cannot join safely."""


class _Object:
    __slots__ = ("dictionary", "stream")

    def __init__(self, dictionary: bytes, stream: bytes | None):
        self.dictionary = dictionary  # the object's text before any stream data
        self.stream = stream  # the raw (still encoded) stream data, or None


def _offsets(data: bytes) -> tuple[dict[int, int], bytes]:
    """Object number → offset, and the trailer dictionary, from the cross-reference table."""
    marker = data.rfind(b"startxref")
    if marker < 0:
        raise PdfMergeError("no startxref")
    start = int(data[marker + 9 :].split()[0])
    if not data.startswith(b"xref", start):
        raise PdfMergeError("a cross-reference stream is not supported")
    end = data.find(b"trailer", start)
    if end < 0:
        raise PdfMergeError("no trailer")
    offsets: dict[int, int] = {}
    number = 0
    for line in data[start + 4 : end].splitlines():
        line = line.strip()
        if not line:
            continue
        section = _XREF_SECTION.match(line)
        if section:
            number = int(section.group(1))
            continue
        entry = _XREF_ENTRY.match(line)
        if entry is None:
            raise PdfMergeError("unreadable cross-reference entry")
        if entry.group(3) == b"n":
            offsets[number] = int(entry.group(1))
        number += 1
    trailer_end = data.find(b"startxref", end)
    return offsets, data[end + 7 : trailer_end]


def _read_object(data: bytes, number: int, offset: int) -> _Object:
    header = _HEADER.match(data, offset)
    if header is None or int(header.group(1)) != number:
        raise PdfMergeError(f"object {number} is not where the table says")
    body_start = header.end()
    end = data.find(b"endobj", body_start)
    if end < 0:
        raise PdfMergeError(f"object {number} does not end")
    stream = _STREAM.search(data, body_start)
    if stream is None or stream.start() > end:
        return _Object(data[body_start:end].strip(), None)
    dictionary = data[body_start : stream.start() + 2]
    length = _LENGTH.search(dictionary)
    if length is None or length.group(2):
        raise PdfMergeError(f"object {number}: the stream length is not a direct number")
    size = int(length.group(1))
    content = data[stream.end() : stream.end() + size]
    tail = data[stream.end() + size : stream.end() + size + 12].lstrip(b"\r\n")
    if len(content) != size or not tail.startswith(b"endstream"):
        raise PdfMergeError(f"object {number}: the stream length is wrong")
    return _Object(dictionary.strip(), content)


def _refs(text: bytes) -> list[int]:
    return [int(match.group(1)) for match in _REF.finditer(_PARENT.sub(b"", text))]


def _ref_of(dictionary: bytes, key: bytes) -> int:
    found = re.search(rb"/" + key + rb"\s+(\d+)\s+\d+\s+R", dictionary)
    if found is None:
        raise PdfMergeError(f"no /{key.decode()} reference")
    return int(found.group(1))


class _Document:
    """One source document: its objects and its pages in order."""

    def __init__(self, data: bytes):
        if not data.startswith(b"%PDF-"):
            raise PdfMergeError("not a PDF")
        offsets, trailer = _offsets(data)
        self.objects = {number: _read_object(data, number, at) for number, at in offsets.items()}
        catalog = self._get(_ref_of(trailer, b"Root"))
        self.pages: list[int] = []
        self._walk(_ref_of(catalog.dictionary, b"Pages"), depth=0)

    def _get(self, number: int) -> _Object:
        found = self.objects.get(number)
        if found is None:
            raise PdfMergeError(f"object {number} is missing")
        return found

    def _walk(self, number: int, *, depth: int) -> None:
        if depth > 32:
            raise PdfMergeError("the page tree is too deep")
        node = self._get(number).dictionary
        kind = _TYPE.search(node)
        if kind is not None and kind.group(1) == b"Page":
            if b"/Resources" not in node or b"/MediaBox" not in node:
                raise PdfMergeError("a page inherits its resources or size")
            self.pages.append(number)
            return
        kids = _KIDS.search(node)
        if kids is None:
            raise PdfMergeError("a page tree node without kids")
        for kid in _refs(kids.group(1)):
            self._walk(kid, depth=depth + 1)

    def reachable(self) -> list[int]:
        """The pages and every object they reach (not following ``/Parent``), in file order."""
        seen: set[int] = set()
        todo = list(self.pages)
        while todo:
            number = todo.pop()
            if number in seen:
                continue
            seen.add(number)
            todo.extend(ref for ref in _refs(self._get(number).dictionary) if ref not in seen)
        return sorted(seen)


def concatenate(documents: Iterable[bytes], *, title: str = "Massar") -> bytes:
    """The documents' pages, in order, as one PDF."""
    parsed = [_Document(data) for data in documents]
    if not parsed:
        raise PdfMergeError("nothing to join")
    catalog_number, pages_number, info_number = 1, 2, 3
    next_number = 4
    out = bytearray(b"%PDF-1.7\n%\x80\x80\x80\x80\n")
    offsets: dict[int, int] = {}
    kids: list[int] = []

    def write(number: int, dictionary: bytes, stream: bytes | None = None) -> None:
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n" % number)
        out.extend(dictionary)
        if stream is not None:
            out.extend(b"\nstream\n")
            out.extend(stream)
            out.extend(b"\nendstream")
        out.extend(b"\nendobj\n")

    for document in parsed:
        numbers = document.reachable()
        mapping = {old: next_number + index for index, old in enumerate(numbers)}
        next_number += len(numbers)

        def renumber(match, mapping=mapping):
            old = int(match.group(1))
            if old not in mapping:
                raise PdfMergeError(f"object {old} is referred to but not copied")
            return b"%d 0 R" % mapping[old]

        pages = set(document.pages)
        for old in numbers:
            source = document.objects[old]
            dictionary = source.dictionary
            if old in pages:
                dictionary = _PARENT.sub(b"", dictionary)
                dictionary = _REF.sub(renumber, re.sub(rb"/StructParents\s+\d+", b"", dictionary))
                if not dictionary.endswith(b">>"):
                    raise PdfMergeError(f"page {old} is not a dictionary")
                dictionary = dictionary[:-2] + b"/Parent %d 0 R>>" % pages_number
            else:
                dictionary = _REF.sub(renumber, dictionary)
            write(mapping[old], dictionary, source.stream)
        kids.extend(mapping[page] for page in document.pages)

    write(
        pages_number,
        b"<</Type/Pages/Count %d/Kids[%s]>>"
        % (len(kids), b" ".join(b"%d 0 R" % kid for kid in kids)),
    )
    write(
        catalog_number,
        b"<</Type/Catalog/Pages %d 0 R/Lang(ar)/ViewerPreferences<</Direction/R2L>>>>"
        % pages_number,
    )
    safe_title = re.sub(rb"[()\\]", b"", title.encode("latin-1", "replace"))
    write(info_number, b"<</Title(%s)/Producer(Massar)>>" % safe_title)
    xref_at = len(out)
    size = next_number
    out.extend(b"xref\n0 %d\n0000000000 65535 f\r\n" % size)
    for number in range(1, size):
        out.extend(b"%010d 00000 n\r\n" % offsets[number])
    out.extend(
        b"trailer\n<</Size %d/Root %d 0 R/Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n"
        % (size, catalog_number, info_number, xref_at)
    )
    return bytes(out)
