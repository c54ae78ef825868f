"""Marks, averages, ranks and class statistics, computed set-based in SQL.

``recompute_class``, ``recompute_establishment`` and ``recompute_all`` (the country) run the same
fixed list of statements, only their scope differs; none loops over pupils in Python. In one
transaction, for the periods recomputed (a semester and the year, or both semesters and the
year):

1. ``SubjectResult`` of the semesters: each active pupil placed in a class × each mark sheet of
   the class in the semester, from the pupil's row of the sheet (an empty result when there is
   no row);
2. ``SubjectResult`` of the year, from the semesters' (grouped by pupil and subject);
3. ``PeriodResult`` of the semesters: the coefficient-weighted average and the rank in the class
   (``RANK()`` window), for every active pupil of the class;
4. ``PeriodResult`` of the year, from the semesters' averages, ranked the same way;
5. ``SubjectStatistics``: highest, mean, lowest and pupils marked, per class × subject × period.

Each step replaces the scope's rows of its table: a ``DELETE`` of the rows that are no longer
produced (a pupil who left the class or the school, a sheet removed, a class without a rule),
then an ``INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE`` that writes only the rows that are
new or whose values changed. So the results equal a delete and insert of the whole scope, but a
recomputation after one mark was saved writes the few rows it changes, not the class's ~900:
no foreign-key checks, index entries or dead rows for the others (measured in
``benchmarks/assessment_averages.py``: those made most of the time of delete + insert).

The rules are data: each class's ``AssessmentRule`` (its stream's when there is one, else its
level's) and its stream's coefficients are joined in SQL; a class without a rule gets no results.
The arithmetic is ``marks_math``'s, exactly: marks, weights and coefficients are turned into
integers (hundredths), each result is an integer fraction ``num / den`` rounded in integer
arithmetic to the rule's decimals (half up, half to even or truncated), so a mean of 12.345
rounds as the rule says on SQLite (whose decimals are binary floats) as on PostgreSQL. A stored
result is read back as ``ROUND(value × 10^decimals)``, again an exact integer.

A pupil's marks are the rows of the sheets of the class they are placed in (a pupil who changed
class keeps in the new class only the marks of its sheets). ``recompute_class`` also removes the
results its pupils still had in another class, for the periods recomputed, and takes a lock on
the class's row (PostgreSQL) so that two saves in one class recompute it in turn. Results are
stored with 2 decimals (the models' fields): a rule of 3 decimals computes with 3 and stores
the value rounded again by the database.

Timings (one class after a save, a semester and the country) are in
``benchmarks/assessment_averages.py``.
"""

# ruff: noqa: S608 (SQL is built from table names and fixed fragments; every value is a parameter)

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Q

from massar.curriculum.models import AbsencePolicy, AssessmentRule, RoundingMode, SubjectAllocation
from massar.schooling.models import ClassPlacement, SchoolClass
from massar.students.models import ACTIVE_ENROLMENT_STATUSES, Enrolment
from massar.territory.models import Establishment, SchoolYear

from .models import MarkRow, MarkSheet, Period, PeriodResult, SubjectResult, SubjectStatistics

_CLASS = SchoolClass._meta.db_table
_RULE = AssessmentRule._meta.db_table
_ALLOCATION = SubjectAllocation._meta.db_table
_PLACEMENT = ClassPlacement._meta.db_table
_ENROLMENT = Enrolment._meta.db_table
_SHEET = MarkSheet._meta.db_table
_ROW = MarkRow._meta.db_table
_SUBJECT_RESULT = SubjectResult._meta.db_table
_PERIOD_RESULT = PeriodResult._meta.db_table
_STATISTICS = SubjectStatistics._meta.db_table

_ACTIVE = tuple(str(status) for status in ACTIVE_ENROLMENT_STATUSES)
_ACTIVE_SQL = ", ".join(["%s"] * len(_ACTIVE))
_SEMESTERS_SQL = f"{Period.FIRST:d}, {Period.SECOND:d}"


@dataclass(frozen=True)
class Recomputed:
    """What a recomputation wrote: rows inserted or changed per table (a row whose values did
    not change is not written), and rows deleted because they are no longer produced."""

    subject_results: int = 0
    period_results: int = 0
    statistics: int = 0
    deleted: int = 0

    @property
    def rows(self) -> int:
        return self.subject_results + self.period_results + self.statistics


