"""Importing a school's pupils from a spreadsheet: validate every row, then write all or nothing.

Each row is a pupil of the establishment for the school year: identity (names in both scripts,
birth date, sex), level, class and optionally the stream and the code Massar.

- **Validation first.** Every row is checked (formats, birth date not in the future, age within
  the level's range, level known and taught at the school, stream of that level, code format)
  and then the rows together (a code twice in the file, codes already used, likely duplicates of
  existing children and of other rows). All errors are reported at once, each with the row
  number as the spreadsheet shows it, the column as the file names it and a translated message.
  If any row fails, nothing is written.
- **Blank code Massar** = a new pupil: a new file gets a code handed out by
  ``codes.allocate_codes`` (one block for the whole file). A new pupil who looks like an existing
  child (``duplicates.likely_duplicates``: same birth date and folded name) is refused: an import
  cannot confirm that it is another child, which needs the registration page and a reason.
- **A code Massar that belongs to a file held by this school, not enrolled this year** is a
  re-registration: that file is enrolled for the year (kind "continuing", repeating when its
  last enrolment was in the same level). The row's birth date and name (either script) must match
  the file, so that a mistyped code cannot enrol another child; the file's identity is not changed
  by an import (corrections go through the file, with history). We chose this over rejecting
  every known code because the usual September file of a school is exactly last year's pupils,
  moved up a level, with their codes.
- A code of a file held by **another school** is refused (that is a transfer), as is a code of a
  pupil already enrolled this year, a merged file's code, and an unknown code typed by hand that
  is not in the database: a code comes from the national system, so an unknown one is accepted as
  the code of a new file (as ``student_register(code_massar=…)`` does).
- **The write** is set-based, in the caller's transaction: one block of codes, one
  ``bulk_create`` of files (with their history rows), one of enrolments (with history). No
  guardian is created: the file's guardians are added on the file afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from massar.core.errors import ValidationFailed
from massar.curriculum.models import Level, Stream
from massar.territory.models import Establishment, SchoolYear

from .. import access
from ..codes import allocate_codes, is_valid_code, normalise_code
from ..duplicates import Identity, likely_duplicates, set_name_keys
from ..models import (
    ACTIVE_ENROLMENT_STATUSES,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    LevelAgeRule,
    RegistrationCalendar,
    Student,
)
from ..services import age_on, parse_sex
from .columns import COLUMNS, COLUMNS_BY_FIELD, fold_header
from .reading import read_upload

NAME_FIELDS = ("last_name_ar", "first_name_ar", "last_name_fr", "first_name_fr")
ARABIC_NAME_FIELDS = ("last_name_ar", "first_name_ar")
NAME_MAX_LENGTH = 100
CLASS_MAX_LENGTH = 30
#: At most this many row errors are reported (the count says how many there are in all).
MAX_REPORTED_ERRORS = 500
HISTORY_REASON = "spreadsheet import"

_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


@dataclass(frozen=True)
class ImportResult:
    establishment: Establishment
    school_year: SchoolYear
    created: int
    reregistered: int
    codes: tuple[str, ...] = ()  # the codes handed out to new pupils, in row order

    @property
    def total(self) -> int:
        return self.created + self.reregistered


@dataclass
class _Row:
    number: int
    code: str = ""
    values: dict = field(default_factory=dict)  # validated identity values
    level: Level | None = None
    stream: Stream | None = None
    class_label: str = ""
    valid: bool = True
    existing_id: int | None = None  # the file re-registered by this row
    repeating: bool = False
    student: Student | None = None  # the new file, with its name keys (valid rows only)

    def identity(self) -> Identity:
        return Identity(
            first_name_ar=self.values["first_name_ar"],
            last_name_ar=self.values["last_name_ar"],
            first_name_fr=self.values["first_name_fr"],
            last_name_fr=self.values["last_name_fr"],
            birth_date=self.values["birth_date"],
        )

    def file(self) -> Student:
        """The new file of a valid row, with its name keys (built once)."""
        if self.student is None:
            self.student = Student(**self.values)
            set_name_keys(self.student)
        return self.student

    @property
    def keys(self) -> tuple[date, str, str]:
        """Birth date and the name keys under which duplicates collide."""
        student = self.file()
        return student.birth_date, student.name_key_ar, student.name_key_latin


class _Errors:
    def __init__(self, headers: dict[str, str]):
        self.headers = headers
        self.items: list[dict] = []

    def add(self, row: _Row, name: str, code: str, message: str) -> None:
        row.valid = False
        self.items.append(
            {
                "row": row.number,
                "column": self.headers.get(name) or COLUMNS_BY_FIELD[name].label,
                "field": name,
                "code": code,
                "msg": str(message),
            }
        )

    def sorted(self) -> list[dict]:
        order = {column.field: index for index, column in enumerate(COLUMNS)}
        return sorted(self.items, key=lambda e: (e["row"], order.get(e["field"], 99)))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def parse_birth_date(value) -> date | None:
    """A date cell, or text as dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd; ``None`` for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None  # a number is not a date (a mark, an Excel serial number without format)
    text = value.strip()
    match = _DAY_FIRST.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            return None
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return fold_header(text).replace(" ", "")


