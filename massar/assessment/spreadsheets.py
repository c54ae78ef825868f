"""Mark sheets in spreadsheets: the class × subject × semester sheet as the .xlsx teachers
exchange, and that file (or one like it) read back into the sheet.

**Export** (``sheet_export``). One visible worksheet, right-to-left in Arabic: a header block
(school, class, subject, semester, teacher, year), then two header rows — the column names in
the reader's language first, then in the other — and one row per current pupil: code Massar,
name in Arabic and in Latin script, birth date (a date cell shown dd-mm-yyyy), test 1…n and
integrated activities (numbers with two decimals; "غ" or "ABS" for an absent pupil). A second,
*very hidden* worksheet (``massar``) records what was exported: the sheet, its class, subject and
semester, and for each pupil (by code Massar, so that sorting the rows does no harm) the row's
version and the exported marks.

**Import** (``marks_import_preview`` then ``marks_import_confirm``). The whole file is checked
before anything is shown, and nothing is written until the user confirms the preview:

- the file: .xlsx, .xls or .ods (read with python-calamine, by content, whatever its name) or
  CSV in UTF-8; at most ``MAX_BYTES``; a zip that would unpack to more than ``MAX_UNPACKED`` is
  refused;
- the header row is the first row naming a "code Massar" column and at least one mark column, in
  Arabic or French, in any order (the rows above it, blank rows and unknown columns are ignored;
  a second header row in the other language is skipped);
- the file is the sheet of *this* class: when the hidden worksheet names another class, or when
  most of its codes are not pupils of the class, one message says so (instead of a row error per
  pupil); the hidden worksheet of another subject or semester is refused too;
- per row: the code is a pupil of the class, no pupil twice, the birth date (when given) is the
  pupil's (a different one is the sign of a wrong pupil), each mark through ``parse_mark``;
- **empty cells leave the marks as they are**: an import never clears a mark (the sheet page
  does);
- **stale since the export**: a row the file changes whose version on Massar is no longer the
  exported one is refused, cell by cell, where the mark on Massar differs from the exported
  one (someone entered it after the download); when Massar's marks of the row are still the
  exported ones (only the appreciation changed, or a save that changed nothing), the row goes
  through. A file without the hidden worksheet (typed by hand, or saved again under another
  format) cannot be checked so: the preview says so, and shows every mark it would replace.

The preview lists each change (pupil, column, before → after) and every error (row number as
the spreadsheet shows it, code, column). Confirming saves the changes through ``marks_save`` in
one call, with the versions read at the preview: a save by someone else in between refuses the
whole import (``StaleMarks``); nothing is written on any error.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import xlsxwriter
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from massar.core.errors import ValidationFailed
from massar.core.i18n import is_arabic, pick
from massar.schooling.models import ClassPlacement
from massar.students.spreadsheets.columns import fold_header
from massar.students.spreadsheets.importing import parse_birth_date
from massar.students.spreadsheets.reading import decode_csv

from . import access
from .marks_input import Cell, parse_mark
from .models import MarkRow, MarkSheet
from .models.marks import MARK_CEILING
from .rules import require_entry_open, rule_for_class
from .services_marks import TEST_FIELDS, RowChange, SaveResult, cell_of, current_pupils, marks_save

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 40 * 1024 * 1024
MAX_ROWS = 300  # a class has at most 80 pupils: more rows is not a class's sheet
MAX_REPORTED_ERRORS = 300
HEADER_SEARCH_ROWS = 40
META_SHEET = "massar"
META_MARK = "massar-marks"
META_FORMAT = 1
PLAN_SALT = "massar.assessment.spreadsheets.plan"
PLAN_MAX_AGE = 2 * 3600  # seconds between the preview and the confirmation
MARK_FIELDS = (*TEST_FIELDS, "activities")

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"\x1f\x8b", b"Rar!", b"\x00\x00")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_EXCEL_EPOCH = date(1899, 12, 30)
_CODE_LIKE = re.compile(r"^[A-Za-z0-9]{1,12}$")


# --- columns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkColumn:
    field: str
    ar: str
    fr: str
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The column's name in the active language (messages and the preview use it)."""
        return pick(ar=self.ar, fr=self.fr)


