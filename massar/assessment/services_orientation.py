"""Orientation at the end of 3AC, TC and 1BAC, and re-registration from the year councils.

- A pupil (``Student.user``) or a parent (``Guardian.user``) gives **ordered wishes** — streams
  of the next level, at most the window's ``max_wishes``, no stream twice — for phase 1 and then
  phase 2 (final), each only while its ``OrientationWindow`` is open.
- The school sets the places (``StreamCapacity``) each stream of the next level offers its pupils.
- ``orientation_propose`` gives a class's passing pupils a stream by merit (annual average, then
  the second semester's), each taking their final wishes in order within the places the school
  has left; pupils who get none of their wishes are listed for the council, which can change any
  stream within capacity (``services_councils.council_decision_save``).
- ``reregister_from_councils`` enrols the pupils of an establishment's validated year councils
  in the next school year through ``students.services.enrolments_reregister``.

Window checks take ``on`` (the day of the request by default) so that tests choose the date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.curriculum.models import Level, Stream
from massar.students.models import Enrolment, YearDecision
from massar.students.services import enrolments_reregister
from massar.territory.models import Establishment, SchoolYear

from . import selectors_councils as selectors
from .access import family_enrolments, is_school_of
from .models import (
    ClassCouncil,
    CouncilDecision,
    CouncilStatus,
    OrientationWindow,
    OrientationWish,
    Period,
    PeriodResult,
    StreamCapacity,
)
from .models.windows import OrientationPhase
from .services_councils import lock_council, require_draft

MAX_PLACES = 5000

# --- windows ----------------------------------------------------------------------------------


def _day(window_date: date) -> str:
    return date_format(window_date, "SHORT_DATE_FORMAT")


def open_phase(windows: Mapping[int, OrientationWindow], on: date) -> OrientationWindow | None:
    """The window of ``windows`` open on ``on`` (the final one wins if both are)."""
    found = None
    for phase in sorted(windows):
        window = windows[phase]
        if window.opens_on <= on <= window.closes_on:
            found = window
    return found


def require_window_open(window: OrientationWindow | None, *, phase: int, on: date) -> None:
    """Refuse, naming the dates, wishes given outside the phase's window."""
    if window is None:
        raise ValidationFailed(
            _("No window is set for orientation wishes of this phase."), code="wishes_closed"
        )
    if not window.opens_on <= on <= window.closes_on:
        raise ValidationFailed(
            _("%(phase)s may be given from %(opens)s to %(closes)s.")
            % {
                "phase": OrientationPhase(phase).label,
                "opens": _day(window.opens_on),
                "closes": _day(window.closes_on),
            },
            code="wishes_closed",
        )


# --- a pupil's wishes -------------------------------------------------------------------------


@transaction.atomic
def wishes_save(
    *,
    actor,
    enrolment: Enrolment,
    phase: int,
    streams: Sequence[Stream],
    on: date | None = None,
) -> list[OrientationWish]:
    """The pupil's (or their parent's) wishes for ``phase``, in order of preference; they
    replace the phase's earlier wishes."""
    if not family_enrolments(actor).filter(pk=enrolment.pk).exists():
        raise NotFound()
    if phase not in OrientationPhase.values:
        raise ValidationFailed(_("Choose the phase of the wishes."), code="bad_phase")
    windows = selectors.orientation_windows(enrolment.school_year, enrolment.level)
    if not windows:
        raise ValidationFailed(
            _("Pupils of %(level)s give no orientation wishes.") % {"level": enrolment.level.name},
            code="not_orientation_level",
        )
    window = windows.get(phase)
    require_window_open(window, phase=phase, on=on or timezone.localdate())
    chosen = [stream for stream in streams if stream is not None]
    if not chosen:
        raise ValidationFailed(_("Choose at least one stream."), code="no_wish")
    if len(chosen) > window.max_wishes:
        raise ValidationFailed(
            _("Give at most %(max)s wishes.") % {"max": window.max_wishes}, code="too_many_wishes"
        )
    if len({stream.pk for stream in chosen}) != len(chosen):
        raise ValidationFailed(_("Each stream may be wished only once."), code="duplicate_wish")
    following = selectors.next_level(enrolment.level)
    for stream in chosen:
        if following is None or stream.level_id != following.pk or not stream.is_active:
            raise ValidationFailed(
                _("%(stream)s is not a stream of the level after %(level)s.")
                % {"stream": stream.name, "level": enrolment.level.name},
                code="stream_not_next_level",
            )
    # A handful of rows (at most ten): saved one by one, so that every change is in the history
    # with its author.
    for old in OrientationWish.objects.filter(enrolment=enrolment, phase=phase):
        old._history_user = actor
        old.delete()
    wishes = []
    for rank, stream in enumerate(chosen, start=1):
        wish = OrientationWish(
            enrolment=enrolment, phase=phase, rank=rank, stream=stream, entered_by=actor
        )
        wish._history_user = actor
        wish.save()
        wishes.append(wish)
    return wishes


