"""Input of the mark-entry pages: what the sheet form sends, turned into ``RowChange``s; a pasted
column; the rows as the page shows them (saved marks, or what was typed with its errors and the
other person's marks after a conflict); and the small forms (number of tests, a correction, the
director's decision).

The sheet form names its inputs after the pupil's code Massar: ``<code>.version`` (the version
the page was loaded at), ``<code>.was`` (the marks at that version), ``<code>.test_1`` …
``<code>.activities`` and ``<code>.appreciation``; ``<code>.confirm`` carries the current version
when the teacher chose to keep their marks after a conflict. Only the rows and cells that differ
from ``was`` are sent to ``marks_save``, so a row someone else saved meanwhile conflicts only
when this teacher changed it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from massar.core.errors import ValidationFailed
from massar.core.i18n import pick

from .marks_input import Cell, parse_mark
from .models import MarkField, MarkRow
from .models.marks import MARK_CEILING
from .selectors_marks import TEST_FIELDS
from .services_marks import ABSENT_OF, RowChange, cell_of

ALL_FIELDS = (*TEST_FIELDS, "activities")
ABSENT = "ABS"
MAX_PASTED_LINES = 200


# --- showing and reading a mark ---------------------------------------------------------------


def absent_word() -> str:
    """How "absent" is shown in the active language ("غ" in Arabic, "ABS" in French)."""
    return gettext("ABS")


def show_mark(value: Decimal | None, absent: bool) -> str:
    """A mark as the page shows it: two decimals with the language's decimal comma."""
    if absent:
        return absent_word()
    if value is None:
        return ""
    return number_format(value, decimal_pos=2)


def show_canonical(text: str | None) -> str:
    """A mark given as ``"12.50"``, ``"ABS"`` or empty (the conflict details), shown."""
    if not text:
        return ""
    if text == ABSENT:
        return absent_word()
    return number_format(Decimal(text), decimal_pos=2)


def typed(raw) -> str:
    """What was typed in a cell, with the shown word for "absent" read as "ABS"."""
    text = str(raw or "").strip()
    if text and text.casefold() == absent_word().casefold():
        return ABSENT
    return text


def _canonical(cell: Cell) -> str:
    if cell.absent:
        return ABSENT
    return "" if cell.value is None else str(cell.value)


def column_label(name: str) -> str:
    if name == "appreciation":
        return gettext("Appreciation")
    return str(MarkField(name).label)


# --- the marks a page was loaded with ---------------------------------------------------------


def encode_was(row: MarkRow) -> str:
    """The row's marks and appreciation, in one hidden input: ``12.50|ABS|||14.00|Bien``."""
    return "|".join([*(_canonical(cell_of(row, name)) for name in ALL_FIELDS), row.appreciation])


def _decode_was(text: str | None) -> tuple[dict[str, str], str] | None:
    if text is None:
        return None
    parts = text.split("|", len(ALL_FIELDS))
    if len(parts) != len(ALL_FIELDS) + 1:
        return None
    return dict(zip(ALL_FIELDS, parts[:-1], strict=True)), parts[-1]


def _same(raw: str, before: str) -> bool:
    """Whether a typed value is the mark the page was loaded with (an invalid value is not)."""
    try:
        return parse_mark(typed(raw), scale=MARK_CEILING) == parse_mark(before, scale=MARK_CEILING)
    except ValidationFailed:
        return False


def _int_or_none(raw) -> int | None:
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return None


# --- what the sheet form sent -----------------------------------------------------------------


@dataclass
class RowInput:
    code: str
    version: int | None
    confirm: int | None
    was: tuple[dict[str, str], str] | None
    cells: dict[str, str] = field(default_factory=dict)
    appreciation: str | None = None


def read_rows(data, columns) -> dict[str, RowInput]:
    """The rows the form sent, by code Massar (a row is sent with its ``.version``)."""
    rows: dict[str, RowInput] = {}
    for key in data:
        if not key.endswith(".version"):
            continue
        code = key[: -len(".version")].strip().upper()
        if not code or len(code) > 20 or code in rows:
            continue
        prefix = key[: -len("version")]
        row = RowInput(
            code=code,
            version=_int_or_none(data.get(key)),
            confirm=_int_or_none(data.get(prefix + "confirm")),
            was=_decode_was(data.get(prefix + "was")),
        )
        for name in columns:
            if prefix + name in data:
                row.cells[name] = str(data.get(prefix + name))[:40]
        if prefix + "appreciation" in data:
            row.appreciation = str(data.get(prefix + "appreciation"))[:400]
        rows[code] = row
    return rows