@dataclass(frozen=True)
class _Scope:
    # ``rules``: one row per class of the scope that has a rule (see ``_rules_cte``).
    rules: str
    rules_params: tuple
    # Conditions on a result table's own columns (so that its indexes serve the delete); the
    # table is named ``{table}`` in them.
    results: str
    result_params: tuple
    statistics: str
    statistics_params: tuple
    class_id: int | None = None


@dataclass
class _Statement:
    label: str
    sql: str
    params: list = field(default_factory=list)
    analyze: str = ""  # (PostgreSQL) a table to analyse after writing many rows to it


# Rows written to a table after which the following statements are better planned on fresh
# statistics (a national first computation; never a class).
_ANALYZE_AFTER = 200_000


# --- SQL fragments ------------------------------------------------------------------------------


def _rounded(num: str, den: str, mode: str) -> str:
    """SQL: the integer ``num / den`` (both ≥ 0, ``den`` > 0) rounded the ``mode`` way
    (0 truncate, 1 half up, 2 half to even), in integer arithmetic."""
    return (
        f"(CASE {mode} WHEN 0 THEN {num} / {den} "
        f"WHEN 1 THEN (2 * {num} + {den}) / (2 * {den}) "
        f"ELSE {num} / {den} + CASE WHEN 2 * ({num} %% {den}) > {den} "
        f"OR (2 * ({num} %% {den}) = {den} AND ({num} / {den}) %% 2 = 1) THEN 1 ELSE 0 END END)"
    )


def _hundredths(column: str) -> str:
    return f"CAST(ROUND({column} * 100) AS BIGINT)"


def _units(column: str, unit: str) -> str:
    """SQL: a stored mark (or coefficient) as a whole number of ``1 / unit``. An integer (not
    BIGINT, nor PostgreSQL's numeric) so that sums of it stay cheap 64-bit integers: a mark of
    20 in thousandths times a coefficient of 20 in hundredths is 4·10⁷."""
    return f"CAST(ROUND({column} * {unit}) AS INTEGER)"


def _in(values: tuple[int, ...]) -> str:
    return ", ".join(str(int(value)) for value in values)


def _differs(left: str, right: str) -> str:
    """SQL: the two values differ, NULL counting as a value."""
    if connection.vendor == "sqlite":
        return f"{left} IS NOT {right}"
    return f"{left} IS DISTINCT FROM {right}"


_RULE_COLUMNS = (
    "class_id",
    "establishment_id",
    "school_year_id",
    "stream_id",
    "unit",
    "rounding",
    "weight",
    "absent_zero",
)


def _rules_of_classes(classes: str, params: tuple) -> tuple[str, tuple]:
    """The ``rules`` rows of the classes matching ``classes`` (alias ``c``), joined in SQL:
    ``unit`` (10^decimals), ``rounding`` (0, 1, 2 as in ``_rounded``), ``weight`` of the
    activities (hundredths), ``absent_zero`` (1 when an absence counts 0)."""
    sql = f"""SELECT c.id AS class_id, c.establishment_id, c.school_year_id, c.stream_id,
            CASE COALESCE(rs.decimals, rl.decimals)
                WHEN 0 THEN 1 WHEN 1 THEN 10 WHEN 2 THEN 100 ELSE 1000 END AS unit,
            CASE COALESCE(rs.rounding, rl.rounding) WHEN %s THEN 0 WHEN %s THEN 2 ELSE 1 END
                AS rounding,
            {_hundredths("COALESCE(rs.activities_weight, rl.activities_weight)")} AS weight,
            CASE WHEN COALESCE(rs.absence_policy, rl.absence_policy) = %s THEN 1 ELSE 0 END
                AS absent_zero
        FROM {_CLASS} c
        LEFT JOIN {_RULE} rs ON rs.school_year_id = c.school_year_id
            AND rs.level_id = c.level_id AND rs.stream_id = c.stream_id
        LEFT JOIN {_RULE} rl ON rl.school_year_id = c.school_year_id
            AND rl.level_id = c.level_id AND rl.stream_id IS NULL
        WHERE {classes} AND (rs.id IS NOT NULL OR rl.id IS NOT NULL)"""
    codes = (RoundingMode.DOWN.value, RoundingMode.HALF_EVEN.value, AbsencePolicy.ZERO.value)
    return sql, (*codes, *params)


