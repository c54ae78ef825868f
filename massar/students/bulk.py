"""The national bulk load of pupils on PostgreSQL: files, enrolments and their history by COPY.

Loading the country's ~8 million pupils (from the national system, with their codes Massar) row
by row, or even by ``bulk_create``, is too slow. Here every row is streamed once, in PostgreSQL's
binary ``COPY`` format (psycopg 3 ``cursor.copy``), straight into the real tables: the files,
their "created" history rows, their enrolments of the year and the enrolments' history rows —
no staging table, no ``INSERT … SELECT``, no text for the server to parse. Keys are reserved
from the tables' sequences (a contiguous block when nobody else took one meanwhile), so no row
is read back. Python builds the next block of rows while the server stores the previous one.

What the ORM would do is kept: name keys and search text exactly as ``duplicates.set_name_keys``
computes them (cached per combination of names: names repeat), a random ``public_id`` (UUID 4)
per file, the models' defaults for the other columns, one history row per file and per
enrolment (type "+", reason ``HISTORY_REASON``, the given user). Input is checked first, chunk by
chunk (code format, sex, codes twice in the input); the database's constraints check the rest
(the code format again, a code already in the table, lengths, foreign keys — checked before
returning) and any failure rolls the whole load back: it is one transaction.

For the national initial load, ``rebuild_indexes=True`` drops the secondary indexes, unique
constraints and foreign keys of the four tables and rebuilds them set-based after the rows, in
the same transaction (so they are all checked before anything is visible).
``defer_search_indexes=True`` leaves out the two trigram (GIN) indexes of name search, about
half of the rebuild: the load commits without them and ``rebuild_search_indexes()`` builds them
afterwards (``CREATE INDEX CONCURRENTLY``, reads and writes go on); meanwhile a search by name
is correct but scans the table. The data is usable sooner, but end to end it takes longer
(a concurrent build reads the table twice). Where the time goes, measured on a 2-core machine,
is in ``benchmarks/students_bulk_load.py``.
"""

from __future__ import annotations

import os
import re
import struct
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from massar.core.names import arabic_name_key, latin_name_key

from .duplicates import arabic_full_key, search_text
from .models import Enrolment, EnrolmentKind, EnrolmentStatus, Sex, Student

CHUNK_SIZE = 100_000
HISTORY_REASON = "bulk load"
# The trigram indexes of name search (migrations 0003 and 0004), built after a deferred load.
SEARCH_INDEXES = {
    "student_search_trgm_idx": "ON students_student USING gin (search_name gin_trgm_ops)",
    "student_latin_key_trgm_idx": "ON students_student USING gin (name_key_latin gin_trgm_ops)",
}
_HISTORY_FIELDS = ("history_date", "history_change_reason", "history_type", "history_user_id")
# Arabic letters and ASCII never compose (NFKC) with the character before them, so the key of
# "first + last" is the key of "first" followed by the key of "last".
_STARTS_CLEANLY = re.compile(r"[\u0621-\u064a\x00-\x7f]")
_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SEXES = frozenset(Sex.values)
_SEGMENT_CACHE_SIZE = 200_000
_FLUSH_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class BulkPupil:
    """One pupil of the national load: the file and its enrolment of the year."""

    code_massar: str
    establishment_id: int
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    sex: str
    birth_date: date
    level_id: int
    stream_id: int
    class_label: str = ""


_arabic_part = lru_cache(maxsize=500_000)(arabic_name_key)
_latin_word = lru_cache(maxsize=500_000)(latin_name_key)
_search_word = lru_cache(maxsize=500_000)(search_text)


def name_keys(
    first_name_ar: str, last_name_ar: str, first_name_fr: str, last_name_fr: str
) -> tuple[str, str, str]:
    """``(name_key_ar, name_key_latin, search_name)``, equal to what ``set_name_keys`` sets."""
    if not last_name_ar or _STARTS_CLEANLY.match(last_name_ar):
        key_ar = _arabic_part(first_name_ar) + _arabic_part(last_name_ar)
    else:
        key_ar = arabic_full_key(first_name_ar, last_name_ar)
    key_latin = " ".join(
        key for key in map(_latin_word, f"{first_name_fr} {last_name_fr}".split()) if key
    )
    words = f"{first_name_ar} {last_name_ar} {first_name_fr} {last_name_fr}".split()
    search = " ".join(word for word in map(_search_word, words) if word)[:420]
    return key_ar, key_latin, search


