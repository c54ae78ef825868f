"""Runs of the timetable generator: the request (a service), and the run itself (the task's body).

The director or staff asks for a run; a ``GeneratorRun`` row is created and the task is enqueued
once the transaction commits. The task claims the run (it does nothing for a run that is not
waiting, so running it twice is harmless), loads the problem, solves it while writing its progress
at most once a second, and then, in one transaction:

- a timetable was found: the school's unlocked sessions become the solution (sessions that stay
  in place are untouched, moved ones updated, new ones created, the rest deleted — every change
  with its history row), locked sessions are kept, the run records its figures;
- no timetable exists: the run keeps the reasons (codes and ids, worded when shown) and no
  session changes;
- time ran out, the timetable was edited meanwhile, or anything else failed: the run says so and
  no session changes.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from enum import Enum

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from massar.core.errors import DomainError, PermissionDenied, ValidationFailed
from massar.territory.models import Establishment, SchoolYear
from massar.territory.selectors import current_school_year

from .generation_access import can_generate_at
from .generator import Conflict, Solution, SolveStatus
from .generator.solver import solve
from .loading import SESSION_STATE_FIELDS, LoadedProblem, ensure_loadable, load_problem
from .models import GeneratorRun, RunMode, RunStatus, Session

logger = logging.getLogger(__name__)

MIN_TIME_LIMIT = 5
MAX_TIME_LIMIT = 900
DEFAULT_TIME_LIMIT = 60
#: CP-SAT search workers of one run (the machines have two cores per worker process).
SOLVER_WORKERS = 2
#: Progress is written at most this often (seconds): enough for a page polling every two.
PROGRESS_INTERVAL = 1.0
#: A run still waiting after this long, or running this long past its time limit, was lost
#: (a worker stopped): it no longer blocks new runs.
QUEUED_GIVE_UP = timedelta(hours=1)
RUNNING_GRACE = timedelta(minutes=5)

ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class TimetableChanged(DomainError):
    code = "timetable_changed"
    default_message = gettext_lazy("The timetable was changed while the generator ran.")


# --- The request ----------------------------------------------------------------------------


def _clean_mode(mode) -> str:
    if mode not in RunMode.values:
        message = _("Choose how to generate: the whole timetable, or a repair.")
        raise ValidationFailed(
            message, code="invalid_mode", details=[{"loc": ["mode"], "msg": message}]
        )
    return mode


def _clean_time_limit(time_limit) -> int:
    try:
        seconds = int(time_limit)
        whole = seconds == time_limit or str(seconds) == str(time_limit).strip()
    except (TypeError, ValueError):
        seconds, whole = 0, False
    if not whole or not MIN_TIME_LIMIT <= seconds <= MAX_TIME_LIMIT:
        message = _("The time limit is a whole number of seconds from %(min)s to %(max)s.") % {
            "min": MIN_TIME_LIMIT,
            "max": MAX_TIME_LIMIT,
        }
        raise ValidationFailed(
            message, code="invalid_time_limit", details=[{"loc": ["time_limit"], "msg": message}]
        )
    return seconds


def _close_abandoned(establishment: Establishment, school_year: SchoolYear) -> None:
    """Mark as failed the runs a stopped worker left waiting or running for ever."""
    now = timezone.now()
    active = GeneratorRun.objects.filter(
        establishment=establishment, school_year=school_year, status__in=ACTIVE_STATUSES
    )
    lost = [
        run.pk
        for run in active.only("id", "status", "created_at", "started_at", "time_limit_seconds")
        if (run.status == RunStatus.QUEUED and run.created_at < now - QUEUED_GIVE_UP)
        or (
            run.status == RunStatus.RUNNING
            and run.started_at is not None
            and run.started_at < now - timedelta(seconds=run.time_limit_seconds) - RUNNING_GRACE
        )
    ]
    if lost:
        GeneratorRun.objects.filter(pk__in=lost).update(
            status=RunStatus.FAILED,
            finished_at=now,
            explanation=[{"code": "abandoned", "params": {}}],
        )


def generator_run_request(
    *,
    actor,
    establishment: Establishment,
    mode: str = RunMode.FULL,
    time_limit: int = DEFAULT_TIME_LIMIT,
    school_year: SchoolYear | None = None,
) -> GeneratorRun:
    """Ask for a run of the generator for ``establishment`` (the current year by default).

    Only the director and staff of the school may. Refused, with a message, when a run is
    already waiting or running for the school and year, when the mode or time limit is not
    valid, and when there is nothing to timetable yet (no grid, no period, no assignment).
    """
    if not can_generate_at(actor, establishment):
        raise PermissionDenied(_("Only the director and staff of the school can do this."))
    mode = _clean_mode(mode)
    seconds = _clean_time_limit(time_limit)
    year = school_year or current_school_year()
    if year is None:
        raise ValidationFailed(_("No school year is open."), code="no_current_year")
    with transaction.atomic():
        # One request at a time per school: the row lock makes the check below race-free.
        Establishment.objects.select_for_update().filter(pk=establishment.pk).exists()
        _close_abandoned(establishment, year)
        if GeneratorRun.objects.filter(
            establishment=establishment, school_year=year, status__in=ACTIVE_STATUSES
        ).exists():
            raise ValidationFailed(
                _(
                    "The generator is already working on this school's timetable: "
                    "wait for that run to finish before asking for another."
                ),
                code="run_in_progress",
            )
        ensure_loadable(establishment=establishment, school_year=year)
        run = GeneratorRun(
            establishment=establishment,
            school_year=year,
            mode=mode,
            time_limit_seconds=seconds,
            requested_by=actor,
        )
        run.full_clean()
        run.save()
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from .tasks import generate_timetable

    try:
        generate_timetable.enqueue(run_id)
    except Exception:  # the queue is unreachable: the run must not block the school
        logger.exception("Could not enqueue timetable generator run %s", run_id)
        GeneratorRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            explanation=[{"code": "error", "params": {}}],
        )


# --- The run --------------------------------------------------------------------------------


class ProgressWriter:
    """The solver's progress callback: writes the run's progress at most once per interval.

    The solver calls it in the caller's thread; were it called from another thread, the write
    would use that thread's connection, closed at once. Progress is informative: a failed write
    is logged, never fatal (the search goes on).
    """

    def __init__(self, run_id: int, *, interval: float = PROGRESS_INTERVAL, clock=time.monotonic):
        self.run_id = run_id
        self.interval = interval
        self.clock = clock
        self.writes = 0
        self._last: float | None = None
        self._lock = threading.Lock()
        self._owner = threading.get_ident()

    def __call__(self, fraction: float, objective: float | None = None) -> None:
        with self._lock:
            now = self.clock()
            if self._last is not None and now - self._last < self.interval:
                return
            self._last = now
        percent = max(0, min(99, int((fraction or 0) * 100)))  # 100 only once written
        try:
            GeneratorRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(
                progress=percent, objective=objective
            )
            self.writes += 1
        except Exception:
            logger.warning("Could not record the progress of run %s", self.run_id, exc_info=True)
        finally:
            if threading.get_ident() != self._owner:
                connection.close()


def _jsonable(value):
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(item) for item in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def conflicts_as_json(conflicts) -> list[dict]:
    return [{"code": conflict.code, "params": _jsonable(conflict.params)} for conflict in conflicts]


def _finish(run: GeneratorRun, status: str, **values) -> GeneratorRun:
    run.status = status
    run.finished_at = timezone.now()
    if status == RunStatus.SUCCEEDED:
        run.progress = 100
    for name, value in values.items():
        setattr(run, name, value)
    run.full_clean()
    run.save(update_fields=["status", "finished_at", "progress", *values])
    return run


def _history_reason(run: GeneratorRun) -> str:
    return f"generator run {run.public_id}"


def _write_solution(run: GeneratorRun, loaded: LoadedProblem, solution: Solution) -> bool:
    """Replace the unlocked sessions by the solution and close the run, in one transaction.

    Answers False (and writes nothing) when the run was closed meanwhile; raises
    ``TimetableChanged`` when the sessions are not those the problem was loaded from.
    """
    with transaction.atomic():
        current = GeneratorRun.objects.select_for_update().only("status").get(pk=run.pk)
        if current.status != RunStatus.RUNNING:
            return False
        sessions = list(
            Session.objects.select_for_update().filter(
                establishment_id=run.establishment_id, school_year_id=run.school_year_id
            )
        )
        seen = frozenset(
            tuple(getattr(session, name) for name in SESSION_STATE_FIELDS) for session in sessions
        )
        if seen != loaded.sessions_seen:
            raise TimetableChanged()
        by_id = {session.pk: session for session in sessions}
        now = timezone.now()
        kept: set[int] = set()
        updated: list[Session] = []
        created: list[Session] = []
        moved = 0
        for lesson in loaded.problem.lessons:
            if lesson.locked is not None:
                continue
            placement = solution.placements[lesson.key]
            session_id = loaded.session_of_lesson.get(lesson.key)
            if session_id is None:
                created.append(
                    Session(
                        establishment_id=run.establishment_id,
                        school_year_id=run.school_year_id,
                        assignment_id=lesson.assignment_id,
                        school_class_id=lesson.class_id,
                        teacher_id=lesson.teacher_id,
                        room_id=placement.room_id,
                        weekday=placement.weekday,
                        period=placement.period,
                        length=lesson.length,
                        is_locked=False,
                        updated_at=now,
                    )
                )
                continue
            session = by_id[session_id]
            kept.add(session_id)
            place = (placement.weekday, placement.period, placement.room_id)
            if (session.weekday, session.period, session.room_id) != place:
                moved += 1
            elif (session.teacher_id, session.school_class_id) == (
                lesson.teacher_id,
                lesson.class_id,
            ):
                continue  # stays as it is: no write, no history row
            session.weekday, session.period, session.room_id = place
            session.teacher_id, session.school_class_id = lesson.teacher_id, lesson.class_id
            session.updated_at = now
            updated.append(session)
        removed = [s for s in sessions if not s.is_locked and s.pk not in kept]
        user, reason = run.requested_by, _history_reason(run)
        if removed:
            Session.objects.filter(pk__in=[session.pk for session in removed]).delete()
            _history_of_removed(removed, user=user, reason=reason, when=now)
        if updated:
            bulk_update_with_history(
                updated,
                Session,
                ["weekday", "period", "room", "teacher", "school_class", "updated_at"],
                default_user=user,
                default_change_reason=reason,
                default_date=now,
            )
        if created:
            bulk_create_with_history(
                created, Session, default_user=user, default_change_reason=reason, default_date=now
            )
        _finish(
            run,
            RunStatus.SUCCEEDED,
            objective=solution.objective,
            best_bound=solution.best_bound,
            sessions_placed=len(loaded.problem.lessons),
            sessions_moved=moved,
            explanation=[],
        )
    return True


def _history_of_removed(removed: list[Session], *, user, reason: str, when) -> None:
    """Deletion rows of the history (a bulk delete sends no signal)."""
    history = Session.history.model
    history.objects.bulk_create(
        [
            history(
                history_date=when,
                history_user=user,
                history_change_reason=reason,
                history_type="-",
                **{
                    field.attname: getattr(session, field.attname)
                    for field in history.tracked_fields
                },
            )
            for session in removed
        ]
    )


def _solve_and_write(run: GeneratorRun) -> None:
    loaded = load_problem(establishment=run.establishment, school_year=run.school_year)
    if loaded.conflicts:
        _finish(run, RunStatus.INFEASIBLE, explanation=conflicts_as_json(loaded.conflicts))
        return
    solution = solve(
        loaded.problem,
        time_limit=float(run.time_limit_seconds),
        mode=run.mode,
        workers=SOLVER_WORKERS,
        on_progress=ProgressWriter(run.pk),
    )
    if solution.found:
        missing = [
            lesson.key
            for lesson in loaded.problem.lessons
            if lesson.locked is None and lesson.key not in solution.placements
        ]
        if missing:  # never expected from the solver: refuse rather than write half a week
            raise RuntimeError(f"the solution leaves {len(missing)} lessons unplaced")
        if not _write_solution(run, loaded, solution):
            logger.warning("Run %s was closed while it ran: nothing written", run.pk)
        return
    if solution.status == SolveStatus.INFEASIBLE:
        conflicts = solution.conflicts or (Conflict("constraints_together", {}),)
        _finish(run, RunStatus.INFEASIBLE, explanation=conflicts_as_json(conflicts))
        return
    _finish(
        run,
        RunStatus.FAILED,
        explanation=[{"code": "time_out", "params": {"seconds": run.time_limit_seconds}}],
    )


def generator_run_execute(*, run_id: int) -> str:
    """Carry out a waiting run (the task's body); answers the run's final status.

    Does nothing for a run that is not waiting (already done, or taken by another worker).
    """
    claimed = GeneratorRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return "skipped"
    run = GeneratorRun.objects.select_related("establishment", "school_year", "requested_by").get(
        pk=run_id
    )
    try:
        _solve_and_write(run)
    except DomainError as failure:  # no grid or assignment any more, timetable edited meanwhile
        _fail(run, failure.code)
    except Exception:
        logger.exception("Timetable generator run %s failed", run_id)
        _fail(run, "error")
    return run.status


def _fail(run: GeneratorRun, code: str) -> None:
    fresh = GeneratorRun.objects.get(pk=run.pk)
    if fresh.status == RunStatus.RUNNING:
        _finish(fresh, RunStatus.FAILED, explanation=[{"code": code, "params": {}}])
    run.status = fresh.status