def _rules_of_one_class(school_class: SchoolClass) -> tuple[str, tuple]:
    """The ``rules`` row of one class as constants (its rule read first, in one query), which
    spares the planner of each statement three joins: a class is recomputed after each save."""
    rule = (
        AssessmentRule.objects.filter(
            school_year_id=school_class.school_year_id, level_id=school_class.level_id
        )
        .filter(Q(stream_id=school_class.stream_id) | Q(stream__isnull=True))
        .order_by(F("stream_id").asc(nulls_last=True))
        .values_list("decimals", "rounding", "activities_weight", "absence_policy")
        .first()
    )
    columns = ", ".join(f"CAST(%s AS BIGINT) AS {column}" for column in _RULE_COLUMNS)
    if rule is None:  # no rule: no results (those there were are deleted as stale)
        return f"SELECT {columns} WHERE 1 = 0", (0,) * len(_RULE_COLUMNS)
    decimals, rounding, weight, policy = rule
    values = (
        school_class.pk,
        school_class.establishment_id,
        school_class.school_year_id,
        school_class.stream_id,
        10 ** int(decimals),
        {RoundingMode.DOWN.value: 0, RoundingMode.HALF_EVEN.value: 2}.get(str(rounding), 1),
        round(weight * 100),
        int(str(policy) == AbsencePolicy.ZERO.value),
    )
    return f"SELECT {columns}", values


def _rules_cte(scope: _Scope) -> tuple[str, list]:
    """``rules`` (the classes of the scope with their rule) and ``pupils`` (their active
    pupils), to open a ``WITH``."""
    sql = f"""rules AS ({scope.rules}), pupils AS (
        SELECT r.*, p.enrolment_id
        FROM rules r
        JOIN {_PLACEMENT} p ON p.school_class_id = r.class_id
        JOIN {_ENROLMENT} e ON e.id = p.enrolment_id AND e.status IN ({_ACTIVE_SQL})
    )"""
    return sql, [*scope.rules_params, *_ACTIVE]


def _pupils_subquery(scope: _Scope) -> tuple[str, list]:
    """The ``pupils`` of ``_rules_cte`` as a plain subquery, for ``NOT EXISTS`` (PostgreSQL
    turns it into an anti-join only when the subquery has no ``WITH`` of its own)."""
    sql = f"""SELECT r.class_id, p.enrolment_id
        FROM ({scope.rules}) r
        JOIN {_PLACEMENT} p ON p.school_class_id = r.class_id
        JOIN {_ENROLMENT} e ON e.id = p.enrolment_id AND e.status IN ({_ACTIVE_SQL})"""
    return sql, [*scope.rules_params, *_ACTIVE]


def _analyzed(table: str) -> str:
    return table if connection.vendor == "postgresql" else ""


def _materialized() -> str:
    """Keeps PostgreSQL from inlining a CTE whose columns are long expressions used several
    times (it would compute them again at each use)."""
    return "MATERIALIZED" if connection.vendor == "postgresql" else ""


def _scope_rows(scope: _Scope, table: str) -> tuple[str, list]:
    return scope.results.format(table=table), list(scope.result_params)


def _changed(
    table: str, columns: tuple[str, ...], keys: tuple[str, ...], values: tuple[str, ...]
) -> str:
    """The end of an ``INSERT INTO table (columns) WITH …, computed AS (…)``: the computed rows
    that are new or differ from the stored ones (compared in a read, so that an unchanged row is
    neither locked nor written), inserted or updated on their unique ``keys``."""
    selected = ", ".join(f"computed.{column}" for column in columns)
    joined = " AND ".join(f"old.{key} = computed.{key}" for key in keys)
    differs = " OR ".join(_differs(f"old.{column}", f"computed.{column}") for column in values)
    assignments = ", ".join(f"{column} = excluded.{column}" for column in values)
    still = " OR ".join(_differs(f"{table}.{column}", f"excluded.{column}") for column in values)
    return f"""SELECT {selected} FROM computed
    LEFT JOIN {table} old ON {joined}
    WHERE old.{keys[0]} IS NULL OR {differs}
    ON CONFLICT ({", ".join(keys)}) DO UPDATE SET {assignments} WHERE {still}"""