class _Context:
    """What the rows are checked against, loaded once per file (a handful of queries)."""

    def __init__(self, establishment: Establishment, school_year: SchoolYear):
        self.establishment = establishment
        self.school_year = school_year
        self.today = timezone.localdate()
        self.levels: dict[str, Level] = {}
        levels = list(Level.objects.select_related("cycle"))
        for level in levels:
            for name in (level.name_ar, level.name_fr, level.code):
                self.levels.setdefault(_key(name), level)
        self.streams: dict[int, list[Stream]] = {}
        for stream in Stream.objects.filter(is_active=True).order_by("code"):
            self.streams.setdefault(stream.level_id, []).append(stream)
        self.taught = set(establishment.cycles.values_list("cycle", flat=True))
        calendar = RegistrationCalendar.objects.filter(school_year=school_year).first()
        self.cutoff = calendar.age_cutoff_date if calendar else None
        self.ages = {
            rule.level_id: (rule.min_age, rule.max_age)
            for rule in LevelAgeRule.objects.filter(school_year=school_year)
        }

    def level(self, raw: str) -> Level | None:
        return self.levels.get(_key(raw)) if raw else None

    def stream(self, level: Level, raw: str, class_label: str) -> tuple[Stream | None, str]:
        streams = self.streams.get(level.pk, [])
        codes = ", ".join(s.code for s in streams)
        if raw:
            wanted = _key(raw)
            for stream in streams:
                if wanted in (_key(stream.code), _key(stream.abbreviation)):
                    return stream, ""
            message = _("“%(value)s” is not a stream of %(level)s; its streams are %(codes)s.")
            return None, message % {"value": raw, "level": level.name, "codes": codes}
        general = [s for s in streams if s.is_general]
        if general:
            return general[0], ""
        if len(streams) == 1:
            return streams[0], ""
        label = _key(class_label)
        candidates = [
            s
            for s in streams
            if label.startswith(_key(s.abbreviation))
            or label.removeprefix(_key(level.code)).startswith(_key(s.abbreviation))
        ]
        if candidates:
            return max(candidates, key=lambda s: len(s.abbreviation)), ""
        return None, _(
            "%(level)s has several streams: write the stream (%(codes)s) or name the class "
            "after it, e.g. %(example)s-1."
        ) % {"level": level.name, "codes": codes, "example": streams[0].abbreviation}