@dataclass(frozen=True)
class PastedColumn:
    field: str
    lines: list[tuple[str | None, str]]  # (code Massar or None for "the n-th pupil", mark)


def read_paste(data, columns) -> tuple[PastedColumn | None, str]:
    """The pasted column, or an error. A line is a mark (the n-th line goes to the n-th pupil
    of the page), or a code Massar and a mark separated by a tab or ";" (as copied from two
    columns of a spreadsheet; columns between them are ignored). Empty lines leave the mark."""
    text = str(data.get("paste_values") or "")
    if not text.strip():
        return None, ""
    name = str(data.get("paste_column") or "")
    if name not in columns:
        return None, gettext("Choose the column the marks go to.")
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while raw_lines and not raw_lines[-1].strip():
        raw_lines.pop()
    if len(raw_lines) > MAX_PASTED_LINES:
        return None, gettext("Paste at most %(count)s lines.") % {"count": MAX_PASTED_LINES}
    with_codes = any("\t" in line or ";" in line for line in raw_lines)
    lines: list[tuple[str | None, str]] = []
    for number, line in enumerate(raw_lines, start=1):
        if not with_codes:
            lines.append((None, line.strip()))
            continue
        if not line.strip():
            lines.append((None, ""))
            continue
        parts = [part.strip() for part in line.replace(";", "\t").split("\t")]
        if len(parts) < 2 or not parts[0]:
            return None, gettext(
                "Line %(number)s: give the code Massar and the mark, separated by a tab or “;”."
            ) % {"number": number}
        lines.append((parts[0].upper(), parts[-1]))
    return PastedColumn(field=name, lines=lines), ""


@dataclass
class Submission:
    """The changes to send to ``marks_save``, and what to show if they are refused."""

    changes: list[RowChange]
    shown: dict[str, dict[str, str]]  # code → field → what the page shows in the input
    errors: list[dict]  # {"loc": [code, field] | [code] | [], "msg": …}
    codes: list[str]  # codes of the rows sent, in the order of the changes


def build_submission(
    *, rows: dict[str, RowInput], paste: PastedColumn | None, sheet_rows: list[MarkRow], columns
) -> Submission:
    """Turn the form into ``RowChange``s: the cells that differ from what the page was loaded
    with, and the pasted column on top. Unknown pupils are errors here (nothing is sent)."""
    by_code = {row.enrolment.student.code_massar: row for row in sheet_rows}
    errors: list[dict] = []
    cells: dict[str, dict[str, str]] = {}
    notes: dict[str, str] = {}
    shown: dict[str, dict[str, str]] = {}
    for code, row in rows.items():
        if code not in by_code:  # not (or no longer) placed in the class
            errors.append(
                {
                    "loc": [],
                    "msg": gettext("%(code)s is not a pupil of this sheet.") % {"code": code},
                }
            )
            continue
        shown[code] = dict(row.cells)
        before, note_before = row.was if row.was else ({}, None)
        for name, raw in row.cells.items():
            if name not in before or not _same(raw, before[name]):
                cells.setdefault(code, {})[name] = typed(raw)
        if row.appreciation is not None and (
            note_before is None or row.appreciation.strip() != note_before.strip()
        ):
            notes[code] = row.appreciation
            shown[code]["appreciation"] = row.appreciation
    if paste is not None:
        ordered = list(by_code)
        if any(code is None for code, _raw in paste.lines) and len(paste.lines) > len(ordered):
            errors.append(
                {
                    "loc": [],
                    "msg": gettext(
                        "The pasted column has %(lines)s lines but the sheet has %(pupils)s pupils."
                    )
                    % {"lines": len(paste.lines), "pupils": len(ordered)},
                }
            )
        else:
            for position, (code, raw) in enumerate(paste.lines):
                if not raw.strip():
                    continue  # an empty line leaves the pupil's mark as it is
                code = code or ordered[position]
                if code not in by_code:
                    errors.append(
                        {
                            "loc": [],
                            "msg": gettext(
                                "Line %(number)s: %(code)s is not a pupil of this sheet."
                            )
                            % {"number": position + 1, "code": code},
                        }
                    )
                    continue
                cells.setdefault(code, {})[paste.field] = typed(raw)
                shown.setdefault(code, {})[paste.field] = raw
    changes: list[RowChange] = []
    codes: list[str] = []
    for code in by_code:
        if code not in cells and code not in notes:
            continue
        row = rows.get(code)
        version = None if row is None else (row.confirm or row.version)
        changes.append(
            RowChange(
                enrolment_id=by_code[code].enrolment_id,
                version=version if version is not None else 0,
                cells=cells.get(code, {}),
                appreciation=notes.get(code),
            )
        )
        codes.append(code)
    return Submission(changes=changes, shown=shown, errors=errors, codes=codes)