# --- subject results ----------------------------------------------------------------------------


def _departed(scope: _Scope, table: str, periods: tuple[int, ...]) -> _Statement:
    """Results of the scope of pupils no longer active in that class (or of a class that has
    no rule any more)."""
    pupils, params = _pupils_subquery(scope)
    where, where_params = _scope_rows(scope, table)
    sql = f"""DELETE FROM {table} WHERE period IN ({_in(periods)}) AND {where} AND NOT EXISTS (
        SELECT 1 FROM ({pupils}) pu
        WHERE pu.class_id = {table}.school_class_id AND pu.enrolment_id = {table}.enrolment_id
    )"""
    label = "departed pupils' averages" if table == _PERIOD_RESULT else "departed pupils' marks"
    return _Statement(label, sql, where_params + params)


def _without_sheet(scope: _Scope, semesters: tuple[int, ...]) -> _Statement:
    """Semester subject results of the scope whose sheet is gone."""
    table = _SUBJECT_RESULT
    where, where_params = _scope_rows(scope, table)
    sql = f"""DELETE FROM {table} WHERE period IN ({_in(semesters)}) AND {where} AND NOT EXISTS (
        SELECT 1 FROM {_SHEET} s
        WHERE s.school_class_id = {table}.school_class_id AND s.subject_id = {table}.subject_id
            AND s.semester = {table}.period
    )"""
    return _Statement("marks without sheet", sql, where_params)


def _moved_in(scope: _Scope, table: str, periods: tuple[int, ...]) -> _Statement:
    """(A class) the results its pupils still have in another class, for ``periods``."""
    sql = f"""DELETE FROM {table} WHERE period IN ({_in(periods)})
        AND school_class_id <> %s AND enrolment_id IN (
            SELECT enrolment_id FROM {_PLACEMENT} WHERE school_class_id = %s)"""
    return _Statement("results in another class", sql, [scope.class_id, scope.class_id])


_SUBJECT_RESULT_COLUMNS = (
    "establishment_id",
    "school_year_id",
    "school_class_id",
    "enrolment_id",
    "subject_id",
    "period",
    "mark",
    "coefficient",
)
_SUBJECT_RESULT_KEYS = ("enrolment_id", "subject_id", "period")
_SUBJECT_RESULT_VALUES = (
    "establishment_id",
    "school_year_id",
    "school_class_id",
    "mark",
    "coefficient",
)
_SUBJECT_RESULT_INSERT = f"INSERT INTO {_SUBJECT_RESULT} ({', '.join(_SUBJECT_RESULT_COLUMNS)})"
_SUBJECT_RESULT_CHANGED = _changed(
    _SUBJECT_RESULT, _SUBJECT_RESULT_COLUMNS, _SUBJECT_RESULT_KEYS, _SUBJECT_RESULT_VALUES
)