def _parse_row(number: int, raw: dict, context: _Context, errors: _Errors) -> _Row:
    row = _Row(number=number)
    values = {}
    for name in NAME_FIELDS:
        text = _text(raw.get(name))
        if not text:
            errors.add(row, name, "required", _("This value is required."))
        elif len(text) > NAME_MAX_LENGTH:
            errors.add(
                row,
                name,
                "too_long",
                _("At most %(max)s characters.") % {"max": NAME_MAX_LENGTH},
            )
        elif name in ARABIC_NAME_FIELDS and not _ARABIC_LETTER.search(text):
            errors.add(row, name, "script", _("Write this name in Arabic letters."))
        elif name not in ARABIC_NAME_FIELDS and (
            _ARABIC_LETTER.search(text) or not _LATIN_LETTER.search(text)
        ):
            errors.add(row, name, "script", _("Write this name in Latin letters."))
        values[name] = text

    raw_date = raw.get("birth_date")
    birth_date = parse_birth_date(raw_date)
    if _text(raw_date) == "":
        errors.add(row, "birth_date", "required", _("This value is required."))
    elif birth_date is None:
        errors.add(
            row,
            "birth_date",
            "bad_date",
            _(
                "“%(value)s” is not a date: write the birth date as dd-mm-yyyy, dd/mm/yyyy or "
                "yyyy-mm-dd, e.g. 14-03-2009."
            )
            % {"value": _text(raw_date)},
        )
    elif birth_date > context.today:
        errors.add(row, "birth_date", "birth_date_future", _("The birth date is in the future."))
    values["birth_date"] = birth_date

    raw_sex = _text(raw.get("sex"))
    sex = parse_sex(raw_sex)
    if not raw_sex:
        errors.add(row, "sex", "required", _("This value is required."))
    elif sex is None:
        errors.add(row, "sex", "bad_sex", _("Write ذكر or أنثى, or M or F."))
    values["sex"] = sex
    row.values = values

    raw_level = _text(raw.get("level"))
    level = context.level(raw_level)
    if not raw_level:
        errors.add(row, "level", "required", _("This value is required."))
    elif level is None:
        errors.add(
            row,
            "level",
            "unknown_level",
            _("Unknown level “%(value)s”: write its code (e.g. TC, 1AC) or its name.")
            % {"value": raw_level},
        )
    elif level.cycle.code not in context.taught:
        errors.add(
            row,
            "level",
            "level_not_taught",
            _("%(school)s does not teach %(level)s.")
            % {"school": context.establishment.name, "level": level.name},
        )
        level = None
    row.level = level

    row.class_label = _text(raw.get("class_label"))
    if not row.class_label:
        errors.add(row, "class_label", "required", _("This value is required."))
    elif len(row.class_label) > CLASS_MAX_LENGTH:
        errors.add(
            row,
            "class_label",
            "too_long",
            _("At most %(max)s characters.") % {"max": CLASS_MAX_LENGTH},
        )

    if level is not None:
        stream, message = context.stream(level, _text(raw.get("stream")), row.class_label)
        if stream is None:
            errors.add(row, "stream", "unknown_stream", message)
        row.stream = stream
        rule = context.ages.get(level.pk)
        if birth_date is not None and birth_date <= context.today and rule and context.cutoff:
            age = age_on(birth_date, context.cutoff)
            if not rule[0] <= age <= rule[1]:
                errors.add(
                    row,
                    "birth_date",
                    "age_out_of_range",
                    _(
                        "On %(date)s the child will be %(age)s years old; %(level)s takes pupils "
                        "aged %(min)s to %(max)s."
                    )
                    % {
                        "date": context.cutoff.strftime("%d/%m/%Y"),
                        "age": age,
                        "level": level.name,
                        "min": rule[0],
                        "max": rule[1],
                    },
                )

    code = normalise_code(_text(raw.get("code_massar")))
    if code and not is_valid_code(code):
        errors.add(
            row,
            "code_massar",
            "code_format",
            _("A code Massar is one capital letter followed by nine digits, e.g. D166027860."),
        )
        code = ""
    row.code = code
    return row


def _check_codes(rows: list[_Row], context: _Context, errors: _Errors) -> None:
    """Codes twice in the file, and codes of existing files: re-registration or refusal."""
    first_row: dict[str, _Row] = {}
    for row in rows:
        if not row.code:
            continue
        if row.code in first_row:
            errors.add(
                row,
                "code_massar",
                "code_twice",
                _("The code Massar %(code)s is already on row %(row)s.")
                % {"code": row.code, "row": first_row[row.code].number},
            )
        else:
            first_row[row.code] = row
    if not first_row:
        return
    existing = {
        student.code_massar: student
        for student in Student.objects.filter(code_massar__in=list(first_row)).only(
            "id",
            "code_massar",
            "establishment_id",
            "merged_into_id",
            "birth_date",
            "name_key_ar",
            "name_key_latin",
            "first_name_ar",
            "last_name_ar",
            "first_name_fr",
            "last_name_fr",
        )
    }
    if not existing:
        return
    ids = [student.pk for student in existing.values()]
    enrolled = set(
        Enrolment.objects.filter(
            student_id__in=ids,
            school_year=context.school_year,
            status__in=ACTIVE_ENROLMENT_STATUSES,
        ).values_list("student_id", flat=True)
    )
    # The level of each file's latest earlier year, to mark repeaters.
    latest = dict(
        Enrolment.objects.filter(
            student_id__in=ids, school_year__starts_on__lt=context.school_year.starts_on
        )
        .values("student_id")
        .annotate(starts_on=Max("school_year__starts_on"))
        .values_list("student_id", "starts_on")
    )
    previous_level = {
        student_id: level_id
        for student_id, level_id, starts_on in Enrolment.objects.filter(
            student_id__in=list(latest)
        ).values_list("student_id", "level_id", "school_year__starts_on")
        if latest.get(student_id) == starts_on
    }
    for code, row in first_row.items():
        student = existing.get(code)
        if student is None:
            continue  # a code of the national system not yet in this database: a new file
        if student.merged_into_id:
            errors.add(
                row,
                "code_massar",
                "code_taken",
                _("The code Massar %(code)s already belongs to a file.") % {"code": code},
            )
        elif student.establishment_id != context.establishment.pk:
            errors.add(
                row,
                "code_massar",
                "held_elsewhere",
                _(
                    "The code Massar %(code)s belongs to a pupil of another school: ask that "
                    "school for a transfer."
                )
                % {"code": code},
            )
        elif student.pk in enrolled:
            errors.add(
                row,
                "code_massar",
                "already_enrolled",
                _("This pupil is already enrolled for %(year)s.")
                % {"year": context.school_year.label},
            )
        elif row.valid and not _same_child(student, row):
            errors.add(
                row,
                "code_massar",
                "code_other_child",
                _(
                    "The code Massar %(code)s belongs to %(name)s, born on %(date)s: check the "
                    "code, the name and the birth date."
                )
                % {
                    "code": code,
                    "name": student.full_name,
                    "date": student.birth_date.strftime("%d-%m-%Y"),
                },
            )
        else:
            row.existing_id = student.pk
            row.repeating = row.level is not None and previous_level.get(student.pk) == (
                row.level.pk
            )