def _constant(model, field):
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.blank:
        return ""
    raise RuntimeError(f"{model.__name__}.{field.name} has no value for a bulk load")


def _chunks(items: Iterable[BulkPupil], size: int) -> Iterator[list[BulkPupil]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _loaded_tables() -> list[str]:
    return [
        model._meta.db_table
        for model in (Student, Student.history.model, Enrolment, Enrolment.history.model)
    ]


def _detach_secondary_structures(cursor, tables: list[str]) -> list[str]:
    """Drop the foreign keys, unique constraints and secondary indexes of ``tables``.

    Returns the statements that put them back, indexes first. Primary keys and check
    constraints stay (cheap per row, and other tables' foreign keys need the keys).
    """
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype "
        "FROM pg_constraint WHERE contype IN ('f', 'u') AND conrelid = ANY(%s::regclass[]) "
        "ORDER BY contype DESC",  # unique before foreign keys when rebuilding
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [tables],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    for table, name, _definition, _kind in sorted(constraints, key=lambda row: row[3]):
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
        for table, name, definition, _kind in constraints
    ]


# --- PostgreSQL's binary COPY format -------------------------------------------------------------

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
_NULL = struct.pack(">i", -1)
_PG_EPOCH_DAY = date(2000, 1, 1).toordinal()
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Per row, each field with its length: id, code, public_id, establishment, sex, birth date.
_PUPIL = struct.Struct(">iqi10si16siqi1sii")
_PUPIL_TYPES = {
    "id": "bigint",
    "code_massar": "varchar(10)",
    "public_id": "uuid",
    "establishment_id": "bigint",
    "sex": "varchar(1)",
    "birth_date": "date",
}
_NAMES = ("first_name_ar", "last_name_ar", "first_name_fr", "last_name_fr")
_KEYS = ("name_key_ar", "name_key_latin", "search_name")
# Per row: id, student, establishment, level, stream (then the class label).
_PLACEMENT = struct.Struct(">iqiqiqiqiq")
_PLACEMENT_COLUMNS = ("id", "student_id", "establishment_id", "level_id", "stream_id")
_SEX_BYTES = {sex: sex.encode() for sex in _SEXES}
# UUID 4: version nibble 4, variant bits 10 (RFC 9562), applied to random bytes.
_VERSION_4 = bytes((byte & 0x0F) | 0x40 for byte in range(256))
_VARIANT = bytes((byte & 0x3F) | 0x80 for byte in range(256))


def _sized(value: bytes) -> bytes:
    return struct.pack(">i", len(value)) + value


def _text(value: str) -> bytes:
    return _sized(value.encode())


def _binary(field, value) -> bytes:
    """``value`` of ``field`` as one field of a binary COPY row (its length first)."""
    if value is None:
        return _NULL
    db_type = field.db_type(connection)
    if db_type.startswith("varchar") or db_type == "text":
        return _text(str(value))
    formats = {"bigint": ">q", "integer": ">i", "smallint": ">h"}
    if db_type in formats:
        return _sized(struct.pack(formats[db_type], value))
    if db_type == "boolean":
        return _sized(b"\x01" if value else b"\x00")
    if db_type == "date":
        return _sized(struct.pack(">i", value.toordinal() - _PG_EPOCH_DAY))
    if db_type == "timestamp with time zone":
        delta = value - _PG_EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return _sized(struct.pack(">q", micros))
    if db_type == "uuid":
        return _sized(value.bytes)
    raise RuntimeError(f"no binary COPY encoding for {field} ({db_type}) = {value!r}")


@dataclass(frozen=True, slots=True)
class _Layout:
    """``COPY`` of one table: the per-row columns first (written by the caller), then constants."""

    sql: str
    count: bytes  # the field count that starts each row
    tail: bytes  # the constant fields, already encoded


