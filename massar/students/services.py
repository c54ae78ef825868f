"""Writes on student files: registration (new and continuing), identity and guardians,
documents, bulk re-registration and the merge of duplicates.

Every function takes the acting user, checks that they may act at the establishment, validates
everything first and writes in one transaction: all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.core.validation import full_clean_or_refuse as _full_clean
from massar.curriculum.models import Level, Stream
from massar.territory.models import Establishment, SchoolYear

from . import access
from .codes import allocate_codes, is_valid_code, normalise_code
from .documents import check_upload
from .duplicates import Identity, likely_duplicates, set_name_keys
from .models import (
    ACTIVE_ENROLMENT_STATUSES,
    DocumentKind,
    DuplicateConfirmation,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    Guardian,
    LevelAgeRule,
    RegistrationCalendar,
    Sex,
    Student,
    StudentDocument,
    StudentMerge,
)


class LikelyDuplicate(ValidationFailed):
    """The child seems to have a file already; a user with the right may confirm with a reason."""

    code = "likely_duplicate"
    status = 409

    def __init__(self, candidates: list[Student]):
        self.candidates = candidates
        super().__init__(
            _(
                "This child looks like a pupil who already has a file. Re-register that file, "
                "or confirm that it is another child and give the reason."
            ),
            details=[
                {"code_massar": s.code_massar, "name": s.full_name, "birth_date": str(s.birth_date)}
                for s in candidates
            ],
        )


@dataclass
class GuardianData:
    relationship: str
    first_name_ar: str = ""
    last_name_ar: str = ""
    first_name_fr: str = ""
    last_name_fr: str = ""
    cin: str = ""
    phone: str = ""
    phone_operator: str = ""
    email: str = ""
    profession: str = ""
    preferred_language: str = "ar"
    is_contact: bool = False


@dataclass
class StudentData:
    """The identity part of a file, as the edges (forms, API, imports) validated it."""

    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    sex: str
    birth_date: date
    birth_place_ar: str = ""
    birth_place_fr: str = ""
    civil_record_number: str = ""
    civil_record_year: int | None = None
    nationality: str = "MA"
    address: str = ""
    special_needs: str = ""
    health_notes: str = ""
    guardians: list[GuardianData] = field(default_factory=list)

    def identity(self) -> Identity:
        return Identity(
            first_name_ar=self.first_name_ar,
            last_name_ar=self.last_name_ar,
            first_name_fr=self.first_name_fr,
            last_name_fr=self.last_name_fr,
            birth_date=self.birth_date,
            birth_place=self.birth_place_fr or self.birth_place_ar,
            guardian_cins=tuple(g.cin for g in self.guardians if g.cin),
        )


@dataclass(frozen=True)
class Placement:
    """Where a pupil is enrolled: year, establishment, level, stream and class."""

    school_year: SchoolYear
    establishment: Establishment
    level: Level
    stream: Stream
    class_label: str = ""


IDENTITY_FIELDS = (
    "first_name_ar",
    "last_name_ar",
    "first_name_fr",
    "last_name_fr",
    "sex",
    "birth_date",
    "birth_place_ar",
    "birth_place_fr",
    "civil_record_number",
    "civil_record_year",
    "nationality",
    "address",
    "special_needs",
    "health_notes",
)


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_birth_date(birth_date: date) -> None:
    if birth_date > timezone.localdate():
        raise ValidationFailed(
            _("The birth date is in the future."),
            code="birth_date_future",
            details=[{"loc": ["birth_date"], "msg": _("The birth date is in the future.")}],
        )


def check_age_for_level(*, birth_date: date, level: Level, school_year: SchoolYear) -> None:
    """The child's age on the year's cut-off date must be within the level's range."""
    calendar = RegistrationCalendar.objects.filter(school_year=school_year).first()
    rule = LevelAgeRule.objects.filter(school_year=school_year, level=level).first()
    if calendar is None or rule is None:
        return  # no rule configured for this year and level: nothing to enforce
    age = age_on(birth_date, calendar.age_cutoff_date)
    if not rule.min_age <= age <= rule.max_age:
        message = _(
            "On %(date)s the child will be %(age)s years old; %(level)s takes pupils aged "
            "%(min)s to %(max)s."
        ) % {
            "date": calendar.age_cutoff_date.strftime("%d/%m/%Y"),
            "age": age,
            "level": level.name,
            "min": rule.min_age,
            "max": rule.max_age,
        }
        raise ValidationFailed(
            message, code="age_out_of_range", details=[{"loc": ["birth_date"], "msg": message}]
        )