def _same_child(student: Student, row: _Row) -> bool:
    birth_date, key_ar, key_latin = row.keys
    return student.birth_date == birth_date and (
        (bool(key_ar) and student.name_key_ar == key_ar)
        or (bool(key_latin) and student.name_key_latin == key_latin)
    )


def _check_duplicates(rows: list[_Row], errors: _Errors) -> None:
    """New pupils who look like an existing child, or like another new pupil of the file.

    One query finds the (birth date, name key) pairs that exist at all; only rows that hit one
    ask ``likely_duplicates`` for the candidates, so a clean file costs one query.
    """
    new = [row for row in rows if row.valid and not row.code]
    new_with_code = [row for row in rows if row.valid and row.code and row.existing_id is None]
    candidates = new + new_with_code
    if not candidates:
        return
    seen_ar: dict[tuple, _Row] = {}
    seen_latin: dict[tuple, _Row] = {}
    for row in candidates:
        birth_date, key_ar, key_latin = row.keys
        other = (key_ar and seen_ar.get((birth_date, key_ar))) or (
            key_latin and seen_latin.get((birth_date, key_latin))
        )
        if other:
            errors.add(
                row,
                "last_name_ar",
                "same_child_in_file",
                _("This child looks like the pupil of row %(row)s.") % {"row": other.number},
            )
            continue
        if key_ar:
            seen_ar[(birth_date, key_ar)] = row
        if key_latin:
            seen_latin[(birth_date, key_latin)] = row
    candidates = [row for row in candidates if row.valid]
    if not candidates:
        return
    keys = [row.keys for row in candidates]
    hits = Student.objects.filter(
        birth_date__in={k[0] for k in keys}, merged_into__isnull=True
    ).filter(
        Q(name_key_ar__in={k[1] for k in keys if k[1]})
        | Q(name_key_latin__in={k[2] for k in keys if k[2]})
    )
    hit_ar, hit_latin = set(), set()
    for birth_date, key_ar, key_latin in hits.values_list(
        "birth_date", "name_key_ar", "name_key_latin"
    ):
        hit_ar.add((birth_date, key_ar))
        hit_latin.add((birth_date, key_latin))
    for row in candidates:
        birth_date, key_ar, key_latin = row.keys
        if not (
            (key_ar and (birth_date, key_ar) in hit_ar)
            or (key_latin and (birth_date, key_latin) in hit_latin)
        ):
            continue
        found = list(likely_duplicates(row.identity()).values_list("code_massar", flat=True)[:5])
        if found:
            errors.add(
                row,
                "last_name_ar",
                "likely_duplicate",
                _(
                    "This child looks like a pupil who already has a file (%(codes)s): write "
                    "that code in the row to re-register the file, or register the child on the "
                    "registration page if it is another child."
                )
                % {"codes": ", ".join(found)},
            )


def _with_pks(model, objects: list, key: str) -> None:
    """Primary keys after ``bulk_create`` on a database that does not return them."""
    if all(obj.pk for obj in objects):
        return
    pks = dict(
        model.objects.filter(**{f"{key}__in": [getattr(o, key) for o in objects]}).values_list(
            key, "pk"
        )
    )
    for obj in objects:
        obj.pk = pks[getattr(obj, key)]