def _layout(model, per_row: tuple[str, ...], constants: dict[str, object]) -> _Layout:
    quote = connection.ops.quote_name
    fields = {field.column: field for field in model._meta.concrete_fields}
    if unknown := set(per_row) - set(fields):
        raise RuntimeError(f"{model.__name__} has no columns {sorted(unknown)}")
    tail_columns, tail = [], []
    for column, field in fields.items():
        if column in per_row or (column == "history_id" and field.primary_key):
            continue  # the history key comes from its sequence, as with the ORM
        if column in constants:
            value = constants[column]
        elif field.unique or field.primary_key:
            raise RuntimeError(f"{model.__name__}.{field.name} must be given per row")
        else:
            value = _constant(model, field)
        tail_columns.append(column)
        tail.append(_binary(field, value))
    columns = ", ".join(quote(column) for column in (*per_row, *tail_columns))
    return _Layout(
        sql=f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)",
        count=struct.pack(">h", len(per_row) + len(tail_columns)),
        tail=b"".join(tail),
    )


def _check_types(model, expected: dict[str, str]) -> None:
    """The per-row columns are packed by hand: their database types must be those expected."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    for column, db_type in expected.items():
        if fields[column].db_type(connection) != db_type:
            raise RuntimeError(f"{model.__name__}.{column} is not {db_type} any more")


def _history_constants(model, user_id, now) -> dict[str, object]:
    history = model.history.model
    columns = {field.column for field in model._meta.concrete_fields}
    extra = {field.column for field in history._meta.concrete_fields} - columns - {"history_id"}
    if extra != set(_HISTORY_FIELDS):
        raise RuntimeError(f"unexpected history columns: {sorted(extra)}")
    values = (now, HISTORY_REASON, "+", user_id)
    return dict(zip(_HISTORY_FIELDS, values, strict=True))


def _uuid4_bytes(count: int) -> bytes:
    """``count`` random UUIDs (version 4), 16 bytes each, end to end."""
    randoms = bytearray(os.urandom(16 * count))
    randoms[6::16] = randoms[6::16].translate(_VERSION_4)
    randoms[8::16] = randoms[8::16].translate(_VARIANT)
    return bytes(randoms)


def _reserve_ids(cursor, model, count: int) -> range | list[int]:
    """``count`` keys from the table's sequence: a range when no other session took one between."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
    sequence = cursor.fetchone()[0]
    cursor.execute(
        "SELECT min(v), max(v) FROM (SELECT nextval(%s) AS v FROM generate_series(1, %s)) keys",
        [sequence, count],
    )
    low, high = cursor.fetchone()
    if high - low + 1 == count:  # ``count`` distinct values in as many integers: all ours
        return range(low, high + 1)
    cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
    return [row[0] for row in cursor.fetchall()]


def _check(pupils: list[BulkPupil], seen: set[str]) -> None:
    for pupil in pupils:
        code = pupil.code_massar
        # As ``codes.is_valid_code``: one capital letter A-Z, then nine digits 0-9.
        if not (
            isinstance(code, str)
            and len(code) == 10
            and code[0] in _CAPITALS
            and code.isascii()
            and code[1:].isdigit()
        ):
            raise ValueError(f"malformed code Massar: {code!r}")
        if pupil.sex not in _SEXES:
            raise ValueError(f"sex must be M or F, not {pupil.sex!r} ({code})")
    codes = [pupil.code_massar for pupil in pupils]
    fresh = set(codes)
    if len(fresh) != len(codes) or not seen.isdisjoint(fresh):
        earlier = set(seen)
        for code in codes:
            if code in earlier:
                raise ValueError(f"code Massar given twice: {code}")
            earlier.add(code)
    seen |= fresh


def _copy(cursor, sql: str, rows: Iterator[bytes]) -> None:
    """One binary ``COPY``, sent block by block while the next block is being built."""
    with cursor.copy(sql) as copy:
        for block in rows:
            copy.write(block)