def check_placement(placement: Placement) -> None:
    if placement.stream.level_id != placement.level.pk:
        raise ValidationFailed(
            _("The stream %(stream)s is not a stream of %(level)s.")
            % {"stream": placement.stream.name, "level": placement.level.name},
            code="stream_level_mismatch",
        )
    if not placement.establishment.cycles.filter(cycle=placement.level.cycle.code).exists():
        raise ValidationFailed(
            _("%(school)s does not teach %(level)s.")
            % {"school": placement.establishment.name, "level": placement.level.name},
            code="level_not_taught",
        )


def check_not_enrolled(student: Student, school_year: SchoolYear) -> None:
    active = (
        Enrolment.objects.filter(
            student=student, school_year=school_year, status__in=ACTIVE_ENROLMENT_STATUSES
        )
        .select_related("establishment")
        .first()
    )
    if active is not None:
        raise ValidationFailed(
            _("This pupil is already enrolled for %(year)s at %(school)s.")
            % {"year": school_year.label, "school": active.establishment.name},
            code="already_enrolled",
        )


def _guardian_objects(student: Student, guardians: list[GuardianData]) -> list[Guardian]:
    rows = []
    relationships = [g.relationship for g in guardians if g.relationship != "guardian"]
    if len(relationships) != len(set(relationships)):
        raise ValidationFailed(
            _("A pupil has one father and one mother: a guardian is listed twice."),
            code="guardian_twice",
        )
    contacts = [g for g in guardians if g.is_contact]
    if len(contacts) > 1:
        raise ValidationFailed(_("Choose one contact person."), code="guardian_contacts")
    for index, data in enumerate(guardians):
        guardian = Guardian(student=student, **vars(data))
        guardian.cin = guardian.cin.strip().upper()
        if not contacts and index == 0:
            guardian.is_contact = True
        _full_clean(guardian, exclude=["student"])
        rows.append(guardian)
    return rows


def _build_student(data: StudentData, *, establishment: Establishment, code: str) -> Student:
    student = Student(
        code_massar=code,
        establishment=establishment,
        **{name: getattr(data, name) for name in IDENTITY_FIELDS},
    )
    set_name_keys(student)
    _full_clean(student, exclude=["code_massar"] if not code else None)
    return student


def _check_duplicates(*, actor, data: StudentData, placement: Placement, duplicate_reason: str):
    candidates = list(likely_duplicates(data.identity())[:10])
    if not candidates:
        return []
    reason = (duplicate_reason or "").strip()
    if not reason:
        raise LikelyDuplicate(candidates)
    if not access.can_confirm_duplicates(actor, placement.establishment):
        raise PermissionDenied(
            _("Only the director can confirm that a similar child is another child.")
        )
    return candidates


@transaction.atomic
def student_register(
    *,
    actor,
    data: StudentData,
    placement: Placement,
    duplicate_reason: str = "",
    code_massar: str = "",
    status: str = EnrolmentStatus.REGISTERED,
) -> Student:
    """A new pupil: the file, its code Massar, its guardians and the enrolment of the year.

    ``code_massar`` keeps a code the national system already gave the child (imports); without
    it a new code is handed out. A likely duplicate raises ``LikelyDuplicate`` unless a user
    with the right confirms it with ``duplicate_reason``.
    """
    access.require_write_at(actor, placement.establishment)
    check_birth_date(data.birth_date)
    check_placement(placement)
    check_age_for_level(
        birth_date=data.birth_date, level=placement.level, school_year=placement.school_year
    )
    code = normalise_code(code_massar)
    if code:
        if not is_valid_code(code):
            raise ValidationFailed(
                _("A code Massar is one capital letter followed by nine digits, e.g. D166027860."),
                code="code_format",
            )
        if Student.objects.filter(code_massar=code).exists():
            raise ValidationFailed(
                _("The code Massar %(code)s already belongs to a file.") % {"code": code},
                code="code_taken",
            )
    student = _build_student(data, establishment=placement.establishment, code=code)
    candidates = _check_duplicates(
        actor=actor, data=data, placement=placement, duplicate_reason=duplicate_reason
    )
    guardians = _guardian_objects(student, data.guardians)
    student.code_massar = code or allocate_codes(1)[0]
    student._history_user = actor
    student.save()
    for guardian in guardians:
        guardian.student = student
        guardian._history_user = actor
        guardian.save()
    if candidates:
        DuplicateConfirmation.objects.create(
            student=student,
            candidate_codes=[c.code_massar for c in candidates],
            reason=duplicate_reason.strip()[:300],
            confirmed_by=actor,
        )
    _enrol(student, placement, actor=actor, kind=EnrolmentKind.NEW, status=status)
    return student


