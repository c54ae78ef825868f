"""Writes on teaching assignments (re-exported by ``services``): who teaches a subject to a
class for the year, for how many hours.

Checks, in order: the class is the actor's (else ``NotFound`` before any service is called), the
subject has hours in the curriculum of the class's stream, the hours are within 0.5–20 with one
decimal at most, the teacher is an active teacher who serves the class's establishment (main or
other), the teacher is qualified for the subject, and the teacher's load for the year stays
within their weekly quota. Only the last two can be overridden, by ``force=True`` (the
director's "assign anyway"); the history of the assignment keeps who did it. The others are
never forced.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from massar.curriculum.models import Subject
from massar.schooling.models import SchoolClass

from . import access
from .loads import TENTH, curriculum_hours, effective_quota, hours_text, teacher_load
from .models import StaffKind, StaffMember, TeachingAssignment
from .validation import NeedsConfirmation, field_error, full_clean

MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal("20")


def _hours_in_range(value) -> Decimal:
    message = _("Weekly hours must be between 0.5 and 20, with at most one decimal.")
    try:
        hours = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise field_error("weekly_hours", message, "hours_out_of_range") from error
    if (
        not hours.is_finite()
        or not MIN_HOURS <= hours <= MAX_HOURS
        or hours != hours.quantize(TENTH)
    ):
        raise field_error("weekly_hours", message, "hours_out_of_range")
    return hours.quantize(TENTH)


def _check_assignment(
    *,
    school_class: SchoolClass,
    subject: Subject,
    teacher: StaffMember,
    weekly_hours,
    force: bool,
    replacing: TeachingAssignment | None = None,
) -> Decimal:
    """Every check of an assignment; the hours to record."""
    planned = curriculum_hours(school_class, subject)
    if subject.is_conduct or planned is None or planned <= 0:
        raise field_error(
            "subject",
            _("%(subject)s has no hours in the curriculum of %(class)s.")
            % {"subject": subject.name, "class": school_class.name},
            "not_in_curriculum",
        )
    if weekly_hours is None or weekly_hours == "":
        weekly_hours = Decimal(planned).quantize(TENTH, rounding=ROUND_HALF_UP)
    hours = _hours_in_range(weekly_hours)
    # Locking the teacher's row serialises two assignments of the same teacher, so that two
    # directors cannot both take the last free hours of a shared teacher.
    teacher = StaffMember.objects.select_for_update().get(pk=teacher.pk)
    name = teacher.display_name
    if teacher.kind != StaffKind.TEACHER or not teacher.is_active:
        raise field_error(
            "teacher", _("%(name)s is not an active teacher.") % {"name": name}, "not_a_teacher"
        )
    serves = teacher.main_establishment_id == school_class.establishment_id or (
        teacher.other_establishments.filter(pk=school_class.establishment_id).exists()
    )
    if not serves:
        raise field_error(
            "teacher",
            _(
                "%(name)s does not serve %(school)s: add it to the establishments they serve "
                "in their file first."
            )
            % {"name": name, "school": school_class.establishment.name},
            "not_serving",
        )
    if not force and not teacher.subjects.filter(pk=subject.pk).exists():
        raise field_error(
            "teacher",
            _(
                "%(name)s is not recorded as able to teach %(subject)s. Tick “assign anyway” "
                "to assign them all the same."
            )
            % {"name": name, "subject": subject.name},
            "not_qualified",
            error=NeedsConfirmation,
        )
    quota = effective_quota(teacher, school_class.school_year)
    if not force and quota is not None:
        load = teacher_load(teacher, school_class.school_year, excluding=replacing)
        if load + hours > quota:
            raise field_error(
                "teacher",
                _(
                    "With these %(hours)s h, %(name)s would teach %(load)s h a week for a "
                    "quota of %(quota)s h. Tick “assign anyway” to go over the quota."
                )
                % {
                    "hours": hours_text(hours),
                    "name": name,
                    "load": hours_text(load + hours),
                    "quota": hours_text(quota),
                },
                "over_quota",
                error=NeedsConfirmation,
            )
    return hours


def _assignment_exists(existing: TeachingAssignment) -> NeedsConfirmation:
    return NeedsConfirmation(
        _(
            "%(class)s already has a teacher for %(subject)s (%(name)s): change that "
            "assignment instead."
        )
        % {
            "class": existing.school_class.name,
            "subject": existing.subject.name,
            "name": existing.teacher.display_name,
        },
        code="assignment_exists",
        details=[{"loc": ["subject"], "msg": _("This subject already has a teacher.")}],
    )


@transaction.atomic
def teaching_assignment_create(
    *,
    actor,
    school_class: SchoolClass,
    subject: Subject,
    teacher: StaffMember,
    weekly_hours: Decimal | None = None,
    force: bool = False,
) -> TeachingAssignment:
    """``teacher`` teaches ``subject`` to ``school_class`` for the year. ``weekly_hours``
    defaults to the curriculum's; ``force`` assigns an unqualified or over-quota teacher."""
    access.require_write_at(actor, school_class.establishment)
    existing = (
        TeachingAssignment.objects.filter(school_class=school_class, subject=subject)
        .select_related("school_class", "subject", "teacher")
        .first()
    )
    if existing is not None:
        raise _assignment_exists(existing)
    hours = _check_assignment(
        school_class=school_class,
        subject=subject,
        teacher=teacher,
        weekly_hours=weekly_hours,
        force=force,
    )
    assignment = TeachingAssignment(
        establishment_id=school_class.establishment_id,
        school_year_id=school_class.school_year_id,
        school_class=school_class,
        subject=subject,
        teacher=teacher,
        weekly_hours=hours,
    )
    full_clean(assignment)
    assignment._history_user = actor
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:  # a concurrent assignment of the same class × subject
        raise NeedsConfirmation(
            _("This subject of the class already has a teacher."), code="assignment_exists"
        ) from error
    return assignment