# --- capacities -------------------------------------------------------------------------------


@transaction.atomic
def capacities_set(
    *,
    actor,
    establishment: Establishment,
    school_year: SchoolYear,
    places: Mapping[Stream, int | None],
) -> int:
    """Set the places each stream offers the school's oriented pupils (``None`` removes a
    stream's places). Refused for a stream that follows no orientation level the school
    teaches, or below the places its councils already gave. Returns the rows written."""
    if not is_school_of(actor, establishment):
        raise PermissionDenied(_("Only the director and staff of the school can do this."))
    allowed = {
        row.stream.pk
        for row in selectors.capacity_rows(establishment=establishment, school_year=school_year)
    }
    taken = selectors.places_taken(establishment=establishment, school_year=school_year)
    for stream, value in places.items():
        if stream.pk not in allowed:
            raise ValidationFailed(
                _("%(stream)s does not follow a level this school orients.")
                % {"stream": stream.name},
                code="stream_not_oriented",
            )
        if value is None:
            if taken.get(stream.pk, 0):
                raise ValidationFailed(
                    _("%(count)s pupil(s) already have %(stream)s: keep at least that many places.")
                    % {"count": taken[stream.pk], "stream": stream.name},
                    code="below_taken",
                )
            continue
        if not 0 <= value <= MAX_PLACES:
            raise ValidationFailed(
                _("Places must be between 0 and %(max)s.") % {"max": MAX_PLACES},
                code="bad_places",
            )
        if value < taken.get(stream.pk, 0):
            raise ValidationFailed(
                _("%(count)s pupil(s) already have %(stream)s: keep at least that many places.")
                % {"count": taken[stream.pk], "stream": stream.name},
                code="below_taken",
            )
    existing = {
        row.stream_id: row
        for row in StreamCapacity.objects.select_for_update().filter(
            establishment=establishment, school_year=school_year
        )
    }
    written = 0
    for stream, value in places.items():
        row = existing.get(stream.pk)
        if value is None:
            if row is not None:
                row._history_user = actor
                row.delete()
                written += 1
            continue
        if row is None:
            row = StreamCapacity(
                establishment=establishment, school_year=school_year, stream=stream, places=value
            )
        elif row.places == value:
            continue
        row.places = value
        row._history_user = actor
        row.save()
        written += 1
    return written


# --- merit assignment -------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    enrolment_id: int
    annual: Decimal | None
    second: Decimal | None
    tiebreak: str  # code Massar: a stable order when both averages are equal
    wishes: tuple[int, ...]  # stream ids, in order of preference