def _enrol(
    student: Student,
    placement: Placement,
    *,
    actor,
    kind: str,
    status: str = EnrolmentStatus.REGISTERED,
    is_repeating: bool = False,
    entered_on: date | None = None,
) -> Enrolment:
    check_not_enrolled(student, placement.school_year)
    enrolment = Enrolment(
        student=student,
        school_year=placement.school_year,
        establishment=placement.establishment,
        level=placement.level,
        stream=placement.stream,
        class_label=placement.class_label.strip(),
        status=status,
        kind=kind,
        is_repeating=is_repeating,
        entered_on=entered_on or timezone.localdate(),
    )
    _full_clean(enrolment)
    enrolment._history_user = actor
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:  # a concurrent enrolment for the same year
        raise ValidationFailed(
            _("This pupil is already enrolled for %(year)s.")
            % {"year": placement.school_year.label},
            code="already_enrolled",
        ) from error
    if student.establishment_id != placement.establishment.pk:
        student.establishment = placement.establishment
        student._history_user = actor
        student.save(update_fields=["establishment", "updated_at"])
    return enrolment


@transaction.atomic
def enrolment_register(
    *, actor, student: Student, placement: Placement, is_repeating: bool = False
) -> Enrolment:
    """Re-registration: an existing file enrolled for another year (or a new school)."""
    access.require_write_at(actor, placement.establishment)
    if student.establishment_id != placement.establishment.pk:
        # Moving to another school goes through a transfer, which the receiving school accepts.
        raise ValidationFailed(
            _("This pupil's file is held by another school: ask for a transfer."),
            code="held_elsewhere",
        )
    check_placement(placement)
    return _enrol(
        student, placement, actor=actor, kind=EnrolmentKind.CONTINUING, is_repeating=is_repeating
    )


@transaction.atomic
def enrolment_confirm(*, actor, enrolment: Enrolment) -> Enrolment:
    """A pre-registered pupil becomes registered."""
    access.require_write_at(actor, enrolment.establishment)
    if enrolment.status != EnrolmentStatus.PRE_REGISTERED:
        raise ValidationFailed(_("Only a pre-registration can be confirmed."), code="not_pending")
    enrolment.status = EnrolmentStatus.REGISTERED
    enrolment._history_user = actor
    enrolment.save(update_fields=["status", "updated_at"])
    return enrolment


@transaction.atomic
def enrolment_end(*, actor, enrolment: Enrolment, status: str, on: date | None = None) -> Enrolment:
    """A pupil leaves school or graduates (transfers go through ``transfers``)."""
    access.require_write_at(actor, enrolment.establishment)
    if status not in (EnrolmentStatus.LEFT, EnrolmentStatus.GRADUATED):
        raise ValidationFailed(_("Choose 'left school' or 'graduated'."), code="bad_status")
    if not enrolment.is_active:
        raise ValidationFailed(_("This enrolment has already ended."), code="not_active")
    enrolment.status = status
    enrolment.left_on = on or timezone.localdate()
    _full_clean(enrolment)
    enrolment._history_user = actor
    enrolment.save(update_fields=["status", "left_on", "updated_at"])
    return enrolment


@dataclass(frozen=True)
class ReRegistrationResult:
    registered: int
    already_enrolled: int