_ORDINALS = {1: "الأول", 2: "الثاني", 3: "الثالث", 4: "الرابع"}


def _test_column(number: int) -> MarkColumn:
    return MarkColumn(
        f"test_{number}",
        f"الفرض {number}",
        f"Devoir {number}",
        (
            f"فرض {number}",
            f"الفرض رقم {number}",
            f"الفرض {_ORDINALS[number]}",
            f"المراقبة {number}",
            f"Contrôle {number}",
            f"Devoir surveillé {number}",
            f"DS {number}",
            f"CC {number}",
            f"Note {number}",
            f"Test {number}",
        ),
    )


COLUMNS: tuple[MarkColumn, ...] = (
    MarkColumn(
        "code_massar",
        "رمز التلميذ",
        "Code Massar",
        ("رقم التلميذ", "رمز مسار", "الرمز", "code", "code eleve", "cne", "massar"),
    ),
    MarkColumn(
        "name_ar",
        "الاسم والنسب",
        "Nom et prénom (arabe)",
        ("اسم التلميذ", "الاسم الكامل", "الاسم و النسب", "nom arabe", "nom et prenom arabe"),
    ),
    MarkColumn(
        "name_fr",
        "الاسم والنسب بالفرنسية",
        "Nom et prénom",
        ("الاسم بالفرنسية", "nom", "nom complet", "nom prenom", "nom latin"),
    ),
    MarkColumn(
        "birth_date",
        "تاريخ الازدياد",
        "Date de naissance",
        ("تاريخ الميلاد", "تاريخ الولادة", "date naissance", "date de naiss", "ddn"),
    ),
    *(_test_column(number) for number in (1, 2, 3, 4)),
    MarkColumn(
        "activities",
        "الأنشطة المندمجة",
        "Activités intégrées",
        ("الأنشطة", "أنشطة مندمجة", "Activités", "activities", "AI", "AIC"),
    ),
)
COLUMNS_BY_FIELD = {column.field: column for column in COLUMNS}
_ORDER = {column.field: index for index, column in enumerate(COLUMNS)}


def _key(text) -> str:
    return fold_header(str(text)).replace(" ", "")


HEADER_TO_FIELD: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.ar, _column.fr, _column.field, *_column.aliases):
        if HEADER_TO_FIELD.setdefault(_key(_name), _column.field) != _column.field:
            raise RuntimeError(f"header alias {_name!r} names two columns")


def absent_word(language: str | None = None) -> str:
    """How an absent pupil is written in a file: "غ" in Arabic, "ABS" in French."""
    return "غ" if is_arabic(language) else "ABS"


def show_cell(cell: Cell) -> str:
    """A cell for a person: "12,50", the translated "ABS", or a dash when empty."""
    if cell.absent:
        return _("ABS")
    if cell.value is None:
        return "—"
    return number_format(cell.value, 2)


def _cell_text(cell: Cell) -> str:
    """A cell as stored in the hidden worksheet and the confirmation: "12.50", "ABS" or ""."""
    if cell.absent:
        return "ABS"
    return "" if cell.value is None else str(cell.value)


# --- export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    rows: int
    content_type: str = CONTENT_TYPE


def sheet_rows(sheet: MarkSheet, *, language: str | None = None) -> list[MarkRow]:
    """The rows of the sheet's current pupils with their files, in name order (one query)."""
    if is_arabic(language):
        order = ("enrolment__student__last_name_ar", "enrolment__student__first_name_ar")
    else:
        order = ("enrolment__student__last_name_fr", "enrolment__student__first_name_fr")
    return list(
        MarkRow.objects.filter(sheet=sheet, enrolment_id__in=current_pupils(sheet.school_class))
        .select_related("enrolment__student")
        .order_by(*order, "enrolment__student__code_massar")
    )


def _sheet_name(text: str) -> str:
    return _SHEET_FORBIDDEN.sub("-", text).strip("'")[:31] or "1"


