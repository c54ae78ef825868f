"""Writes of class councils: open a class's council for a period, edit its heading and each
pupil's row, refresh averages and proposals, validate (director only) and lock.

A council is opened by the school's director or staff with a row per active pupil of the class,
holding the average computed for the period (``PeriodResult``) and, for the year, the rules'
proposal (``decisions``), which is also the row's first decision. The council then edits each
row: a decision that differs from the proposal needs a reason; at orientation levels a passing
pupil gets a stream of the next level, within the places the school offers (``StreamCapacity``).
Only the director validates; a validated council is locked, and a year council's decisions and
annual averages are written to the pupils' enrolments through ``students.services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from massar.core.errors import PermissionDenied, ValidationFailed
from massar.core.validation import full_clean_or_refuse
from massar.curriculum.models import Stream
from massar.schooling.models import SchoolClass
from massar.students.models import YearDecision
from massar.students.services import enrolments_record_decisions

from . import selectors_councils as selectors
from .access import is_director_of, is_school_of
from .decisions import proposals_for_class
from .models import (
    ClassCouncil,
    CouncilAppreciation,
    CouncilDecision,
    CouncilStatus,
    Period,
    StreamCapacity,
)

MAX_REASON = 300
MAX_REMARK = 200


def _require_school(actor, council_or_class) -> None:
    if not is_school_of(actor, council_or_class.establishment):
        raise PermissionDenied(_("Only the director and staff of the school can do this."))


def lock_council(council: ClassCouncil) -> ClassCouncil:
    """The council read again under a row lock: its status is the one in the database, and
    two edits of the same council (or an edit and the validation) take turns."""
    return (
        ClassCouncil.objects.select_for_update(of=("self",))
        .select_related("school_class__level__cycle", "school_year", "establishment")
        .get(pk=council.pk)
    )


def require_draft(council: ClassCouncil) -> None:
    """Refuse any change of a validated council."""
    if council.is_locked:
        raise ValidationFailed(
            _("This council is validated and locked: it can no longer be changed."),
            code="council_locked",
        )


def _check_heading(*, school_class: SchoolClass, held_on: date) -> None:
    if held_on is None:
        raise ValidationFailed(_("Give the date of the council."), code="held_on_required")
    year = school_class.school_year
    if held_on < year.starts_on:
        raise ValidationFailed(
            _("A council of %(year)s cannot be held before the year starts (%(date)s).")
            % {"year": year.label, "date": year.starts_on.strftime("%d/%m/%Y")},
            code="held_on_before_year",
        )


# --- opening ----------------------------------------------------------------------------------


def _rows_for(school_class: SchoolClass, period: int) -> list[CouncilDecision]:
    """Unsaved rows for the class's active pupils: average of the period and, for the year,
    the proposal (also the first decision)."""
    pupils = selectors.active_pupils(school_class)
    results = selectors.averages_of([e for e, _s in pupils], period)
    averages = {e: results.get(e, (None, None))[0] for e, _s in pupils}
    proposals = (
        proposals_for_class(school_class, pupils=pupils, averages=averages)
        if period == Period.YEAR
        else {}
    )
    rows = []
    for enrolment_id, _student_id in pupils:
        proposal = proposals.get(enrolment_id)
        proposed = proposal.decision if proposal else ""
        rows.append(
            CouncilDecision(
                enrolment_id=enrolment_id,
                average=averages[enrolment_id],
                proposed=proposed,
                decision=proposed,
            )
        )
    return rows


@transaction.atomic
def council_open(
    *,
    actor,
    school_class: SchoolClass,
    period: int,
    held_on: date,
    members: str = "",
    minutes: str = "",
) -> ClassCouncil:
    """Open the class's council of ``period`` (1, 2 or the year, 3) with a row per pupil."""
    _require_school(actor, school_class)
    if period not in Period.values:
        raise ValidationFailed(_("Choose a semester or the whole year."), code="bad_period")
    _check_heading(school_class=school_class, held_on=held_on)
    if ClassCouncil.objects.filter(school_class=school_class, period=period).exists():
        raise ValidationFailed(
            _("The council of %(class)s for %(period)s is already open.")
            % {"class": school_class.name, "period": Period(period).label},
            code="council_exists",
        )
    council = ClassCouncil(
        establishment=school_class.establishment,
        school_year=school_class.school_year,
        school_class=school_class,
        period=period,
        held_on=held_on,
        members=(members or "").strip(),
        minutes=(minutes or "").strip(),
    )
    full_clean_or_refuse(council, exclude=["establishment", "school_year", "school_class"])
    rows = _rows_for(school_class, period)
    council._history_user = actor
    try:
        with transaction.atomic():
            council.save()
    except IntegrityError as error:  # opened at the same moment by someone else
        raise ValidationFailed(
            _("The council of %(class)s for %(period)s is already open.")
            % {"class": school_class.name, "period": Period(period).label},
            code="council_exists",
        ) from error
    for row in rows:
        row.council = council
    if rows:
        bulk_create_with_history(rows, CouncilDecision, batch_size=500, default_user=actor)
    return council