def _semester_subject_results(scope: _Scope, semesters: tuple[int, ...]) -> _Statement:
    rules, params = _rules_cte(scope)
    test_sums = " + ".join(
        f"CASE WHEN s.test_count >= {n} AND m.test_{n} IS NOT NULL "
        f"THEN {_hundredths(f'm.test_{n}')} ELSE 0 END"
        for n in range(1, 5)
    )
    test_counts = " + ".join(
        f"CASE WHEN s.test_count >= {n} AND (m.test_{n} IS NOT NULL "
        f"OR (m.absent_{n} AND pu.absent_zero = 1)) THEN 1 ELSE 0 END"
        for n in range(1, 5)
    )
    # mark = (1 − w) × Σtests / n + w × activities = ((100 − W) × S + W × A × n) / (100 × 100 × n)
    # with S, A in hundredths and W = 100 w; scaled by ``unit`` to count in the rule's decimals.
    sql = f"""{_SUBJECT_RESULT_INSERT}
    WITH {rules}, parts AS (
        SELECT pu.establishment_id, pu.school_year_id, pu.class_id, pu.enrolment_id,
            s.subject_id, s.semester, pu.unit, pu.rounding, pu.weight,
            COALESCE(a.coefficient, 0) AS coefficient,
            {test_sums} AS tests_sum,
            {test_counts} AS tests_n,
            CASE WHEN m.activities IS NOT NULL THEN {_hundredths("m.activities")} ELSE 0 END
                AS activities,
            CASE WHEN m.activities IS NOT NULL THEN 1
                WHEN m.activities_absent AND pu.absent_zero = 1 THEN 1 ELSE 0 END AS has_activities
        FROM pupils pu
        JOIN {_SHEET} s ON s.school_class_id = pu.class_id AND s.semester IN ({_in(semesters)})
        LEFT JOIN {_ROW} m ON m.sheet_id = s.id AND m.enrolment_id = pu.enrolment_id
        LEFT JOIN {_ALLOCATION} a ON a.school_year_id = pu.school_year_id
            AND a.stream_id = pu.stream_id AND a.subject_id = s.subject_id
    ), fractions AS (
        SELECT establishment_id, school_year_id, class_id, enrolment_id, subject_id, semester,
            unit, rounding, coefficient,
            CASE WHEN tests_n > 0 AND has_activities = 1
                    THEN ((100 - weight) * tests_sum + weight * activities * tests_n) * unit
                WHEN tests_n > 0 THEN tests_sum * unit
                WHEN has_activities = 1 THEN activities * unit END AS num,
            CASE WHEN tests_n > 0 AND has_activities = 1 THEN 10000 * tests_n
                WHEN tests_n > 0 THEN 100 * tests_n
                WHEN has_activities = 1 THEN 100 END AS den
        FROM parts
    ), computed AS {_materialized()} (
        SELECT establishment_id, school_year_id, class_id AS school_class_id, enrolment_id,
            subject_id, semester AS period,
            CASE WHEN den IS NOT NULL THEN {_rounded("num", "den", "rounding")} * 1.0 / unit END
                AS mark,
            coefficient
        FROM fractions
    )
    {_SUBJECT_RESULT_CHANGED}"""
    return _Statement("subject results", sql, params, analyze=_analyzed(_SUBJECT_RESULT))


def _year_without_semester(scope: _Scope) -> _Statement:
    """Year subject results of the scope left without any semester result of the subject."""
    table = _SUBJECT_RESULT
    where, where_params = _scope_rows(scope, table)
    sql = f"""DELETE FROM {table} WHERE period = {Period.YEAR:d} AND {where} AND NOT EXISTS (
        SELECT 1 FROM {table} sem
        WHERE sem.enrolment_id = {table}.enrolment_id AND sem.subject_id = {table}.subject_id
            AND sem.period IN ({_SEMESTERS_SQL})
    )"""
    return _Statement("year marks without semester", sql, where_params)


def _year_subject_results(scope: _Scope) -> _Statement:
    rules, params = _rules_cte(scope)
    sql = f"""{_SUBJECT_RESULT_INSERT}
    WITH {rules}, semesters AS (
        SELECT MAX(pu.establishment_id) AS establishment_id,
            MAX(pu.school_year_id) AS school_year_id, pu.class_id, pu.enrolment_id,
            sr.subject_id, MAX(pu.unit) AS unit, MAX(pu.rounding) AS rounding,
            SUM({_units("sr.mark", "pu.unit")}) AS total,
            COUNT(sr.mark) AS marked, MAX(sr.coefficient) AS coefficient
        FROM pupils pu
        JOIN {_SUBJECT_RESULT} sr ON sr.enrolment_id = pu.enrolment_id
            AND sr.period IN ({_SEMESTERS_SQL})
        GROUP BY pu.class_id, pu.enrolment_id, sr.subject_id
    ), computed AS (
        SELECT establishment_id, school_year_id, class_id AS school_class_id, enrolment_id,
            subject_id, {Period.YEAR:d} AS period,
            CASE WHEN marked > 0 THEN {_rounded("total", "marked", "rounding")} * 1.0 / unit END
                AS mark,
            coefficient
        FROM semesters
    )
    {_SUBJECT_RESULT_CHANGED}"""
    return _Statement("year subject results", sql, params, analyze=_analyzed(_SUBJECT_RESULT))


# --- averages and ranks -------------------------------------------------------------------------