def _full_name(student, script: str) -> str:
    if script == "ar":
        return f"{student.last_name_ar} {student.first_name_ar}".strip()
    return f"{student.last_name_fr} {student.first_name_fr}".strip()


def sheet_export(*, actor, sheet: MarkSheet, language: str) -> ExportFile:
    """The sheet as .xlsx (see the module docstring). ``sheet`` comes from an access function;
    the read is checked again here so that no caller can export a sheet outside the actor's
    reach."""
    sheet = access.access_sheet(actor=actor, public_id=sheet.public_id)
    language = "ar" if is_arabic(language) else "fr"
    school_class = sheet.school_class
    fields = [*TEST_FIELDS[: sheet.test_count], "activities"]
    columns = [COLUMNS_BY_FIELD[name] for name in ("code_massar", "name_ar", "name_fr")]
    columns += [COLUMNS_BY_FIELD["birth_date"], *(COLUMNS_BY_FIELD[name] for name in fields)]
    rows = sheet_rows(sheet, language=language)

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title = f"{school_class.name} {sheet.subject.code} S{sheet.semester}"
    worksheet = book.add_worksheet(_sheet_name(title))
    if language == "ar":
        worksheet.right_to_left()
    heading = book.add_format({"bold": True, "font_size": 13})
    label = book.add_format({"bold": True, "font_color": "#555555"})
    muted = book.add_format({"italic": True, "font_color": "#555555"})
    head = book.add_format(
        {"bold": True, "bg_color": "#EEF5F0", "border": 1, "align": "center", "text_wrap": True}
    )
    other_head = book.add_format(
        {"italic": True, "bg_color": "#F6FAF7", "border": 1, "align": "center", "text_wrap": True}
    )
    text = book.add_format({"border": 1})
    birth = book.add_format({"border": 1, "num_format": "dd-mm-yyyy", "align": "center"})
    mark = book.add_format({"border": 1, "num_format": "0.00", "align": "center"})
    absent = book.add_format({"border": 1, "align": "center", "font_color": "#9C0006"})

    teacher = sheet.teacher.display_name if sheet.teacher else ""
    block = [
        (_("Establishment"), f"{sheet.establishment.name} ({sheet.establishment.code})"),
        (_("Class"), school_class.name),
        (_("Subject"), f"{sheet.subject.name} ({sheet.subject.code})"),
        (_("Semester"), str(sheet.semester)),
        (_("Teacher"), teacher),
        (_("School year"), sheet.school_year.label),
    ]
    worksheet.write_string(0, 0, _("Mark sheet"), heading)
    for index, (name, value) in enumerate(block, start=1):
        worksheet.write_string(index, 0, name, label)
        worksheet.write_string(index, 1, value)
    note = _(
        "Marks out of %(scale)s with at most two decimals; write %(absent)s for an absent pupil. "
        "An empty cell leaves the mark on Massar as it is."
    ) % {"scale": rule_for_class(school_class).scale, "absent": absent_word(language)}
    worksheet.write_string(len(block) + 2, 0, note, muted)
    first = len(block) + 4
    other = "fr" if language == "ar" else "ar"
    worksheet.write_row(
        first, 0, [pick(ar=c.ar, fr=c.fr, language=language) for c in columns], head
    )
    worksheet.write_row(
        first + 1, 0, [pick(ar=c.ar, fr=c.fr, language=other) for c in columns], other_head
    )
    worksheet.set_column(0, 0, 14)
    worksheet.set_column(1, 2, 28)
    worksheet.set_column(3, 3, 14)
    worksheet.set_column(4, 3 + len(fields), 12)
    worksheet.freeze_panes(first + 2, 1)
    word = absent_word(language)
    for offset, row in enumerate(rows):
        line = first + 2 + offset
        student = row.enrolment.student
        worksheet.write_string(line, 0, student.code_massar, text)
        worksheet.write_string(line, 1, _full_name(student, "ar"), text)
        worksheet.write_string(line, 2, _full_name(student, "fr"), text)
        worksheet.write_datetime(line, 3, student.birth_date, birth)
        for position, name in enumerate(fields, start=4):
            cell = cell_of(row, name)
            if cell.absent:
                worksheet.write_string(line, position, word, absent)
            elif cell.value is not None:
                worksheet.write_number(line, position, float(cell.value), mark)
            else:
                worksheet.write_blank(line, position, None, mark)
    meta = book.add_worksheet(META_SHEET)
    meta.very_hidden()
    meta.write_row(
        0,
        0,
        [
            META_MARK,
            META_FORMAT,
            str(sheet.public_id),
            str(school_class.public_id),
            school_class.name,
            sheet.subject.code,
            sheet.semester,
            timezone.now().isoformat(timespec="seconds"),
        ],
    )
    for offset, row in enumerate(rows, start=1):
        meta.write_row(
            offset,
            0,
            [
                row.enrolment.student.code_massar,
                row.version,
                *(_cell_text(cell_of(row, name)) for name in MARK_FIELDS),
            ],
        )
    book.close()
    filename = "-".join(
        [
            "marks",
            sheet.establishment.code,
            slugify(school_class.name) or "class",
            sheet.subject.code.lower(),
            f"s{sheet.semester}",
        ]
    )
    return ExportFile(filename=f"{filename}.xlsx", content=buffer.getvalue(), rows=len(rows))