def merit_order(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Best first: annual average, then the second semester's (a missing one ranks last),
    then the code Massar so that the order never depends on the database."""

    def key(candidate: Candidate):
        return (
            candidate.annual is None,
            -(candidate.annual or 0),
            candidate.second is None,
            -(candidate.second or 0),
            candidate.tiebreak,
        )

    return sorted(candidates, key=key)


def assign_by_merit(
    candidates: Iterable[Candidate], remaining: Mapping[int, int]
) -> dict[int, int | None]:
    """Enrolment id → the stream id each candidate gets (``None``: none of their wishes had a
    place left when their turn came), taking candidates by merit and their wishes in order."""
    left = dict(remaining)
    assigned: dict[int, int | None] = {}
    for candidate in merit_order(candidates):
        assigned[candidate.enrolment_id] = None
        for stream_id in candidate.wishes:
            if left.get(stream_id, 0) > 0:
                left[stream_id] -= 1
                assigned[candidate.enrolment_id] = stream_id
                break
    return assigned


@dataclass(frozen=True)
class ProposalResult:
    assigned: dict[int, int]  # stream id → pupils given it
    unplaced: list[CouncilDecision]  # passing pupils who got none of their final wishes
    without_wishes: list[CouncilDecision]  # passing pupils who gave no final wishes


@transaction.atomic
def orientation_propose(*, actor, council: ClassCouncil) -> ProposalResult:
    """Give the passing pupils of a year council at an orientation level a stream of the next
    level by merit, within the places the school has left (other classes' councils keep theirs).
    The class's earlier streams are replaced; the council may then change any of them."""
    if not is_school_of(actor, council.establishment):
        raise PermissionDenied(_("Only the director and staff of the school can do this."))
    council = lock_council(council)
    require_draft(council)
    level = council.school_class.level
    if council.period != Period.YEAR or not selectors.is_orientation_level(
        council.school_year, level
    ):
        raise ValidationFailed(
            _("Streams are proposed by the year council of an orientation level (3AC, TC, 1BAC)."),
            code="not_orientation_council",
        )
    following = selectors.next_level(level)
    stream_ids = [s.pk for s in selectors.streams_of(following)]
    capacity = {
        row.stream_id: row.places
        for row in StreamCapacity.objects.select_for_update().filter(
            establishment=council.establishment,
            school_year=council.school_year,
            stream_id__in=stream_ids,
        )
    }
    taken = selectors.places_taken(
        establishment=council.establishment,
        school_year=council.school_year,
        exclude_council=council,
    )
    remaining = {sid: max(places - taken.get(sid, 0), 0) for sid, places in capacity.items()}
    rows = list(council.decisions.select_related("enrolment__student"))
    passing = [row for row in rows if row.decision == YearDecision.PASS]
    ids = [row.enrolment_id for row in passing]
    wishes = selectors.final_wishes(ids)
    second = dict(
        PeriodResult.objects.filter(enrolment_id__in=ids, period=Period.SECOND).values_list(
            "enrolment_id", "average"
        )
    )
    candidates = [
        Candidate(
            enrolment_id=row.enrolment_id,
            annual=row.average,
            second=second.get(row.enrolment_id),
            tiebreak=row.enrolment.student.code_massar,
            wishes=tuple(s for s in wishes.get(row.enrolment_id, ()) if s in stream_ids),
        )
        for row in passing
    ]
    assigned = assign_by_merit(candidates, remaining)
    changed = []
    for row in rows:
        target = assigned.get(row.enrolment_id) if row.decision == YearDecision.PASS else None
        if row.next_stream_id != target:
            row.next_stream_id = target
            changed.append(row)
    if changed:
        bulk_update_with_history(
            changed, CouncilDecision, ["next_stream"], batch_size=500, default_user=actor
        )
    counts: dict[int, int] = defaultdict(int)
    for stream_id in assigned.values():
        if stream_id is not None:
            counts[stream_id] += 1
    return ProposalResult(
        assigned=dict(counts),
        unplaced=[
            row
            for row in passing
            if assigned.get(row.enrolment_id) is None and wishes.get(row.enrolment_id)
        ],
        without_wishes=[row for row in passing if not wishes.get(row.enrolment_id)],
    )


# --- re-registration --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReRegistrationGroup:
    from_level: Level
    to_level: Level
    to_stream: Stream
    registered: int
    already_enrolled: int


@dataclass
class ReRegistrationReport:
    groups: list[ReRegistrationGroup] = field(default_factory=list)
    excluded: int = 0  # end of schooling: not re-registered
    graduating: int = 0  # passing the last level (2BAC): not re-registered
    elsewhere: int = 0  # passing into a level the school does not teach (e.g. 3AC → TC)
    without_stream: int = 0  # passing with no stream found for next year

    @property
    def registered(self) -> int:
        return sum(group.registered for group in self.groups)

    @property
    def already_enrolled(self) -> int:
        return sum(group.already_enrolled for group in self.groups)


def _continuing_stream(stream: Stream, streams: list[Stream]) -> Stream | None:
    """The stream a pupil passing from ``stream`` continues in, at a level without
    orientation: the next level's general stream, else its stream of the same abbreviation,
    else its only stream."""
    general = [s for s in streams if s.is_general]
    if len(general) == 1:
        return general[0]
    same = [s for s in streams if s.abbreviation == stream.abbreviation]
    if len(same) == 1:
        return same[0]
    return streams[0] if len(streams) == 1 else None


@transaction.atomic
def reregister_from_councils(
    *, actor, establishment: Establishment, from_year: SchoolYear, to_year: SchoolYear
) -> ReRegistrationReport:
    """Re-register the pupils of the establishment's validated year councils of ``from_year``
    into ``to_year``: a passing pupil in the next level (with the council's next stream at
    orientation levels; 2BAC graduates are not re-registered), a repeating pupil in the same
    level and stream, an excluded pupil not at all."""
    if not is_school_of(actor, establishment):
        raise PermissionDenied(_("Only the director and staff of the school can do this."))
    if to_year.starts_on <= from_year.starts_on:
        raise ValidationFailed(_("Re-register into a later school year."), code="year_order")
    rows = list(
        CouncilDecision.objects.filter(
            council__establishment=establishment,
            council__school_year=from_year,
            council__period=Period.YEAR,
            council__status=CouncilStatus.VALIDATED,
        )
        .select_related("enrolment__level", "enrolment__stream", "next_stream")
        .order_by("enrolment_id")
    )
    report = ReRegistrationReport()
    levels = {row.enrolment.level_id: row.enrolment.level for row in rows}
    following = selectors.next_levels(list(levels.values()))
    oriented = selectors.orientation_level_ids(from_year)
    taught = set(establishment.cycles.values_list("cycle", flat=True))
    next_ids = [level.pk for level in following.values() if level is not None]
    streams: dict[int, list[Stream]] = defaultdict(list)
    for stream in Stream.objects.filter(level_id__in=next_ids, is_active=True).order_by("code"):
        streams[stream.level_id].append(stream)
    cycle_codes = dict(Level.objects.filter(pk__in=next_ids).values_list("pk", "cycle__code"))
    groups: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    targets: dict[tuple[int, int, int], tuple[Level, Level, Stream]] = {}
    for row in rows:
        enrolment = row.enrolment
        if row.decision == YearDecision.EXCLUDED:
            report.excluded += 1
            continue
        if row.decision == YearDecision.REPEAT:
            to_level, to_stream = enrolment.level, enrolment.stream
        elif row.decision == YearDecision.PASS:
            to_level = following.get(enrolment.level_id)
            if to_level is None:
                report.graduating += 1
                continue
            if cycle_codes.get(to_level.pk) not in taught:
                report.elsewhere += 1
                continue
            if enrolment.level_id in oriented:
                to_stream = row.next_stream
            else:
                to_stream = _continuing_stream(enrolment.stream, streams.get(to_level.pk, []))
            if to_stream is None:
                report.without_stream += 1
                continue
        else:
            continue
        key = (enrolment.level_id, to_level.pk, to_stream.pk)
        groups[key].append(enrolment.student_id)
        targets[key] = (enrolment.level, to_level, to_stream)
    for key in sorted(groups, key=lambda k: (targets[k][1].order, targets[k][2].code, k[0])):
        from_level, to_level, to_stream = targets[key]
        result = enrolments_reregister(
            actor=actor,
            establishment=establishment,
            from_year=from_year,
            to_year=to_year,
            from_level=from_level,
            to_level=to_level,
            to_stream=to_stream,
            student_ids=groups[key],
        )
        report.groups.append(
            ReRegistrationGroup(
                from_level=from_level,
                to_level=to_level,
                to_stream=to_stream,
                registered=result.registered,
                already_enrolled=result.already_enrolled,
            )
        )
    return report