_PERIOD_RESULT_COLUMNS = (
    "establishment_id",
    "school_year_id",
    "school_class_id",
    "enrolment_id",
    "period",
    "average",
    "rank",
    "ranked_pupils",
)
_PERIOD_RESULT_INSERT = f"INSERT INTO {_PERIOD_RESULT} ({', '.join(_PERIOD_RESULT_COLUMNS)})"
_PERIOD_RESULT_CHANGED = _changed(
    _PERIOD_RESULT,
    _PERIOD_RESULT_COLUMNS,
    ("enrolment_id", "period"),
    (
        "establishment_id",
        "school_year_id",
        "school_class_id",
        "average",
        "rank",
        "ranked_pupils",
    ),
)
# From ``averages`` (columns …, period, unit, value): the average is ``value / unit``; ranks
# are competition ranks among the pupils of the class with an average.
_RANKED = """computed AS (
        SELECT establishment_id, school_year_id, class_id AS school_class_id, enrolment_id,
            period, value * 1.0 / unit AS average,
            CASE WHEN value IS NOT NULL THEN RANK() OVER (
                PARTITION BY class_id, period, value IS NULL ORDER BY value DESC) END AS rank,
            COUNT(value) OVER (PARTITION BY class_id, period) AS ranked_pupils
        FROM averages
    )"""


def _semester_period_results(scope: _Scope, semesters: tuple[int, ...]) -> _Statement:
    rules, params = _rules_cte(scope)
    periods = " UNION ALL ".join(f"SELECT {int(s)} AS period" for s in semesters)
    weighted = "sr.mark IS NOT NULL AND sr.coefficient > 0"
    sql = f"""{_PERIOD_RESULT_INSERT}
    WITH {rules}, sums AS (
        SELECT pu.establishment_id, pu.school_year_id, pu.class_id, pu.enrolment_id,
            pe.period, pu.unit, pu.rounding,
            SUM(CASE WHEN {weighted} THEN {_units("sr.mark", "pu.unit")}
                * {_units("sr.coefficient", "100")} END) AS num,
            SUM(CASE WHEN {weighted} THEN {_units("sr.coefficient", "100")} END) AS den
        FROM pupils pu
        CROSS JOIN ({periods}) pe
        LEFT JOIN {_SUBJECT_RESULT} sr ON sr.enrolment_id = pu.enrolment_id
            AND sr.period = pe.period
        GROUP BY pu.establishment_id, pu.school_year_id, pu.class_id, pu.enrolment_id,
            pe.period, pu.unit, pu.rounding
    ), averages AS (
        SELECT establishment_id, school_year_id, class_id, enrolment_id, period, unit,
            CASE WHEN den > 0 THEN {_rounded("num", "den", "rounding")} END AS value
        FROM sums
    ), {_RANKED}
    {_PERIOD_RESULT_CHANGED}"""
    return _Statement("averages", sql, params, analyze=_analyzed(_PERIOD_RESULT))


def _year_period_results(scope: _Scope) -> _Statement:
    rules, params = _rules_cte(scope)
    sql = f"""{_PERIOD_RESULT_INSERT}
    WITH {rules}, semesters AS (
        SELECT pu.establishment_id, pu.school_year_id, pu.class_id, pu.enrolment_id,
            pu.unit, pu.rounding,
            SUM({_units("pr.average", "pu.unit")}) AS total,
            COUNT(pr.average) AS counted
        FROM pupils pu
        LEFT JOIN {_PERIOD_RESULT} pr ON pr.enrolment_id = pu.enrolment_id
            AND pr.period IN ({_SEMESTERS_SQL})
        GROUP BY pu.establishment_id, pu.school_year_id, pu.class_id, pu.enrolment_id,
            pu.unit, pu.rounding
    ), averages AS (
        SELECT establishment_id, school_year_id, class_id, enrolment_id,
            {Period.YEAR:d} AS period, unit,
            CASE WHEN counted = 2 THEN {_rounded("total", "2", "rounding")} END AS value
        FROM semesters
    ), {_RANKED}
    {_PERIOD_RESULT_CHANGED}"""
    return _Statement("year averages", sql, params)


# --- class statistics ---------------------------------------------------------------------------