@transaction.atomic
def enrolments_reregister(
    *,
    actor,
    establishment: Establishment,
    from_year: SchoolYear,
    to_year: SchoolYear,
    from_level: Level,
    to_level: Level,
    to_stream: Stream,
    student_ids: list[int] | None = None,
) -> ReRegistrationResult:
    """Bulk re-registration of a level into the next year, in one set-based write.

    Pupils registered in ``from_level`` at ``establishment`` in ``from_year`` (or the subset
    ``student_ids``) are enrolled in ``to_level``/``to_stream`` for ``to_year``; those already
    enrolled for ``to_year`` anywhere are left as they are and counted.
    """
    access.require_write_at(actor, establishment)
    check_placement(
        Placement(
            school_year=to_year, establishment=establishment, level=to_level, stream=to_stream
        )
    )
    if to_year.starts_on <= from_year.starts_on:
        raise ValidationFailed(_("Re-register into a later school year."), code="year_order")
    source = Enrolment.objects.filter(
        establishment=establishment,
        school_year=from_year,
        level=from_level,
        status=EnrolmentStatus.REGISTERED,
        student__merged_into__isnull=True,
    )
    if student_ids is not None:
        source = source.filter(student_id__in=student_ids)
    candidates = set(source.values_list("student_id", flat=True))
    taken = set(
        Enrolment.objects.filter(
            student_id__in=candidates, school_year=to_year, status__in=ACTIVE_ENROLMENT_STATUSES
        ).values_list("student_id", flat=True)
    )
    today = timezone.localdate()
    entered_on = max(today, to_year.starts_on)
    rows = [
        Enrolment(
            student_id=student_id,
            school_year=to_year,
            establishment=establishment,
            level=to_level,
            stream=to_stream,
            status=EnrolmentStatus.REGISTERED,
            kind=EnrolmentKind.CONTINUING,
            is_repeating=to_level.pk == from_level.pk,
            entered_on=entered_on,
        )
        for student_id in sorted(candidates - taken)
    ]
    Enrolment.objects.bulk_create(rows, batch_size=1000)
    return ReRegistrationResult(registered=len(rows), already_enrolled=len(taken))


@transaction.atomic
def student_update(*, actor, student: Student, changes: dict) -> Student:
    """Correct the identity part of a file (every change is in the history)."""
    access.require_write_at(actor, student.establishment)
    unknown = set(changes) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValidationFailed(_("Some fields cannot be changed here."), code="unknown_field")
    if "birth_date" in changes:
        check_birth_date(changes["birth_date"])
    for name, value in changes.items():
        setattr(student, name, value)
    set_name_keys(student)
    _full_clean(student)
    student._history_user = actor
    student.save()
    return student


@transaction.atomic
def guardian_save(
    *, actor, student: Student, data: GuardianData, guardian: Guardian | None = None
) -> Guardian:
    """Add a guardian to a file, or change one; making one the contact unmarks the other."""
    access.require_write_at(actor, student.establishment)
    if guardian is not None and guardian.student_id != student.pk:
        raise NotFound()
    target = guardian or Guardian(student=student)
    for name, value in vars(data).items():
        setattr(target, name, value)
    target.cin = target.cin.strip().upper()
    _full_clean(target)
    same = student.guardians.exclude(pk=target.pk)
    if target.relationship != "guardian" and same.filter(relationship=target.relationship).exists():
        raise ValidationFailed(
            _("This pupil already has a guardian with this relationship."), code="guardian_twice"
        )
    if target.is_contact:
        same.filter(is_contact=True).update(is_contact=False)
    elif not same.filter(is_contact=True).exists():
        target.is_contact = True
    target._history_user = actor
    target.save()
    return target


def guardian_make_contact(*, actor, guardian: Guardian) -> Guardian:
    """Make ``guardian`` the contact person of their pupil (the other one stops being it)."""
    data = GuardianData(
        **{
            name: getattr(guardian, name)
            for name in GuardianData.__dataclass_fields__
            if name != "is_contact"
        },
        is_contact=True,
    )
    return guardian_save(actor=actor, student=guardian.student, data=data, guardian=guardian)