@transaction.atomic
def council_update(
    *, actor, council: ClassCouncil, held_on: date, members: str, minutes: str
) -> ClassCouncil:
    """Change the date, members present and minutes of a council being prepared."""
    _require_school(actor, council)
    council = lock_council(council)
    require_draft(council)
    _check_heading(school_class=council.school_class, held_on=held_on)
    council.held_on = held_on
    council.members = (members or "").strip()
    council.minutes = (minutes or "").strip()
    full_clean_or_refuse(council, exclude=["establishment", "school_year", "school_class"])
    council._history_user = actor
    council.save(update_fields=["held_on", "members", "minutes"])
    return council


@dataclass(frozen=True)
class RefreshResult:
    added: int
    removed: int
    updated: int


@transaction.atomic
def council_refresh(*, actor, council: ClassCouncil) -> RefreshResult:
    """Read the averages (and proposals) again after results were recomputed, add pupils
    placed since, drop pupils who left the class. A decision that followed the proposal follows
    the new one; a decision the council changed (with its reason) is kept."""
    _require_school(actor, council)
    council = lock_council(council)
    require_draft(council)
    school_class = council.school_class
    fresh = {row.enrolment_id: row for row in _rows_for(school_class, council.period)}
    existing = {row.enrolment_id: row for row in council.decisions.all()}
    gone = [row for key, row in existing.items() if key not in fresh]
    added = [row for key, row in fresh.items() if key not in existing]
    changed = []
    for key, row in existing.items():
        new = fresh.get(key)
        if new is None:
            continue
        if row.average == new.average and row.proposed == new.proposed:
            continue
        if row.decision == row.proposed:
            row.decision = new.proposed
            if new.proposed != YearDecision.PASS:
                row.next_stream = None
        row.average = new.average
        row.proposed = new.proposed
        changed.append(row)
    for row in gone:
        row._history_user = actor
        row.delete()
    for row in added:
        row.council = council
    if added:
        bulk_create_with_history(added, CouncilDecision, batch_size=500, default_user=actor)
    if changed:
        bulk_update_with_history(
            changed,
            CouncilDecision,
            ["average", "proposed", "decision", "next_stream"],
            batch_size=500,
            default_user=actor,
        )
    return RefreshResult(added=len(added), removed=len(gone), updated=len(changed))


# --- one pupil's row --------------------------------------------------------------------------


def check_next_stream(
    *, council: ClassCouncil, row: CouncilDecision | None, stream: Stream
) -> StreamCapacity:
    """Refuse a stream that is not of the level after the class's, or that has no place left
    at the establishment (locks the capacity row until the transaction ends)."""
    following = selectors.next_level(council.school_class.level)
    if following is None or stream.level_id != following.pk or not stream.is_active:
        raise ValidationFailed(
            _("%(stream)s is not a stream of the level after %(level)s.")
            % {"stream": stream.name, "level": council.school_class.level.name},
            code="stream_not_next_level",
        )
    capacity = (
        StreamCapacity.objects.select_for_update()
        .filter(establishment=council.establishment, school_year=council.school_year, stream=stream)
        .first()
    )
    if capacity is None:
        raise ValidationFailed(
            _("No places are set for %(stream)s: set the school's orientation capacities first.")
            % {"stream": stream.name},
            code="no_capacity",
        )
    taken = CouncilDecision.objects.filter(
        council__establishment=council.establishment,
        council__school_year=council.school_year,
        council__period=Period.YEAR,
        next_stream=stream,
    )
    if row is not None and row.pk:
        taken = taken.exclude(pk=row.pk)
    if taken.count() >= capacity.places:
        raise ValidationFailed(
            _("%(stream)s is full: its %(places)s places are all given.")
            % {"stream": stream.name, "places": capacity.places},
            code="stream_full",
        )
    return capacity