def copy_pupils(
    pupils: Iterable[BulkPupil],
    *,
    school_year,
    kind: str = EnrolmentKind.CONTINUING,
    entered_on: date | None = None,
    history_user=None,
    chunk_size: int = CHUNK_SIZE,
    rebuild_indexes: bool = False,
    defer_search_indexes: bool = False,
    timings: dict[str, float] | None = None,
) -> int:
    """Load ``pupils`` (files + enrolments of ``school_year`` + history) in one transaction.

    Returns the number of pupils loaded. Raises ``ValueError`` for bad input and the database's
    ``IntegrityError`` (or ``DataError``, e.g. a name too long) for a constraint (e.g. a code
    already in the table); nothing is kept then.

    ``rebuild_indexes`` is for the national initial load (millions of rows into tables that are
    empty or small): the secondary indexes, unique constraints and foreign keys of the loaded
    tables are dropped, the rows loaded, and everything rebuilt set-based in the same
    transaction — which checks every constraint again, so a duplicate code or a wrong key still
    rolls the whole load back. The tables are locked meanwhile: not for a school day.

    ``defer_search_indexes`` (with ``rebuild_indexes``) does not rebuild the two trigram indexes
    of name search: call ``rebuild_search_indexes()`` once the load is committed. Constraints
    are all checked either way; only name search is slower until then.

    ``timings``, when given, receives the seconds spent in each phase (for the benchmark).
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("copy_pupils needs PostgreSQL (COPY FROM STDIN)")
    if defer_search_indexes and not rebuild_indexes:
        raise ValueError("defer_search_indexes needs rebuild_indexes")
    now = timezone.now()
    user_id = history_user.pk if history_user is not None else None
    _check_types(Student, _PUPIL_TYPES)
    _check_types(Student.history.model, _PUPIL_TYPES)
    placement_types = dict.fromkeys(_PLACEMENT_COLUMNS, "bigint")
    _check_types(Enrolment, placement_types)
    _check_types(Enrolment.history.model, placement_types)
    files = _layout(
        Student, (*_PUPIL_TYPES, *_NAMES, *_KEYS), {"created_at": now, "updated_at": now}
    )
    files_history = _layout(
        Student.history.model,
        (*_PUPIL_TYPES, *_NAMES),
        {"created_at": now, **_history_constants(Student, user_id, now)},
    )
    enrolment_constants = {
        "school_year_id": school_year.pk,
        "status": EnrolmentStatus.REGISTERED,
        "kind": kind,
        "entered_on": entered_on or max(timezone.localdate(), school_year.starts_on),
        "created_at": now,
    }
    enrolments = _layout(
        Enrolment,
        (*_PLACEMENT_COLUMNS, "class_label"),
        {**enrolment_constants, "updated_at": now},
    )
    enrolments_history = _layout(
        Enrolment.history.model,
        (*_PLACEMENT_COLUMNS, "class_label"),
        {**enrolment_constants, **_history_constants(Enrolment, user_id, now)},
    )
    # Encoded names (with their keys) and class labels, each followed by the row's constants.
    names_cache: dict[tuple[str, str, str, str], tuple[bytes, bytes]] = {}
    labels_cache: dict[str, tuple[bytes, bytes]] = {}

    def file_rows(chunk: list[BulkPupil], ids, history: bytearray) -> Iterator[bytes]:
        """The files of ``chunk``; their history rows are added to ``history`` on the way."""
        randoms = _uuid4_bytes(len(chunk))
        rows = bytearray(_SIGNATURE)
        for offset, (pupil, student_id) in enumerate(zip(chunk, ids, strict=True)):
            names = (
                pupil.first_name_ar,
                pupil.last_name_ar,
                pupil.first_name_fr,
                pupil.last_name_fr,
            )
            encoded = names_cache.get(names)
            if encoded is None:
                if len(names_cache) >= _SEGMENT_CACHE_SIZE:
                    names_cache.clear()
                plain = b"".join(map(_text, names))
                keys = b"".join(map(_text, name_keys(*names)))
                encoded = names_cache[names] = (
                    plain + keys + files.tail,
                    plain + files_history.tail,
                )
            start = offset * 16
            fixed = _PUPIL.pack(
                8,
                student_id,
                10,
                pupil.code_massar.encode(),
                16,
                randoms[start : start + 16],
                8,
                pupil.establishment_id,
                1,
                _SEX_BYTES[pupil.sex],
                4,
                pupil.birth_date.toordinal() - _PG_EPOCH_DAY,
            )
            rows += files.count
            rows += fixed
            rows += encoded[0]
            history += files_history.count
            history += fixed
            history += encoded[1]
            if len(rows) >= _FLUSH_BYTES:
                yield rows
                rows = bytearray()
        rows += _TRAILER
        history += _TRAILER
        yield rows

    def enrolment_rows(chunk: list[BulkPupil], ids, student_ids, history: bytearray):
        rows = bytearray(_SIGNATURE)
        for pupil, enrolment_id, student_id in zip(chunk, ids, student_ids, strict=True):
            label = pupil.class_label
            encoded = labels_cache.get(label)
            if encoded is None:
                if len(labels_cache) >= _SEGMENT_CACHE_SIZE:
                    labels_cache.clear()
                text = _text(label)
                encoded = labels_cache[label] = (
                    text + enrolments.tail,
                    text + enrolments_history.tail,
                )
            fixed = _PLACEMENT.pack(
                8,
                enrolment_id,
                8,
                student_id,
                8,
                pupil.establishment_id,
                8,
                pupil.level_id,
                8,
                pupil.stream_id,
            )
            rows += enrolments.count
            rows += fixed
            rows += encoded[0]
            history += enrolments_history.count
            history += fixed
            history += encoded[1]
            if len(rows) >= _FLUSH_BYTES:
                yield rows
                rows = bytearray()
        rows += _TRAILER
        history += _TRAILER
        yield rows

    spent = dict.fromkeys(("detach", "rows", "rebuild", "foreign keys"), 0.0)
    seen: set[str] = set()
    total = 0
    with transaction.atomic(), connection.wrap_database_errors, connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for copy()
        clock = time.perf_counter()
        rebuild: list[str] = []
        if rebuild_indexes:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            # Earlier writes of the transaction may have foreign-key checks pending, and a
            # table with pending checks cannot be altered: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            rebuild = _detach_secondary_structures(cursor, _loaded_tables())
            if defer_search_indexes:
                rebuild = [
                    statement
                    for statement in rebuild
                    if not any(f"INDEX {name} ON" in statement for name in SEARCH_INDEXES)
                ]
        spent["detach"], clock = time.perf_counter() - clock, time.perf_counter()
        for chunk in _chunks(pupils, chunk_size):
            _check(chunk, seen)
            student_ids = _reserve_ids(cursor, Student, len(chunk))
            enrolment_ids = _reserve_ids(cursor, Enrolment, len(chunk))
            history = bytearray(_SIGNATURE)
            _copy(cursor, files.sql, file_rows(chunk, student_ids, history))
            _copy(cursor, files_history.sql, [history])
            history = bytearray(_SIGNATURE)
            _copy(
                cursor, enrolments.sql, enrolment_rows(chunk, enrolment_ids, student_ids, history)
            )
            _copy(cursor, enrolments_history.sql, [history])
            total += len(chunk)
        spent["rows"], clock = time.perf_counter() - clock, time.perf_counter()
        for statement in rebuild:
            cursor.execute(statement)
        spent["rebuild"], clock = time.perf_counter() - clock, time.perf_counter()
        # Foreign keys are checked at commit; check them here, inside the block, so that a bad
        # row rolls back this load only (and raises here, not in the caller's commit).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        spent["foreign keys"] = time.perf_counter() - clock
    if timings is not None:
        timings.update(spent)
    return total


def rebuild_search_indexes(*, concurrently: bool = True) -> list[str]:
    """Build the trigram indexes of name search that are missing; returns the names built.

    For after a load with ``defer_search_indexes``. ``concurrently`` (the default) lets reads and
    writes go on meanwhile and must run outside a transaction; an index left invalid by an
    interrupted concurrent build is dropped and built again, so running it twice is harmless.
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("rebuild_search_indexes needs PostgreSQL")
    if concurrently and connection.in_atomic_block:
        raise RuntimeError("CREATE INDEX CONCURRENTLY cannot run inside a transaction")
    option = " CONCURRENTLY" if concurrently else ""
    built = []
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        try:
            for name, definition in SEARCH_INDEXES.items():
                cursor.execute(
                    "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name]
                )
                row = cursor.fetchone()
                if row is not None and row[0]:
                    continue
                if row is not None:
                    cursor.execute(f"DROP INDEX{option} {name}")
                cursor.execute(f"CREATE INDEX{option} {name} {definition}")
                built.append(name)
        finally:
            cursor.execute("RESET maintenance_work_mem")
    return built