@transaction.atomic
def document_attach(*, actor, student: Student, kind: str, upload) -> StudentDocument:
    """Keep a scanned document in the file (format and size checked first)."""
    access.require_write_at(actor, student.establishment)
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Choose the kind of document."), code="document_kind")
    content_type = check_upload(upload, images_only=kind == DocumentKind.PHOTO)
    document = StudentDocument(
        student=student,
        kind=kind,
        original_name=(upload.name or "")[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    document.file.save(upload.name, upload, save=False)
    document.save()
    if kind == DocumentKind.PHOTO:
        student.photo.name = document.file.name
        student.save(update_fields=["photo", "updated_at"])
    return document


@transaction.atomic
def student_merge(*, actor, survivor: Student, retired: Student, reason: str) -> Student:
    """Merge a confirmed duplicate into the surviving file.

    Enrolments, guardians, documents, transfers and certificates move to the survivor; the
    retired file is kept (history) and its code resolves to the survivor from then on. Two
    enrolments in the same year cannot be merged silently: the conflict is reported.
    """
    if not access.can_merge(actor):
        raise PermissionDenied(_("Only a directorate or national administrator merges files."))
    scope = access.scope_for(actor, roles=access.MERGE_ROLES)
    visible = scope.filter_tenant(Student.objects.filter(pk__in=[survivor.pk, retired.pk]))
    if visible.count() != 2:
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the merge."), code="reason_required")
    if survivor.pk == retired.pk or retired.merged_into_id or survivor.merged_into_id:
        raise ValidationFailed(_("These two files cannot be merged."), code="merge_invalid")
    survivor_years = set(
        survivor.enrolments.filter(status__in=ACTIVE_ENROLMENT_STATUSES).values_list(
            "school_year_id", flat=True
        )
    )
    clash = retired.enrolments.filter(
        status__in=ACTIVE_ENROLMENT_STATUSES, school_year_id__in=survivor_years
    ).exists()
    if clash:
        raise ValidationFailed(
            _(
                "Both files are enrolled for the same school year: end one enrolment before "
                "merging."
            ),
            code="merge_year_clash",
        )
    retired.enrolments.update(student=survivor)
    retired.documents.update(student=survivor)
    retired.transfers.update(student=survivor)
    retired.certificates.update(student=survivor)
    kept = {g.relationship for g in survivor.guardians.exclude(relationship="guardian")}
    retired.guardians.exclude(Q(relationship__in=kept)).update(student=survivor, is_contact=False)
    retired.merged_into = survivor
    retired._history_user = actor
    retired.save(update_fields=["merged_into", "updated_at"])
    StudentMerge.objects.create(
        survivor=survivor,
        retired=retired,
        retired_code=retired.code_massar,
        reason=reason[:300],
        merged_by=actor,
    )
    return survivor


SEX_ALIASES = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "masculin": Sex.MALE,
    "ذكر": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "féminin": Sex.FEMALE,
    "feminin": Sex.FEMALE,
    "أنثى": Sex.FEMALE,
    "انثى": Sex.FEMALE,
}


def parse_sex(raw: str) -> str | None:
    """``M``/``F``, ``ذكر``/``أنثى`` and their French words, as the national system writes them."""
    return SEX_ALIASES.get((raw or "").strip().lower())


@transaction.atomic
def enrolments_record_decisions(*, actor, decisions: dict[int, tuple[str, object]]) -> int:
    """Write the class council's year decisions on the enrolments, set-based, with history.

    ``decisions`` maps an enrolment id to ``(decision, annual_average)`` (a ``YearDecision``
    value, and a ``Decimal`` or ``None``). Every enrolment must be an active one of a school
    ``actor`` runs; otherwise nothing is written. Returns how many enrolments were written.
    """
    from decimal import Decimal, InvalidOperation

    from simple_history.utils import bulk_update_with_history

    from .models import YearDecision

    if not decisions:
        return 0
    allowed = set(YearDecision.values)
    for decision, average in decisions.values():
        if decision not in allowed:
            raise ValidationFailed(_("Choose a decision for every pupil."), code="bad_decision")
        if average is not None:
            try:
                value = Decimal(average)
            except (InvalidOperation, TypeError, ValueError) as error:
                raise ValidationFailed(
                    _("An annual average is not a number."), code="bad_average"
                ) from error
            if not Decimal(0) <= value <= Decimal(20):
                raise ValidationFailed(
                    _("An annual average must be between 0 and 20."), code="bad_average"
                )
    enrolments = list(
        Enrolment.objects.filter(pk__in=list(decisions), status__in=ACTIVE_ENROLMENT_STATUSES)
        .select_related("establishment")
        .order_by("pk")
    )
    if len(enrolments) != len(decisions):
        raise NotFound()
    for establishment in {e.establishment_id: e.establishment for e in enrolments}.values():
        access.require_write_at(actor, establishment)
    now = timezone.now()
    for enrolment in enrolments:
        decision, average = decisions[enrolment.pk]
        enrolment.decision = decision
        enrolment.annual_average = None if average is None else Decimal(average)
        enrolment.updated_at = now
    bulk_update_with_history(
        enrolments,
        Enrolment,
        ["decision", "annual_average", "updated_at"],
        batch_size=500,
        default_user=actor,
        default_date=now,
    )
    return len(enrolments)