def _stale_statistics(scope: _Scope, periods: tuple[int, ...]) -> _Statement:
    """Statistics of the scope's classes for a subject no pupil has a result in any more."""
    table = _STATISTICS
    sql = f"""DELETE FROM {table} WHERE period IN ({_in(periods)})
        AND {scope.statistics.format(table=table)} AND NOT EXISTS (
            SELECT 1 FROM {_SUBJECT_RESULT} sr
            WHERE sr.school_class_id = {table}.school_class_id
                AND sr.subject_id = {table}.subject_id AND sr.period = {table}.period
        )"""
    return _Statement("statistics without marks", sql, list(scope.statistics_params))


_STATISTICS_COLUMNS = (
    "establishment_id",
    "school_class_id",
    "subject_id",
    "period",
    "maximum",
    "mean",
    "minimum",
    "pupils",
)
_STATISTICS_CHANGED = _changed(
    _STATISTICS,
    _STATISTICS_COLUMNS,
    ("school_class_id", "subject_id", "period"),
    ("establishment_id", "maximum", "mean", "minimum", "pupils"),
)


def _statistics(scope: _Scope, periods: tuple[int, ...]) -> _Statement:
    rules, params = _rules_cte(scope)
    sql = f"""INSERT INTO {_STATISTICS} ({", ".join(_STATISTICS_COLUMNS)})
    WITH {rules}, marks AS (
        SELECT r.establishment_id, r.class_id, sr.subject_id, sr.period, r.unit, r.rounding,
            MAX(sr.mark) AS maximum, MIN(sr.mark) AS minimum,
            SUM({_units("sr.mark", "r.unit")}) AS total, COUNT(sr.mark) AS marked
        FROM rules r
        JOIN {_SUBJECT_RESULT} sr ON sr.school_class_id = r.class_id
            AND sr.period IN ({_in(periods)})
        GROUP BY r.establishment_id, r.class_id, sr.subject_id, sr.period, r.unit, r.rounding
    ), computed AS (
        SELECT establishment_id, class_id AS school_class_id, subject_id, period, maximum,
            CASE WHEN marked > 0 THEN {_rounded("total", "marked", "rounding")} * 1.0 / unit END
                AS mean,
            minimum, marked AS pupils
        FROM marks
    )
    {_STATISTICS_CHANGED}"""
    return _Statement("statistics", sql, params)


# --- running ------------------------------------------------------------------------------------


def _semesters(semester: int | None) -> tuple[int, ...]:
    if semester is None:
        return (Period.FIRST, Period.SECOND)
    if semester not in (Period.FIRST, Period.SECOND):
        raise ValueError(f"semester must be 1, 2 or None, not {semester!r}")
    return (int(semester),)


def _statements(scope: _Scope, semester: int | None) -> list[_Statement]:
    """The statements of a recomputation, in order (a fixed list: 11, or 12 for a class)."""
    semesters = _semesters(semester)
    periods = (*semesters, Period.YEAR)
    moved: list[_Statement] = []
    if scope.class_id is not None:
        moved = [_moved_in(scope, _SUBJECT_RESULT, periods)]
    return [
        _departed(scope, _SUBJECT_RESULT, periods),
        _without_sheet(scope, semesters),
        *moved,
        _semester_subject_results(scope, semesters),
        _year_without_semester(scope),
        _year_subject_results(scope),
        _departed(scope, _PERIOD_RESULT, periods),
        _semester_period_results(scope, semesters),
        _year_period_results(scope),
        _stale_statistics(scope, periods),
        _statistics(scope, periods),
    ]