# --- reading an upload ------------------------------------------------------------------------


@dataclass
class _Exported:
    """What the hidden worksheet says was exported."""

    sheet_id: str
    class_id: str
    class_name: str
    subject_code: str
    semester: int
    exported_at: str
    rows: dict[str, tuple[int, dict[str, Cell]]] = field(default_factory=dict)


@dataclass
class _Book:
    records: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)
    exported: _Exported | None = None


def _refuse(message, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code)


def _not_readable(name: str) -> ValidationFailed:
    return _refuse(
        _(
            "“%(name)s” cannot be read as a spreadsheet: it is damaged, protected by a "
            "password, or a file of another kind renamed. Save it from Excel or LibreOffice as "
            "an Excel workbook (.xlsx) and send it again."
        )
        % {"name": name[:80]},
        "file_malformed",
    )


def _read(upload) -> _Book:
    if upload is None:
        raise _refuse(_("Choose the file to import."), "file_missing")
    name = str(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _refuse(
            _("The file is too large (%(size)s); a mark sheet is at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)},
            "file_too_large",
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(
            _("The file is too large; a mark sheet is at most %(limit)s.")
            % {"limit": filesizeformat(MAX_BYTES)},
            "file_too_large",
        )
    if not data.strip():
        raise _refuse(_("The file is empty."), "file_empty")
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith((_ZIP, _OLE)):
        return _read_workbook(data, name)
    if suffix in ("xlsx", "xlsm", "xls", "ods") or data.startswith(_BINARY) or b"\x00" in data:
        raise _not_readable(name)
    return _Book(records=_read_csv(data))


def _check_zip(data: bytes, name: str) -> None:
    """Refuse a zip (xlsx, ods) that would unpack to far more than a mark sheet."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _not_readable(name) from error
    if unpacked > MAX_UNPACKED:
        raise _refuse(
            _("The file unpacks to %(size)s: this is not a mark sheet.")
            % {"size": filesizeformat(unpacked)},
            "file_too_large",
        )


def _read_workbook(data: bytes, name: str) -> _Book:
    if data.startswith(_ZIP):
        _check_zip(data, name)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [
            item.name
            for item in book.sheets_metadata
            if item.name != META_SHEET and item.visible == SheetVisibleEnum.Visible
        ] or [sheet for sheet in book.sheet_names if sheet != META_SHEET]
        if not visible:
            raise _refuse(_("The file has no worksheet."), "file_empty")
        rows = book.get_sheet_by_name(visible[0]).to_python(skip_empty_area=False)
        meta = (
            book.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False)
            if META_SHEET in book.sheet_names
            else None
        )
    except (CalamineError, ValueError, OSError, TypeError) as error:
        raise _not_readable(name) from error
    return _Book(records=list(enumerate(rows, start=1)), exported=_exported(meta))


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    text = decode_csv(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise _refuse(
            _("The CSV file is malformed: check its quotes and separators."), "file_malformed"
        ) from error
    return list(enumerate(rows, start=1))


def _stored_cell(value) -> Cell | None:
    try:
        return parse_mark("" if value is None else str(value), scale=MARK_CEILING)
    except ValidationFailed:
        return None


def _exported(meta) -> _Exported | None:
    """The hidden worksheet's record, or None when it is missing or was damaged."""
    if not meta or not meta[0] or str(meta[0][0]) != META_MARK or len(meta[0]) < 8:
        return None
    head = meta[0]
    try:
        exported = _Exported(
            sheet_id=str(head[2]),
            class_id=str(head[3]),
            class_name=str(head[4]),
            subject_code=str(head[5]),
            semester=int(float(head[6])),
            exported_at=str(head[7]),
        )
        for record in meta[1:]:
            if not record or not str(record[0]).strip():
                continue
            values = [*record, *[""] * (2 + len(MARK_FIELDS))][: 2 + len(MARK_FIELDS)]
            cells = {
                name: _stored_cell(value)
                for name, value in zip(MARK_FIELDS, values[2:], strict=True)
            }
            if any(cell is None for cell in cells.values()):
                continue  # a damaged row is treated as a row the file does not track
            exported.rows[str(record[0]).strip().upper()] = (int(float(values[1])), cells)
    except (TypeError, ValueError):
        return None
    return exported


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(records) -> tuple[int, dict[str, int], dict[str, str]]:
    """The index of the header record, the position and the written name of each column."""
    for index, (_number, record) in enumerate(records[:HEADER_SEARCH_ROWS]):
        positions: dict[str, int] = {}
        written: dict[str, str] = {}
        for position, value in enumerate(record):
            if _blank(value):
                continue
            name = HEADER_TO_FIELD.get(_key(value))
            if name is None:
                continue
            if name in positions:
                raise _refuse(
                    _("The column “%(name)s” appears twice in the header row.")
                    % {"name": str(value).strip()},
                    "column_twice",
                )
            positions[name] = position
            written[name] = str(value).strip()
        if "code_massar" in positions and any(name in positions for name in MARK_FIELDS):
            return index, positions, written
    raise _refuse(
        _(
            "The header row was not found. The file needs a “%(code)s” column and at least one "
            "column of marks (e.g. “%(test)s” or “%(activities)s”), named in Arabic or in French."
        )
        % {
            "code": COLUMNS_BY_FIELD["code_massar"].label,
            "test": COLUMNS_BY_FIELD["test_1"].label,
            "activities": COLUMNS_BY_FIELD["activities"].label,
        },
        "header_missing",
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _birth_date(value) -> date | None:
    """A date cell, dd-mm-yyyy text, or an Excel day number that lost its date format."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 80000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    return parse_birth_date(value)


# --- the preview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellChange:
    field: str
    before: Cell
    after: Cell

    @property
    def column(self) -> str:
        return COLUMNS_BY_FIELD[self.field].label

    @property
    def before_text(self) -> str:
        return show_cell(self.before)

    @property
    def after_text(self) -> str:
        return show_cell(self.after)


@dataclass
class RowPlan:
    number: int  # the row in the file
    code: str
    name: str
    enrolment_id: int
    version: int  # the row's version on Massar when the preview was made
    changes: list[CellChange] = field(default_factory=list)


@dataclass
class ImportPreview:
    sheet: MarkSheet
    rows: list[RowPlan]  # the pupils whose marks change
    errors: list[dict]  # {row, code_massar, column, field, code, msg}, in row order
    error_count: int
    pupils_in_file: int
    pupils_missing: int  # pupils of the class the file does not list
    tracked: bool  # the file carries what was exported (versions): staleness is checked
    exported_at: datetime | None = None

    @property
    def changes(self) -> int:
        return sum(len(row.changes) for row in self.rows)

    @property
    def can_confirm(self) -> bool:
        return not self.errors and bool(self.rows)

    def plan(self, *, actor) -> str:
        """The changes, signed for the confirmation (tamper-proof, expires)."""
        payload = {
            "sheet": str(self.sheet.public_id),
            "actor": actor.pk,
            "rows": [
                [row.enrolment_id, row.version, {c.field: _cell_text(c.after) for c in row.changes}]
                for row in self.rows
            ],
        }
        return signing.dumps(payload, salt=PLAN_SALT, compress=True)


class _Errors:
    def __init__(self, written: dict[str, str]):
        self.written = written
        self.items: list[dict] = []

    def add(self, number: int, code: str, name: str, error_code: str, message) -> None:
        self.items.append(
            {
                "row": number,
                "code_massar": code,
                "column": self.written.get(name) or COLUMNS_BY_FIELD[name].label,
                "field": name,
                "code": error_code,
                "msg": str(message),
            }
        )

    def sorted(self) -> list[dict]:
        return sorted(self.items, key=lambda e: (e["row"], _ORDER.get(e["field"], 99)))


def _require_writable(sheet: MarkSheet) -> None:
    if sheet.is_locked:
        raise _refuse(
            _(
                "This sheet was validated and locked by the director: a file cannot be imported "
                "into it. Ask the director for a change instead."
            ),
            "locked",
        )
    require_entry_open(
        establishment=sheet.establishment, school_year=sheet.school_year, semester=sheet.semester
    )


def writable_problem(sheet: MarkSheet) -> str | None:
    """Why no file can be imported into ``sheet`` now (locked, entry window closed), or None."""
    try:
        _require_writable(sheet)
    except ValidationFailed as error:
        return str(error.message)
    return None


def _other_class(other: str | None, school_class) -> ValidationFailed:
    if other:
        message = _(
            "This file is the sheet of another class (%(other)s), not of %(class)s: nothing was "
            "imported. Download the sheet of %(class)s and enter the marks in it."
        ) % {"other": other[:30], "class": school_class.name}
    else:
        message = _(
            "This file is the sheet of another class: most of its pupils are not in %(class)s. "
            "Nothing was imported."
        ) % {"class": school_class.name}
    return _refuse(message, "other_class")


def _check_same_sheet(sheet: MarkSheet, exported: _Exported | None) -> None:
    if exported is None:
        return
    if exported.class_id != str(sheet.school_class.public_id):
        raise _other_class(exported.class_name, sheet.school_class)
    if exported.subject_code != sheet.subject.code or exported.semester != sheet.semester:
        raise _refuse(
            _(
                "This file is the sheet of %(subject)s, semester %(semester)s, not of this "
                "sheet: nothing was imported."
            )
            % {"subject": exported.subject_code[:16], "semester": exported.semester},
            "other_sheet",
        )


def _check_pupils_of_the_class(sheet: MarkSheet, codes: list[str], rows: dict) -> None:
    """A file most of whose pupils are not in the class is another class's: one message (the
    class named when it is one of the school's this year) instead of a row error per pupil."""
    strangers = [code for code in codes if code and code not in rows]
    if len(strangers) <= len([code for code in codes if code in rows]):
        return
    placed = Counter(
        ClassPlacement.objects.filter(
            enrolment__student__code_massar__in=strangers[:MAX_ROWS],
            school_class__establishment_id=sheet.establishment_id,
            school_class__school_year_id=sheet.school_year_id,
        ).values_list("school_class__name", flat=True)
    )
    raise _other_class(placed.most_common(1)[0][0] if placed else None, sheet.school_class)


def _data_rows(book: _Book, start: int, positions: dict[str, int], fields: list[str]):
    """The pupils' rows below the header: (row number, values by column)."""
    data: list[tuple[int, dict[str, object]]] = []
    for number, record in book.records[start + 1 :]:
        if all(_blank(value) for value in record):
            continue
        values = {
            name: (record[position] if position < len(record) else None)
            for name, position in positions.items()
        }
        code = _text(values["code_massar"])
        if HEADER_TO_FIELD.get(_key(code)) == "code_massar":
            continue  # the header row in the other language
        if all(_blank(values[name]) for name in fields) and not _CODE_LIKE.match(code):
            continue  # a note, a total or a signature line: no mark and no code
        data.append((number, values))
        if len(data) > MAX_ROWS:
            raise _refuse(
                _("The file has more than %(count)s rows: it is not the sheet of a class.")
                % {"count": MAX_ROWS},
                "file_too_many_rows",
            )
    if not data:
        raise _refuse(_("The file has a header row but no pupil."), "file_no_rows")
    return data


def _check_test_columns(sheet, data, fields: list[str], written: dict[str, str]) -> list[str]:
    """The mark columns of the sheet; marks in a test column it does not have refuse the file."""
    allowed = {*TEST_FIELDS[: sheet.test_count], "activities"}
    for name in fields:
        if name not in allowed and any(not _blank(values[name]) for _number, values in data):
            raise _refuse(
                _(
                    "The file has marks in the column “%(column)s” but this sheet has "
                    "%(count)s tests: set the number of tests on the sheet first."
                )
                % {"column": written[name], "count": sheet.test_count},
                "unknown_column",
            )
    return [name for name in fields if name in allowed]


def _check_birth_date(number: int, code: str, raw, student, errors: _Errors) -> None:
    born = _birth_date(raw)
    if born is None:
        errors.add(
            number,
            code,
            "birth_date",
            "bad_date",
            _("“%(value)s” is not a date: write it dd-mm-yyyy.") % {"value": _text(raw)[:20]},
        )
    elif born != student.birth_date:
        errors.add(
            number,
            code,
            "birth_date",
            "birth_date_mismatch",
            _(
                "The pupil %(code)s was born on %(born)s, not on %(written)s: check that this "
                "row is the right pupil."
            )
            % {
                "code": code,
                "born": student.birth_date.strftime("%d-%m-%Y"),
                "written": born.strftime("%d-%m-%Y"),
            },
        )


def _plan_row(number, code, row, values, fields, scale: int, errors: _Errors) -> RowPlan:
    """What the file changes in one pupil's row: each non-empty cell that differs."""
    student = row.enrolment.student
    plan = RowPlan(
        number=number,
        code=code,
        name=pick(ar=_full_name(student, "ar"), fr=_full_name(student, "fr")),
        enrolment_id=row.enrolment_id,
        version=row.version,
    )
    for name in fields:
        try:
            cell = parse_mark(values[name], scale=scale)
        except ValidationFailed as error:
            errors.add(number, code, name, error.code, error.message)
            continue
        current = cell_of(row, name)
        if not cell.is_empty and cell != current:
            plan.changes.append(CellChange(field=name, before=current, after=cell))
    return plan


def marks_import_preview(*, actor, sheet: MarkSheet, upload) -> ImportPreview:
    """Read ``upload`` against ``sheet`` and say what importing it would change; writes nothing.

    File-level problems (unreadable, too large, no header, another class's or sheet's file, a
    locked sheet, a closed entry window, marks in a test column the sheet does not have) raise
    ``ValidationFailed``; row problems are in ``errors`` (the preview cannot then be
    confirmed)."""
    sheet = access.access_sheet(actor=actor, public_id=sheet.public_id, write=True)
    _require_writable(sheet)
    book = _read(upload)
    exported = book.exported
    _check_same_sheet(sheet, exported)
    scale = rule_for_class(sheet.school_class).scale
    start, positions, written = _header(book.records)
    fields = [name for name in MARK_FIELDS if name in positions]
    data = _data_rows(book, start, positions, fields)
    fields = _check_test_columns(sheet, data, fields, written)
    rows = {
        row.enrolment.student.code_massar: row
        for row in MarkRow.objects.filter(
            sheet=sheet, enrolment_id__in=current_pupils(sheet.school_class)
        ).select_related("enrolment__student")
    }
    codes = [_text(values["code_massar"]).upper() for _number, values in data]
    if exported is None:
        _check_pupils_of_the_class(sheet, codes, rows)

    errors = _Errors(written)
    plans: list[RowPlan] = []
    first_row: dict[str, int] = {}
    for (number, values), code in zip(data, codes, strict=True):
        if not code:
            errors.add(number, "", "code_massar", "code_missing", _("The code Massar is missing."))
            continue
        if code in first_row:
            message = _("The pupil %(code)s is already on row %(row)s.") % {
                "code": code,
                "row": first_row[code],
            }
            errors.add(number, code, "code_massar", "pupil_twice", message)
            continue
        first_row[code] = number
        row = rows.get(code)
        if row is None:
            message = _("The pupil %(code)s is not in %(class)s.") % {
                "code": code,
                "class": sheet.school_class.name,
            }
            errors.add(number, code, "code_massar", "not_in_class", message)
            continue
        if "birth_date" in positions and not _blank(values["birth_date"]):
            _check_birth_date(number, code, values["birth_date"], row.enrolment.student, errors)
        plan = _plan_row(number, code, row, values, fields, scale, errors)
        if plan.changes and exported is not None and code in exported.rows:
            _check_stale(plan, row, exported.rows[code], sheet.test_count, errors)
        if plan.changes:
            plans.append(plan)

    details = errors.sorted()
    return ImportPreview(
        sheet=sheet,
        rows=plans,
        errors=details[:MAX_REPORTED_ERRORS],
        error_count=len(details),
        pupils_in_file=len(first_row),
        pupils_missing=len(set(rows) - set(first_row)),
        tracked=exported is not None,
        exported_at=_when(exported.exported_at) if exported else None,
    )


def _check_stale(plan: RowPlan, row: MarkRow, exported, test_count: int, errors: _Errors) -> None:
    """A row the file changes, saved on Massar since the export: refused where Massar's mark is
    no longer the exported one (see the module docstring)."""
    version, cells = exported
    if row.version == version:
        return
    for name in (*TEST_FIELDS[:test_count], "activities"):
        then, now = cells[name], cell_of(row, name)
        if now == then:
            continue
        errors.add(
            plan.number,
            plan.code,
            name,
            "stale",
            _(
                "This mark was changed on Massar after the file was downloaded (it was "
                "%(then)s, it is now %(now)s): download the sheet again and enter your marks "
                "in it."
            )
            % {"then": show_cell(then), "now": show_cell(now)},
        )


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


# --- the confirmation -------------------------------------------------------------------------


def read_plan(token: str, *, actor, sheet: MarkSheet) -> list[RowChange]:
    """The changes of a signed preview of ``sheet`` made by ``actor``; ``ValidationFailed``
    when it expired or was altered."""
    try:
        payload = signing.loads(token or "", salt=PLAN_SALT, max_age=PLAN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise _refuse(_("This preview is too old: send the file again."), "plan_expired") from error
    except signing.BadSignature as error:
        raise _refuse(_("This preview is not valid: send the file again."), "plan_invalid") from (
            error
        )
    if payload.get("sheet") != str(sheet.public_id) or payload.get("actor") != actor.pk:
        raise _refuse(_("This preview is not valid: send the file again."), "plan_invalid")
    return [
        RowChange(enrolment_id=int(enrolment_id), version=int(version), cells=dict(cells))
        for enrolment_id, version, cells in payload.get("rows", [])
    ]


def marks_import_confirm(*, actor, sheet: MarkSheet, token: str) -> SaveResult:
    """Save a confirmed preview: one ``marks_save`` call, all or nothing, with the versions the
    preview read (a save by someone else since then raises ``StaleMarks``)."""
    sheet = access.access_sheet(actor=actor, public_id=sheet.public_id, write=True)
    changes = read_plan(token, actor=actor, sheet=sheet)
    if not changes:
        raise _refuse(_("The file changes no mark: there is nothing to save."), "no_change")
    _require_writable(sheet)
    return marks_save(actor=actor, sheet=sheet, changes=changes)


def describe_result(result: SaveResult) -> str:
    return ngettext(
        "The marks of %(count)s pupil were saved.",
        "The marks of %(count)s pupils were saved.",
        result.saved_rows,
    ) % {"count": result.saved_rows}


EMPTY_CELLS_RULE = gettext_lazy(
    "Empty cells in the file leave the marks on Massar as they are: an import never clears a "
    "mark (clear it on the sheet)."
)