@transaction.atomic
def teaching_assignment_update(
    *,
    actor,
    assignment: TeachingAssignment,
    teacher: StaffMember,
    weekly_hours: Decimal | None = None,
    force: bool = False,
) -> TeachingAssignment:
    """Another teacher or other hours for an existing assignment (same checks)."""
    access.require_write_at(actor, assignment.establishment)
    hours = _check_assignment(
        school_class=assignment.school_class,
        subject=assignment.subject,
        teacher=teacher,
        weekly_hours=assignment.weekly_hours if weekly_hours is None else weekly_hours,
        force=force,
        replacing=assignment,
    )
    assignment.teacher = teacher
    assignment.weekly_hours = hours
    full_clean(assignment)
    assignment._history_user = actor
    assignment.save(update_fields=["teacher", "weekly_hours", "updated_at"])
    return assignment


@transaction.atomic
def teaching_assignment_delete(*, actor, assignment: TeachingAssignment) -> None:
    """The subject of the class has no teacher any more (it becomes a shortage)."""
    access.require_write_at(actor, assignment.establishment)
    assignment._history_user = actor
    assignment.delete()


@transaction.atomic
def teaching_assignment_save(
    *,
    actor,
    school_class: SchoolClass,
    subject: Subject,
    teacher: StaffMember | None,
    weekly_hours: Decimal | None = None,
    force: bool = False,
) -> TeachingAssignment | None:
    """One row of a class's assignment grid: create, change or (``teacher=None``) remove."""
    access.require_write_at(actor, school_class.establishment)
    existing = (
        TeachingAssignment.objects.filter(school_class=school_class, subject=subject)
        .select_related("establishment", "school_class__school_year", "subject")
        .first()
    )
    if teacher is None:
        if existing is not None:
            teaching_assignment_delete(actor=actor, assignment=existing)
        return None
    if existing is None:
        return teaching_assignment_create(
            actor=actor,
            school_class=school_class,
            subject=subject,
            teacher=teacher,
            weekly_hours=weekly_hours,
            force=force,
        )
    if weekly_hours is None and existing.teacher_id != teacher.pk:
        weekly_hours = existing.weekly_hours
    return teaching_assignment_update(
        actor=actor, assignment=existing, teacher=teacher, weekly_hours=weekly_hours, force=force
    )