@transaction.atomic
def council_decision_save(
    *,
    actor,
    council: ClassCouncil,
    row: CouncilDecision,
    decision: str = "",
    reason: str = "",
    appreciation: str = "",
    remark: str = "",
    next_stream: Stream | None = None,
) -> CouncilDecision:
    """The council's word on one pupil: decision (year councils; with a reason when it differs
    from the proposal), mention, remark and, at orientation levels, the next stream of a
    passing pupil (within the places left)."""
    _require_school(actor, council)
    council = lock_council(council)
    require_draft(council)
    if row.council_id != council.pk:
        raise ValidationFailed(_("This pupil is not in this council."), code="not_in_council")
    decision = (decision or "").strip()
    reason = (reason or "").strip()
    remark = (remark or "").strip()
    appreciation = (appreciation or "").strip()
    is_year = council.period == Period.YEAR
    if appreciation not in CouncilAppreciation.values:
        raise ValidationFailed(_("Choose a mention from the list."), code="bad_appreciation")
    if len(remark) > MAX_REMARK:
        raise ValidationFailed(
            _("The remark is limited to %(max)s characters.") % {"max": MAX_REMARK},
            code="remark_too_long",
        )
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("The reason is limited to %(max)s characters.") % {"max": MAX_REASON},
            code="reason_too_long",
        )
    if not is_year:
        if decision or next_stream is not None:
            raise ValidationFailed(
                _("Decisions and next streams are taken by the council of the whole year."),
                code="semester_no_decision",
            )
    else:
        if decision and decision not in YearDecision.values:
            raise ValidationFailed(_("Choose a decision from the list."), code="bad_decision")
        if row.proposed and decision != row.proposed and not reason:
            raise ValidationFailed(
                _(
                    "The decision differs from the proposal (%(proposed)s): give the council's "
                    "reason."
                )
                % {"proposed": YearDecision(row.proposed).label},
                code="reason_required",
            )
        if next_stream is not None:
            if decision != YearDecision.PASS:
                raise ValidationFailed(
                    _("Only a pupil who passes is given a stream for next year."),
                    code="stream_without_pass",
                )
            if not selectors.is_orientation_level(council.school_year, council.school_class.level):
                raise ValidationFailed(
                    _("The next stream is chosen at orientation levels only (3AC, TC, 1BAC)."),
                    code="not_orientation_level",
                )
            if next_stream.pk != row.next_stream_id:
                check_next_stream(council=council, row=row, stream=next_stream)
    row.decision = decision if is_year else ""
    row.reason = reason if is_year else ""
    row.appreciation = appreciation
    row.remark = remark
    row.next_stream = next_stream if is_year and decision == YearDecision.PASS else None
    full_clean_or_refuse(row, exclude=["council", "enrolment", "next_stream"], single_message=True)
    row._history_user = actor
    row.save(update_fields=["decision", "reason", "appreciation", "remark", "next_stream"])
    return row


# --- validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationResult:
    council: ClassCouncil
    enrolments_written: int


@transaction.atomic
def council_validate(*, actor, council: ClassCouncil) -> ValidationResult:
    """The director validates and locks the council; a year council's decisions and annual
    averages go to the pupils' enrolments. Refused while a pupil has no decision, or a passing
    pupil of an orientation level has no stream for next year."""
    if not is_director_of(actor, council.establishment):
        if is_school_of(actor, council.establishment):
            raise PermissionDenied(_("Only the director validates a class council."))
        raise PermissionDenied(_("Only the director and staff of the school can do this."))
    council = lock_council(council)
    require_draft(council)
    rows = list(council.decisions.all())
    written = 0
    if council.period == Period.YEAR:
        undecided = sum(1 for row in rows if not row.decision)
        if undecided:
            raise ValidationFailed(
                _("%(count)s pupil(s) have no decision yet: decide for every pupil first.")
                % {"count": undecided},
                code="undecided",
            )
        if selectors.is_orientation_level(council.school_year, council.school_class.level):
            unoriented = sum(
                1 for row in rows if row.decision == YearDecision.PASS and not row.next_stream_id
            )
            if unoriented:
                raise ValidationFailed(
                    _(
                        "%(count)s passing pupil(s) have no stream for next year: give each "
                        "one a stream first."
                    )
                    % {"count": unoriented},
                    code="unoriented",
                )
    council.status = CouncilStatus.VALIDATED
    council.validated_by = actor
    council.validated_at = timezone.now()
    council._history_user = actor
    council.save(update_fields=["status", "validated_by", "validated_at"])
    if council.period == Period.YEAR and rows:
        written = enrolments_record_decisions(
            actor=actor,
            decisions={row.enrolment_id: (row.decision, row.average) for row in rows},
        )
    return ValidationResult(council=council, enrolments_written=written)
