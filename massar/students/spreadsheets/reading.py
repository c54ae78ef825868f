"""Reading an uploaded pupils file into rows: Excel (.xlsx) or CSV, recognised by content.

- ``.xlsx`` is read with python-calamine; the first sheet is used.
- CSV is read as UTF-8 (with or without the byte-order mark Excel writes for "CSV UTF-8"). A file
  that is not UTF-8 is decoded as Windows-1256, the Arabic Windows code page that Excel uses for
  plain "CSV" on an Arabic Windows, only if the text then contains Arabic letters. The decoding
  is checked again row by row: Arabic names must be in Arabic letters and Latin names in Latin
  letters, so a file of another code page that slipped through fails validation and nothing is
  written. UTF-16 ("Unicode text") and anything else is refused with a message saying how to
  save the file. The separator (comma, semicolon as French Excel writes, or tab) is taken from
  the header line.
- The header row is the first non-empty row; headers are matched against the aliases of
  ``columns.COLUMNS``; other columns (row numbers, remarks) are ignored. Empty rows are skipped.
  Row numbers are the spreadsheet's own (the header is usually row 1), as the user sees them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from massar.core.errors import ValidationFailed

from .columns import COLUMNS, COLUMNS_BY_FIELD, HEADER_TO_FIELD, fold_header

MAX_BYTES = getattr(settings, "STUDENT_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
MAX_ROWS = 10_000

_XLSX = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted .xlsx
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BINARY_SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"\x1f\x8b", b"Rar!")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Table:
    """The rows of a file, by column field; ``headers`` keeps the headers as written."""

    headers: dict[str, str] = field(default_factory=dict)  # field -> header in the file
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)


def _error(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code)


def _wrong_type() -> ValidationFailed:
    return _error(
        _("Send an Excel file (.xlsx) or a CSV file. This file is of another kind."),
        code="file_type",
    )


def read_upload(upload) -> Table:
    """The table of an uploaded file; ``ValidationFailed`` with a file-level message otherwise."""
    if upload is None:
        raise _error(_("Choose the file to import."), code="file_missing")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _error(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)},
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _error(
            _("The file is too large; the limit is %(limit)s.")
            % {"limit": filesizeformat(MAX_BYTES)},
            code="file_too_large",
        )
    if not data.strip():
        raise _error(_("The file is empty."), code="file_empty")
    if data.startswith(_XLSX):
        records = _xlsx_records(data)
    elif data.startswith(_OLE):
        raise _error(
            _(
                "This is an old Excel file (.xls) or a protected one: open it in Excel and save "
                "it as an Excel workbook (.xlsx) without a password."
            ),
            code="file_type",
        )
    elif data.startswith(_UTF16_BOMS):
        raise _encoding_error()
    elif data.startswith(_BINARY_SIGNATURES) or b"\x00" in data[:4096]:
        raise _wrong_type()
    else:
        records = _csv_records(decode_csv(data))
    return _table(records)


def _xlsx_records(data: bytes):
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise _error(_("The Excel file has no sheet."), code="file_empty")
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as error:
        raise _error(
            _("The Excel file cannot be read: it is damaged or it is not an .xlsx workbook."),
            code="file_malformed",
        ) from error
    return enumerate(rows, start=1)


def _encoding_error() -> ValidationFailed:
    return _error(
        _(
            "The CSV file is not in UTF-8. In Excel, choose “Save as” then “CSV UTF-8 "
            "(comma delimited)”, and send that file."
        ),
        code="file_encoding",
    )


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Arabic Windows-1256 when that gives Arabic text."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1256")  # every byte is defined in Windows-1256
        if not _ARABIC_LETTER.search(text) or _CONTROL.search(text):
            raise _encoding_error() from None
    if _CONTROL.search(text):
        raise _wrong_type()
    return text


def _csv_records(text: str):
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise _error(
            _("The CSV file is malformed (line %(line)s): check the quotes and separators.")
            % {"line": getattr(error, "line_num", "?")},
            code="file_malformed",
        ) from error
    return enumerate(rows, start=1)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(records) -> Table:
    table = Table()
    positions: dict[str, int] = {}
    header_seen = False
    for number, record in records:
        if all(_blank(value) for value in record):
            continue
        if not header_seen:
            header_seen = True
            for position, header in enumerate(record):
                if _blank(header):
                    continue
                name = HEADER_TO_FIELD.get(fold_header(str(header)))
                if name is None:
                    continue
                if name in positions:
                    raise _error(
                        _("The column “%(name)s” appears twice in the header row.")
                        % {"name": str(header).strip()},
                        code="column_twice",
                    )
                positions[name] = position
                table.headers[name] = str(header).strip()
            _check_required_columns(positions)
            continue
        if len(table.rows) >= MAX_ROWS:
            raise _error(
                _("The file has more than %(count)s pupils: split it by level.")
                % {"count": MAX_ROWS},
                code="file_too_many_rows",
            )
        values = {
            name: (record[position] if position < len(record) else None)
            for name, position in positions.items()
        }
        table.rows.append((number, values))
    if not header_seen:
        raise _error(_("The file is empty."), code="file_empty")
    if not table.rows:
        raise _error(_("The file has a header row but no pupil."), code="file_no_rows")
    return table


def _check_required_columns(positions: dict[str, int]) -> None:
    missing = [c for c in COLUMNS if c.required and c.field not in positions]
    if not missing:
        return
    names = ", ".join(f"“{c.label}”" for c in missing)
    raise ValidationFailed(
        _(
            "Required columns are missing: %(names)s. The first row must hold the column names "
            "(in Arabic or French)."
        )
        % {"names": names},
        code="column_missing",
        details=[
            {"column": COLUMNS_BY_FIELD[c.field].label, "ar": c.ar, "fr": c.fr} for c in missing
        ],
    )