# --- rows as the page shows them --------------------------------------------------------------


@dataclass
class CellView:
    field: str
    label: str
    value: str  # in the input
    error: str = ""
    pending: str = ""  # the correction waiting for the director, shown


@dataclass
class RowView:
    number: int
    code: str
    name: str
    enrolment_id: int
    version: int
    was: str
    cells: list[CellView]
    appreciation: str
    appreciation_error: str = ""
    errors: list[str] = field(default_factory=list)
    theirs: list[tuple[str, str]] = field(default_factory=list)  # (column, their mark)
    their_note: str | None = None
    current_version: int | None = None  # after a conflict: the version to keep mine over
    saved: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors or self.appreciation_error or any(cell.error for cell in self.cells)
        )

    @property
    def invalid_fields(self) -> str:
        names = [cell.field for cell in self.cells if cell.error]
        if self.appreciation_error:
            names.append("appreciation")
        return " ".join(names)


def row_views(
    rows: list[MarkRow],
    columns,
    *,
    numbers: dict[str, int] | None = None,
    shown: dict[str, dict[str, str]] | None = None,
    base: dict[str, RowInput] | None = None,
    errors: list[dict] = (),
    conflicts: list[dict] = (),
    pending: dict | None = None,
    saved=(),
) -> list[RowView]:
    """The rows of the page: saved marks, or (``shown``) what was typed, with the errors of a
    refused save and, after a conflict, the other person's marks. ``base`` keeps the version
    and marks the form was loaded with, so that saving again still names them."""
    shown = shown or {}
    base = base or {}
    pending = pending or {}
    cell_errors: dict[tuple[str, str], str] = {}
    row_errors: dict[str, list[str]] = {}
    for item in errors:
        loc = item.get("loc") or []
        if len(loc) >= 2:
            cell_errors[(loc[0], loc[1])] = item["msg"]
        elif loc:
            row_errors.setdefault(loc[0], []).append(item["msg"])
    stale = {item["loc"][0]: item for item in conflicts}
    labels = {name: column_label(name) for name in columns}
    views = []
    for position, row in enumerate(rows, start=1):
        student = row.enrolment.student
        code = student.code_massar
        typed_cells = shown.get(code, {})
        loaded = base.get(code)
        cells = []
        for name in columns:
            if name in typed_cells:
                value = typed_cells[name]
            else:
                value = show_mark(getattr(row, name), getattr(row, ABSENT_OF[name]))
            waiting = pending.get((row.enrolment_id, name))
            cells.append(
                CellView(
                    field=name,
                    label=labels[name],
                    value=value,
                    error=cell_errors.get((code, name), ""),
                    pending=show_mark(waiting.new_value, waiting.new_absent) if waiting else "",
                )
            )
        view = RowView(
            number=(numbers or {}).get(code, position),
            code=code,
            name=pick(ar=student.full_name_ar, fr=student.full_name_fr),
            enrolment_id=row.enrolment_id,
            version=row.version,
            was=encode_was(row),
            cells=cells,
            appreciation=typed_cells.get("appreciation", row.appreciation),
            appreciation_error=cell_errors.get((code, "appreciation"), ""),
            errors=row_errors.get(code, []),
            saved=code in saved,
        )
        if loaded is not None and (typed_cells or code in stale):
            # A refused save: the form keeps the version and marks it was loaded with.
            view.version = loaded.version if loaded.version is not None else row.version
            if loaded.was is not None:
                marks, note = loaded.was
                view.was = "|".join([*(marks[name] for name in ALL_FIELDS), note])
        if code in stale:
            item = stale[code]
            view.current_version = item["version"]
            view.theirs = [(labels[name], show_canonical(item.get(name))) for name in columns]
            view.their_note = row.appreciation
        views.append(view)
    return views


# --- small forms ------------------------------------------------------------------------------


class SheetTestsForm(forms.Form):
    test_count = forms.TypedChoiceField(label=_("Number of tests"), coerce=int)

    def __init__(self, *args, maximum: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["test_count"].choices = [(n, str(n)) for n in range(1, maximum + 1)]


class CorrectionForm(forms.Form):
    value = forms.CharField(
        label=_("Corrected mark"),
        max_length=20,
        required=False,
        help_text=_("A number such as 12,5, or ABS for an absent pupil."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