_HISTORY_FIELDS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _history_created(model, pks: list[int], *, actor) -> None:
    """The "created" history row of each new row, copied by the database (INSERT … SELECT).

    The historical table has the model's columns plus simple-history's own; building thousands
    of historical instances in Python would cost more than the import itself.
    """
    history = model.history.model
    columns = {f.column for f in model._meta.concrete_fields}
    copied = [f.column for f in history._meta.concrete_fields if f.column in columns]
    extra = {f.column for f in history._meta.concrete_fields} - set(copied) - {"history_id"}
    if extra != set(_HISTORY_FIELDS):
        raise RuntimeError(f"unexpected history columns: {sorted(extra)}")
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in copied)
    targets = ", ".join([names, *(quote(column) for column in _HISTORY_FIELDS)])
    # Only table and column names of the models, quoted, are formatted into the statement.
    statement = (
        f"INSERT INTO {quote(history._meta.db_table)} ({targets}) "  # noqa: S608
        f"SELECT {names}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN "
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        for start in range(0, len(pks), 500):
            batch = pks[start : start + 500]
            cursor.execute(
                statement + f"({', '.join(['%s'] * len(batch))})",
                [now, HISTORY_REASON, "+", actor.pk if actor else None, *batch],
            )


def _write(*, actor, rows: list[_Row], context: _Context) -> ImportResult:
    establishment, school_year = context.establishment, context.school_year
    new_rows = [row for row in rows if row.existing_id is None]
    handed_out = allocate_codes(sum(1 for row in new_rows if not row.code))
    codes = iter(handed_out)
    students = []
    for row in new_rows:
        student = row.file()
        student.code_massar = row.code or next(codes)
        student.establishment = establishment
        students.append(student)
    entered_on = max(context.today, school_year.starts_on)
    try:
        with transaction.atomic():
            Student.objects.bulk_create(students, batch_size=1000)
            _with_pks(Student, students, "code_massar")
            _history_created(Student, [s.pk for s in students], actor=actor)
            pairs = zip(new_rows, students, strict=True)
            file_of = {row.number: student.pk for row, student in pairs}
            enrolments = [
                Enrolment(
                    student_id=row.existing_id or file_of[row.number],
                    school_year=school_year,
                    establishment=establishment,
                    level=row.level,
                    stream=row.stream,
                    class_label=row.class_label,
                    status=EnrolmentStatus.REGISTERED,
                    kind=EnrolmentKind.CONTINUING if row.existing_id else EnrolmentKind.NEW,
                    is_repeating=row.repeating,
                    entered_on=entered_on,
                )
                for row in rows
            ]
            Enrolment.objects.bulk_create(enrolments, batch_size=1000)
            _with_pks(Enrolment, enrolments, "student_id")
            _history_created(Enrolment, [e.pk for e in enrolments], actor=actor)
    except IntegrityError as error:  # a code or an enrolment taken meanwhile by another user
        raise ValidationFailed(
            _("Some of these pupils were registered meanwhile by someone else: import again."),
            code="import_conflict",
        ) from error
    return ImportResult(
        establishment=establishment,
        school_year=school_year,
        created=len(students),
        reregistered=len(rows) - len(students),
        codes=tuple(handed_out),
    )


@transaction.atomic
def students_import(*, actor, establishment: Establishment, upload, school_year) -> ImportResult:
    """Import the pupils of ``establishment`` for ``school_year`` from an uploaded spreadsheet.

    Raises ``ValidationFailed``: a file-level problem (type, encoding, missing column) has its
    own code; row problems have the code ``import_rows`` and one ``details`` entry per error
    (``row``, ``column``, ``field``, ``code``, ``msg``). Nothing is written unless every row is
    valid.
    """
    access.require_write_at(actor, establishment)
    table = read_upload(upload)
    context = _Context(establishment, school_year)
    errors = _Errors(table.headers)
    rows = [_parse_row(number, raw, context, errors) for number, raw in table.rows]
    _check_codes(rows, context, errors)
    _check_duplicates(rows, errors)
    if errors.items:
        details = errors.sorted()
        failed = len({error["row"] for error in details})
        raise ValidationFailed(
            ngettext(
                "%(count)s row has errors; nothing was imported.",
                "%(count)s rows have errors; nothing was imported.",
                failed,
            )
            % {"count": failed},
            code="import_rows",
            details=details[:MAX_REPORTED_ERRORS],
        )
    return _write(actor=actor, rows=rows, context=context)