def _run(scope: _Scope, semester: int | None, timings: dict[str, float] | None) -> Recomputed:
    statements = _statements(scope, semester)
    written: dict[str, int] = {}
    deleted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The statements' long CASE expressions cost PostgreSQL's JIT compiler seconds
            # (measured: 12 s of compiling for a 1 s query); they run better interpreted.
            cursor.execute("SET LOCAL jit = off")
            if scope.class_id is None:
                # A school's or the country's marks: hash joins and aggregates of millions of
                # rows, which spill to disk in the default 4 MB.
                cursor.execute("SET LOCAL work_mem = '256MB'")
            else:
                # Two saves in the same class recompute it one after the other (rather than
                # update the same rows in different orders and deadlock). SQLite has one writer.
                cursor.execute(
                    f"SELECT id FROM {_CLASS} WHERE id = %s FOR NO KEY UPDATE", [scope.class_id]
                )
        for statement in statements:
            started = time.perf_counter()
            cursor.execute(statement.sql, statement.params)
            if statement.sql.startswith("INSERT"):
                written[statement.label] = max(cursor.rowcount, 0)
                if statement.analyze and written[statement.label] > _ANALYZE_AFTER:
                    # The next statements read these rows: plan them on their real number
                    # (the first computation of a year starts from empty tables).
                    cursor.execute(f"ANALYZE {statement.analyze}")
            else:
                deleted += max(cursor.rowcount, 0)
            if timings is not None:
                spent = time.perf_counter() - started
                timings[statement.label] = timings.get(statement.label, 0.0) + spent
    return Recomputed(
        subject_results=written["subject results"] + written["year subject results"],
        period_results=written["averages"] + written["year averages"],
        statistics=written["statistics"],
        deleted=deleted,
    )


def _class_scope(school_class: SchoolClass) -> _Scope:
    class_id = school_class.pk
    rules, rules_params = _rules_of_one_class(school_class)
    return _Scope(
        rules=rules,
        rules_params=rules_params,
        results="{table}.school_class_id = %s",
        result_params=(class_id,),
        statistics="{table}.school_class_id = %s",
        statistics_params=(class_id,),
        class_id=class_id,
    )


def _establishment_scope(establishment: Establishment, school_year: SchoolYear) -> _Scope:
    ids = (establishment.pk, school_year.pk)
    rules, rules_params = _rules_of_classes(
        "c.establishment_id = %s AND c.school_year_id = %s", ids
    )
    return _Scope(
        rules=rules,
        rules_params=rules_params,
        results="{table}.establishment_id = %s AND {table}.school_year_id = %s",
        result_params=ids,
        statistics=(
            "{table}.establishment_id = %s AND {table}.school_class_id IN "
            f"(SELECT id FROM {_CLASS} WHERE school_year_id = %s)"
        ),
        statistics_params=ids,
    )


def _national_scope(school_year: SchoolYear) -> _Scope:
    year = (school_year.pk,)
    rules, rules_params = _rules_of_classes("c.school_year_id = %s", year)
    return _Scope(
        rules=rules,
        rules_params=rules_params,
        results="{table}.school_year_id = %s",
        result_params=year,
        statistics=(
            f"{{table}}.school_class_id IN (SELECT id FROM {_CLASS} WHERE school_year_id = %s)"
        ),
        statistics_params=year,
    )


# --- public -------------------------------------------------------------------------------------


def recompute_class(
    school_class: SchoolClass,
    *,
    semester: int | None = None,
    timings: dict[str, float] | None = None,
) -> Recomputed:
    """Recompute the results of one class: ``semester`` (1 or 2) and the year, or (``None``)
    both semesters and the year. A fixed number of statements, in one transaction.

    ``timings``, when given, receives the seconds spent in each statement (for benchmarks)."""
    return _run(_class_scope(school_class), semester, timings)


def recompute_establishment(
    establishment: Establishment,
    school_year: SchoolYear,
    *,
    semester: int | None = None,
    timings: dict[str, float] | None = None,
) -> Recomputed:
    """Recompute the results of every class of an establishment in a school year."""
    return _run(_establishment_scope(establishment, school_year), semester, timings)


def recompute_all(
    school_year: SchoolYear,
    *,
    semester: int | None = None,
    timings: dict[str, float] | None = None,
) -> Recomputed:
    """Recompute the results of every class of the country in a school year."""
    return _run(_national_scope(school_year), semester, timings)


def statements_for_all(
    school_year: SchoolYear, *, semester: int | None = None
) -> list[tuple[str, str, list]]:
    """``(label, sql, params)`` of the statements ``recompute_all`` runs (for EXPLAIN)."""
    return [
        (statement.label, statement.sql, statement.params)
        for statement in _statements(_national_scope(school_year), semester)
    ]


def statements_for_class(
    school_class: SchoolClass, *, semester: int | None = None
) -> list[tuple[str, str, list]]:
    """``(label, sql, params)`` of the statements ``recompute_class`` runs (for EXPLAIN)."""
    return [
        (statement.label, statement.sql, statement.params)
        for statement in _statements(_class_scope(school_class), semester)
    ]
