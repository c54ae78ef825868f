"""Benchmark: 50 people saving marks at once, several of them on the same sheets.

    python benchmarks/assessment_sheet_saves.py
    MASSAR_BENCH_VIA=view python benchmarks/assessment_sheet_saves.py   # through the page's view
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/massar_bench_other \
        python benchmarks/assessment_sheet_saves.py

PostgreSQL only (the point is row locks and concurrent transactions): ``DATABASE_URL`` defaults to
``postgres://postgres@127.0.0.1:5432/massar_bench_sheets``; the database is created if missing,
wiped and migrated (its name must contain "bench").

Builds (not timed) a lycée with ``MASSAR_BENCH_CLASSES`` (20) classes of ``MASSAR_BENCH_PUPILS``
(38) pupils; each class's MATH and PC sheets belong to one teacher each (40 teachers), and
``MASSAR_BENCH_STAFF`` (10) staff accounts of the school each work on one of
``MASSAR_BENCH_HOT`` (5) "hot" sheets beside its teacher (three editors per hot sheet, all on
the same 8 pupils). Then one thread per person (50) saves ``MASSAR_BENCH_SAVES`` (40) times, all
starting together: one pupil's mark (``marks_save`` with the version the thread last saw), and
every 8th save a whole column of the sheet, as a pasted column does. A conflict (``StaleMarks``)
is counted and the thread takes the current version, as the teacher would after seeing the other
person's mark. With ``MASSAR_BENCH_VIA=view`` each thread posts the sheet form to the save view
with the test client (htmx answer), so the figures include the view, its access checks and its
fragment.

Prints throughput, p50/p95/p99 latency of a save, the conflicts raised, the errors (a deadlock
would be one), and checks that no update was lost: every row's version is 1 + the number of
saves that changed it, no two saves produced the same version of a row, the last save of each
cell is what the row holds, and each change wrote one history row.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/massar_bench_sheets"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)


def _create_database(url: str) -> None:
    """Create the benchmark database when missing (connecting to the server's "postgres")."""
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(url)
    name = settings["NAME"]
    if "bench" not in name:
        raise SystemExit("Use a database whose name contains 'bench': it is wiped.")
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            server.execute(f'CREATE DATABASE "{name}"')


if not os.environ["DATABASE_URL"].startswith("postgres"):
    raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
_create_database(os.environ["DATABASE_URL"])

from benchmarks._setup import count_from_env, start  # noqa: E402

start(sqlite_name=None)

from django.db import connection, connections  # noqa: E402
from django.db.utils import DatabaseError  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.synthetic_pupils import FIRST_NAMES, family_names  # noqa: E402
from massar.accounts.models import Role  # noqa: E402
from massar.accounts.services import role_assign, user_create  # noqa: E402
from massar.assessment.models import EntryWindow, MarkRow, MarkSheet  # noqa: E402
from massar.assessment.services_marks import (  # noqa: E402
    RowChange,
    StaleMarks,
    marks_save,
    sheet_open,
)
from massar.core.choices import Area, CycleCode, Sector  # noqa: E402
from massar.curriculum.models import Stream, Subject  # noqa: E402
from massar.schooling.models import ClassPlacement, SchoolClass  # noqa: E402
from massar.staff.models import StaffMember, StaffStatus, TeachingAssignment  # noqa: E402
from massar.students.duplicates import set_name_keys  # noqa: E402
from massar.students.models import Enrolment, EnrolmentStatus, Student  # noqa: E402
from massar.territory.models import (  # noqa: E402
    Commune,
    Directorate,
    Establishment,
    EstablishmentCycle,
    SchoolYear,
)

SUBJECTS = ("MATH", "PC")
HOT_PUPILS = 8  # the pupils every editor of a hot sheet works on
BARRIER = None  # every editor starts at once (a thread or a process barrier)
COLUMN_EVERY = 8  # every n-th save of a thread is a whole column


def build(classes: int, pupils: int, staff_count: int, hot: int):
    """The lycée, its classes and pupils, 40 teachers with a sheet each, the staff accounts,
    and an entry window open today. Returns the editors: (user, sheet, shares a hot sheet)."""
    rng = random.Random(7)
    year = SchoolYear.objects.get(is_current=True)
    directorate = Directorate.objects.get(code="0401")
    commune = Commune.objects.create(
        code="BENCH-SH", directorate=directorate, area=Area.URBAN, name_fr="Banc", name_ar="بنش"
    )
    school = Establishment.objects.create(
        code="99100B",
        name_fr="Lycée des notes",
        name_ar="ثانوية النقط",
        academy_id=directorate.academy_id,
        directorate=directorate,
        commune=commune,
        sector=Sector.PUBLIC,
        area=Area.URBAN,
    )
    EstablishmentCycle.objects.create(establishment=school, cycle=CycleCode.UPPER_SECONDARY)
    stream = Stream.objects.get(code="TCS")
    school_classes = SchoolClass.objects.bulk_create(
        SchoolClass(
            establishment=school,
            school_year=year,
            level=stream.level,
            stream=stream,
            number=n,
            name=f"TCS-{n}",
            capacity=40,
        )
        for n in range(1, classes + 1)
    )
    families = family_names()
    students = []
    for number in range(classes * pupils):
        first_ar, first_fr, sex = rng.choice(FIRST_NAMES)
        last_ar, last_fr = rng.choice(families)
        student = Student(
            code_massar=f"N{number:09d}",
            establishment=school,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            first_name_fr=first_fr,
            last_name_fr=last_fr,
            sex=sex,
            birth_date=date(2010, 1, 1) + timedelta(days=rng.randint(0, 700)),
        )
        set_name_keys(student)
        students.append(student)
    Student.objects.bulk_create(students, batch_size=2000)
    enrolments = Enrolment.objects.bulk_create(
        (
            Enrolment(
                student=student,
                school_year=year,
                establishment=school,
                level=stream.level,
                stream=stream,
                status=EnrolmentStatus.REGISTERED,
                entered_on=year.starts_on,
            )
            for student in students
        ),
        batch_size=2000,
    )
    ClassPlacement.objects.bulk_create(
        (
            ClassPlacement(enrolment=e, school_class=school_classes[i // pupils])
            for i, e in enumerate(enrolments)
        ),
        batch_size=2000,
    )
    subjects = {s.code: s for s in Subject.objects.filter(code__in=SUBJECTS)}
    editors = []
    sheets = []
    for index, (school_class, code) in enumerate(
        (c, code) for c in school_classes for code in SUBJECTS
    ):
        user = user_create(username=f"bench-teacher-{index}", password=None)
        role_assign(user=user, role=Role.TEACHER, establishment=school)
        teacher = StaffMember.objects.create(
            user=user,
            first_name_ar="أستاذ",
            last_name_ar=f"رقم {index}",
            first_name_fr="Prof",
            last_name_fr=f"N{index}",
            cin=f"BN{index:06d}",
            payroll_number=f"{8000000 + index}",
            status=StaffStatus.CIVIL_SERVANT,
            cycle=CycleCode.UPPER_SECONDARY,
            main_establishment=school,
        )
        TeachingAssignment.objects.create(
            establishment=school,
            school_year=year,
            school_class=school_class,
            subject=subjects[code],
            teacher=teacher,
            weekly_hours=Decimal(4),
        )
        sheet = sheet_open(
            actor=user, school_class=school_class, subject=subjects[code], semester=1
        )
        sheets.append(sheet)
        editors.append((user, sheet, index < hot))
    for index in range(staff_count):
        user = user_create(username=f"bench-staff-{index}", password=None)
        role_assign(user=user, role=Role.STAFF, establishment=school)
        editors.append((user, sheets[index % hot], True))
    today = timezone.localdate()
    EntryWindow.objects.create(
        school_year=year,
        semester=1,
        establishment=school,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
    )
    return editors


@dataclass
class Seen:
    """What one editor saw: latencies, conflicts, errors, and the versions its saves produced."""

    latencies: list[float] = field(default_factory=list)
    success_latencies: list[float] = field(default_factory=list)
    row_latencies: list[float] = field(default_factory=list)  # one pupil's row
    column_latencies: list[float] = field(default_factory=list)  # a whole column
    shared_latencies: list[float] = field(default_factory=list)  # saves on the shared sheets
    conflicts: int = 0
    errors: Counter = field(default_factory=Counter)
    changes: dict[int, list[int]] = field(default_factory=dict)  # row id → versions produced
    cells: dict[tuple[int, str], tuple[int, str]] = field(default_factory=dict)
    saves: int = 0

    def merge(self, other: Seen) -> None:
        self.latencies += other.latencies
        self.success_latencies += other.success_latencies
        self.row_latencies += other.row_latencies
        self.column_latencies += other.column_latencies
        self.shared_latencies += other.shared_latencies
        self.conflicts += other.conflicts
        self.errors.update(other.errors)
        self.saves += other.saves
        for row, versions in other.changes.items():
            self.changes.setdefault(row, []).extend(versions)
        for key, value in other.cells.items():
            self.cells[key] = max(self.cells.get(key, (0, "")), value)


def _ms(seconds: float) -> float:
    return seconds * 1000


def worker(job) -> Seen:
    """One editor: load the sheet, wait for everyone, then save ``saves`` times."""
    user_pk, sheet_pk, saves, hot, seed, via_view, think_ms = job
    from massar.accounts.models import User

    rng = random.Random(seed)
    seen = Seen()
    try:
        user = User.objects.get(pk=user_pk)
        sheet = MarkSheet.objects.select_related(
            "establishment", "school_class__level", "school_class__stream", "subject"
        ).get(pk=sheet_pk)
        rows = list(
            MarkRow.objects.filter(sheet=sheet)
            .order_by("pk")
            .values_list("pk", "enrolment_id", "version", "enrolment__student__code_massar")
        )
        row_of = {enrolment: pk for pk, enrolment, _v, _c in rows}
        code_of = {enrolment: code for _pk, enrolment, _v, code in rows}
        versions = {enrolment: version for _pk, enrolment, version, _c in rows}
        pool = [enrolment for _pk, enrolment, _v, _c in rows]
        if hot:
            pool = pool[:HOT_PUPILS]
        client = url = None
        if via_view:
            from django.test import Client
            from django.urls import reverse

            client = Client()
            client.force_login(user)
            url = reverse("assessment:marks_save", args=[sheet.public_id])
        BARRIER.wait()
        for number in range(saves):
            if think_ms:
                time.sleep(rng.uniform(0, 2 * think_ms) / 1000)
            column = number % COLUMN_EVERY == COLUMN_EVERY - 1
            name = "test_2" if column else "test_1"
            chosen = pool if column else [rng.choice(pool)]
            values = {e: str(Decimal(rng.randint(0, 2000)) / 100) for e in chosen}
            changes = [RowChange(e, versions[e], {name: values[e]}) for e in chosen]
            began = time.perf_counter()
            try:
                if client is None:
                    result = marks_save(actor=user, sheet=sheet, changes=changes)
                    new_versions = {e: result.versions[e] for e in chosen}
                else:
                    new_versions, stale = _post(client, url, changes, code_of, name)
                    if stale is not None:
                        raise StaleMarks(details=stale)
            except StaleMarks as conflict:
                seen.saves += 1
                seen.conflicts += 1
                seen.latencies.append(time.perf_counter() - began)
                (seen.column_latencies if column else seen.row_latencies).append(seen.latencies[-1])
                for item in conflict.details:  # the teacher sees the current marks
                    versions[item["enrolment_id"]] = item["version"]
                continue
            except DatabaseError as failure:  # a deadlock or a serialisation failure
                seen.saves += 1
                seen.errors[type(failure).__name__ + ": " + str(failure)[:80]] += 1
                continue
            elapsed = time.perf_counter() - began
            seen.saves += 1
            seen.latencies.append(elapsed)
            seen.success_latencies.append(elapsed)
            (seen.column_latencies if column else seen.row_latencies).append(elapsed)
            for e in chosen:
                if new_versions[e] != versions[e]:  # the row changed: one more version
                    row = row_of[e]
                    seen.changes.setdefault(row, []).append(new_versions[e])
                    seen.cells[(row, name)] = max(
                        seen.cells.get((row, name), (0, "")), (new_versions[e], values[e])
                    )
            versions.update(new_versions)
    except Exception as failure:  # a broken editor is reported, not hidden
        seen.errors[f"editor: {type(failure).__name__}: {failure}"[:120]] += 1
        BARRIER.abort()
    finally:
        connections.close_all()
    if hot:
        seen.shared_latencies = list(seen.latencies)
    return seen


VERSION = re.compile(r'name="([A-Z0-9]+)\.version" value="(\d+)"')
CONFIRM = re.compile(r'name="([A-Z0-9]+)\.confirm" value="(\d+)"')


def _post(client, url, changes, code_of, field):
    """Post the sheet form (htmx) and read the new versions, or the conflict, from the answer."""
    if client is None:
        raise RuntimeError("no client")
    data = {}
    for change in changes:
        code = code_of[change.enrolment_id]
        data[f"{code}.version"] = str(change.version)
        data[f"{code}.{field}"] = change.cells[field].replace(".", ",")
    if len(changes) > 1:
        data["whole"] = "1"
    answer = client.post(url, data, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    if answer.status_code != 200:
        raise RuntimeError(f"status {answer.status_code}")
    by_code = {code: e for e, code in code_of.items()}
    stale = [
        {"enrolment_id": by_code[code], "version": int(version)}
        for code, version in CONFIRM.findall(html)
    ]
    if stale:
        return None, stale
    found = {by_code[code]: int(version) for code, version in VERSION.findall(html)}
    if len(found) < len(changes):
        raise RuntimeError(f"answer without versions: {html[:200]}")
    return found, None


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def verify(tally: Seen) -> list[str]:
    """Problems found, if any: lost updates, versions produced twice, missing history."""
    problems = []
    rows = {
        row.pk: row
        for row in MarkRow.objects.filter(pk__in=list(tally.changes) or [0]).only(
            "pk", "version", "test_1", "test_2"
        )
    }
    all_rows = MarkRow.objects.count()
    unchanged_bumped = MarkRow.objects.exclude(pk__in=list(tally.changes)).exclude(version=1)
    if unchanged_bumped.exists():
        problems.append(f"{unchanged_bumped.count()} rows changed that no save reports")
    history = Counter(
        MarkRow.history.filter(id__in=list(tally.changes)).values_list("id", flat=True)
    )
    for pk, produced in tally.changes.items():
        row = rows[pk]
        if row.version != 1 + len(produced):
            problems.append(f"row {pk}: version {row.version}, {len(produced)} saves changed it")
        if len(set(produced)) != len(produced):
            problems.append(f"row {pk}: a version was produced twice (a lost update)")
        if sorted(produced) != list(range(2, 2 + len(produced))):
            problems.append(f"row {pk}: versions produced {sorted(produced)}")
        if history[pk] != len(produced):
            problems.append(f"row {pk}: {history[pk]} history rows for {len(produced)} changes")
    for (pk, name), (_version, value) in tally.cells.items():
        held = getattr(rows[pk], name)
        if Decimal(value) != held:
            problems.append(f"row {pk}: {name} holds {held}, the last save wrote {value}")
    if not tally.changes:
        problems.append("no save changed anything")
    print(f"checked {len(tally.changes)} changed rows of {all_rows}")
    return problems


def main() -> None:
    global BARRIER
    classes = count_from_env("MASSAR_BENCH_CLASSES", 20)
    pupils = count_from_env("MASSAR_BENCH_PUPILS", 38)
    staff_count = count_from_env("MASSAR_BENCH_STAFF", 10)
    hot = count_from_env("MASSAR_BENCH_HOT", 5)
    saves = count_from_env("MASSAR_BENCH_SAVES", 40)
    think_ms = count_from_env("MASSAR_BENCH_THINK_MS", 0)
    via_view = os.environ.get("MASSAR_BENCH_VIA", "service") == "view"
    use_processes = os.environ.get("MASSAR_BENCH_WORKERS", "threads") == "processes"
    began = time.perf_counter()
    editors = build(classes, pupils, staff_count, hot)
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {classes} classes of {pupils} "
        f"pupils, {len(editors)} editors ({sum(1 for e in editors if e[2])} on {hot} shared "
        f"sheets), built in {time.perf_counter() - began:.1f} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    jobs = [
        (user.pk, sheet.pk, saves, shared, seed, via_view, think_ms)
        for seed, (user, sheet, shared) in enumerate(editors)
    ]
    connections.close_all()  # every editor opens its own connection
    tally = Seen()
    if use_processes:
        context = multiprocessing.get_context("fork")
        BARRIER = context.Barrier(len(jobs) + 1)
        with context.Pool(len(jobs)) as pool:
            pending = pool.map_async(worker, jobs, chunksize=1)
            BARRIER.wait()
            started = time.perf_counter()
            results = pending.get()
            wall = time.perf_counter() - started
    else:
        BARRIER = threading.Barrier(len(jobs) + 1)
        results = [None] * len(jobs)

        def run(index, job):
            results[index] = worker(job)

        threads = [threading.Thread(target=run, args=item) for item in enumerate(jobs)]
        for thread in threads:
            thread.start()
        with contextlib.suppress(threading.BrokenBarrierError):
            BARRIER.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    for result in results:
        tally.merge(result)
    done = len(tally.latencies)
    door = "the save view (test client, htmx answer)" if via_view else "marks_save"
    kind = "processes" if use_processes else "threads"
    print(
        f"through {door}: {len(jobs)} {kind} × {saves} saves (every {COLUMN_EVERY}th a whole "
        f"column), think time {think_ms} ms on average"
    )
    print(
        f"{tally.saves} saves in {wall:.2f} s: {tally.saves / wall:.0f} saves/s; "
        f"{len(tally.success_latencies)} saved, {tally.conflicts} conflicts (StaleMarks), "
        f"{sum(tally.errors.values())} errors"
    )
    if done:
        print(
            "latency of a save (all): "
            f"p50 {_ms(percentile(tally.latencies, 0.50)):.1f} ms, "
            f"p95 {_ms(percentile(tally.latencies, 0.95)):.1f} ms, "
            f"p99 {_ms(percentile(tally.latencies, 0.99)):.1f} ms, "
            f"max {_ms(max(tally.latencies)):.1f} ms, "
            f"mean {_ms(statistics.fmean(tally.latencies)):.1f} ms"
        )
    if tally.row_latencies and tally.column_latencies:
        print(
            f"one pupil's row: p50 {_ms(percentile(tally.row_latencies, 0.50)):.1f} ms, "
            f"p99 {_ms(percentile(tally.row_latencies, 0.99)):.1f} ms; a whole column: "
            f"p50 {_ms(percentile(tally.column_latencies, 0.50)):.1f} ms, "
            f"p99 {_ms(percentile(tally.column_latencies, 0.99)):.1f} ms"
        )
    if tally.shared_latencies:
        own = sorted(tally.latencies)
        for sample in tally.shared_latencies:  # what is left: editors alone on their sheet
            own.remove(sample)
        print(
            f"editors alone on their sheet: p50 {_ms(percentile(own, 0.50)):.1f} ms, "
            f"p99 {_ms(percentile(own, 0.99)):.1f} ms; three editors on one sheet: "
            f"p50 {_ms(percentile(tally.shared_latencies, 0.50)):.1f} ms, "
            f"p99 {_ms(percentile(tally.shared_latencies, 0.99)):.1f} ms"
        )
    for message, count in tally.errors.most_common():
        print(f"  error ×{count}: {message}")
    problems = verify(tally)
    if problems:
        print("LOST OR INCONSISTENT UPDATES:")
        for problem in problems[:20]:
            print("  " + problem)
        raise SystemExit(1)
    print("no lost update: every row's version is 1 + the saves that changed it; history complete")
    p99 = _ms(percentile(tally.latencies, 0.99)) if done else float("inf")
    print(f"p99 target 200 ms: {'met' if p99 < 200 else 'NOT met'} ({p99:.1f} ms)")


if __name__ == "__main__":
    main()
