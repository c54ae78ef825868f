"""Online pre-registration: parents ask for a place for a new pupil (preschool or 1st primary),
the school reviews the request and, when it accepts, the file, its code Massar and the enrolment
are created through the ordinary registration.

Parents:
- create an account (no role) and prove a phone number or an e-mail address
  (``massar.accounts.verification``); only then may they submit a request;
- submit during the window of the target year (``RegistrationCalendar``), for a level open to new
  pupils (``PREREGISTRATION_LEVELS``), at a public establishment teaching it;
- send again the document the school asked for.

Schools (director and staff of the establishment) accept, reject with a reason, or ask for a
document with a note. Each decision is sent to the parent in their preferred language, through
the channels they proved, after the transaction commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from massar.accounts.models import ContactChannel, Role, User
from massar.accounts.services import role_assign, user_create
from massar.accounts.verification import (
    contact_verification_start,
    is_contact_verified,
    verified_contacts,
)
from massar.core.channels import channel_for
from massar.core.choices import Sector
from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.core.i18n import pick
from massar.core.scoping import Scope
from massar.curriculum.models import Level, Stream
from massar.territory.models import Commune, Establishment

from . import access
from .documents import check_upload
from .duplicates import Identity, arabic_full_key, latin_full_key, likely_duplicates
from .models import (
    DocumentKind,
    PreRegistration,
    PreRegistrationStatus,
    RegistrationCalendar,
    Student,
    StudentDocument,
)
from .services import (
    GuardianData,
    Placement,
    StudentData,
    _full_clean,
    check_age_for_level,
    check_birth_date,
    student_register,
)

#: Levels a new pupil may be pre-registered in online, in the order they are offered.
PREREGISTRATION_LEVELS = ("PS1", "PS2", "1AP")
OPEN_STATUSES = (PreRegistrationStatus.SUBMITTED, PreRegistrationStatus.DOCUMENT_REQUESTED)
#: Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_RANDOM_LENGTH = 6


# --- Reference data -------------------------------------------------------------------------


def preregistration_levels() -> list[Level]:
    """The levels open to online pre-registration, in school order."""
    return list(
        Level.objects.filter(code__in=PREREGISTRATION_LEVELS)
        .select_related("cycle")
        .order_by("order")
    )


def open_calendar(day=None) -> RegistrationCalendar | None:
    """The registration calendar whose online window contains ``day`` (today by default)."""
    day = day or timezone.localdate()
    return (
        RegistrationCalendar.objects.filter(
            preregistration_opens_on__lte=day, preregistration_closes_on__gte=day
        )
        .select_related("school_year")
        .order_by("-school_year__starts_on")
        .first()
    )


def next_calendar(day=None) -> RegistrationCalendar | None:
    """The next window still to open, if one is already planned."""
    day = day or timezone.localdate()
    return (
        RegistrationCalendar.objects.filter(preregistration_opens_on__gt=day)
        .select_related("school_year")
        .order_by("preregistration_opens_on")
        .first()
    )


def establishments_open_to(*, level: Level) -> QuerySet[Establishment]:
    """Public, active establishments teaching the cycle of ``level``."""
    return Establishment.objects.filter(
        sector=Sector.PUBLIC, is_active=True, cycles__cycle=level.cycle.code
    ).distinct()


def establishments_for(*, commune: Commune, level: Level) -> QuerySet[Establishment]:
    return establishments_open_to(level=level).filter(commune=commune).order_by("name_fr", "code")


def communes_with_public_schools() -> QuerySet[Commune]:
    """Communes with at least one public school open to pre-registration, by directorate."""
    cycles = Level.objects.filter(code__in=PREREGISTRATION_LEVELS).values("cycle__code")
    schools = Establishment.objects.filter(
        sector=Sector.PUBLIC, is_active=True, cycles__cycle__in=cycles
    ).values("commune_id")
    return (
        Commune.objects.filter(pk__in=schools)
        .select_related("directorate")
        .order_by("directorate__code", "name_fr", "code")
    )


def normalise_phone(raw: str) -> str:
    """A Moroccan number in its national form: ``+212612345678`` becomes ``0612345678``."""
    phone = "".join((raw or "").split()).replace("-", "").replace(".", "")
    if phone.startswith("+212"):
        phone = "0" + phone[4:]
    elif phone.startswith("00212"):
        phone = "0" + phone[5:]
    return phone


# --- Parent accounts ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParentSignup:
    """A parent's sign-up, as the page validated it."""

    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    phone: str
    email: str
    preferred_language: str
    password: str

    @property
    def username(self) -> str:
        """Parents log in with their phone number, or their e-mail address if they gave none."""
        return normalise_phone(self.phone) if self.phone else self.email.strip().lower()


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


@transaction.atomic
def parent_signup(*, data: ParentSignup) -> User:
    """A parent's account, with no role, and a code sent to prove their phone (or e-mail)."""
    if not (data.phone or data.email):
        raise ValidationFailed(
            _("Give a phone number or an e-mail address (or both)."), code="contact_required"
        )
    username = data.username
    if username_taken(username):
        raise ValidationFailed(
            _("An account already uses this phone number or e-mail address: log in instead."),
            code="account_exists",
        )
    user = user_create(
        username=username,
        password=data.password,
        first_name=data.first_name_fr,
        last_name=data.last_name_fr,
        first_name_ar=data.first_name_ar,
        last_name_ar=data.last_name_ar,
        email=data.email.strip().lower(),
        preferred_language=data.preferred_language,
    )
    if data.phone:
        contact_verification_start(
            user=user, channel=ContactChannel.PHONE, destination=normalise_phone(data.phone)
        )
    else:
        contact_verification_start(user=user, channel=ContactChannel.EMAIL, destination=user.email)
    return user


# --- Requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreRegistrationData:
    """The child and the asking guardian, as the page validated them."""

    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    sex: str
    birth_date: date
    guardian_relationship: str
    guardian_first_name_ar: str
    guardian_last_name_ar: str
    guardian_first_name_fr: str
    guardian_last_name_fr: str
    guardian_cin: str
    birth_place_ar: str = ""
    birth_place_fr: str = ""
    civil_record_number: str = ""
    address: str = ""
    guardian_phone: str = ""
    guardian_email: str = ""
    guardian_profession: str = ""

    def identity(self) -> Identity:
        return Identity(
            first_name_ar=self.first_name_ar,
            last_name_ar=self.last_name_ar,
            first_name_fr=self.first_name_fr,
            last_name_fr=self.last_name_fr,
            birth_date=self.birth_date,
            birth_place=self.birth_place_fr or self.birth_place_ar,
            guardian_cins=(self.guardian_cin,) if self.guardian_cin else (),
        )


def request_identity(request: PreRegistration) -> Identity:
    return Identity(
        first_name_ar=request.first_name_ar,
        last_name_ar=request.last_name_ar,
        first_name_fr=request.first_name_fr,
        last_name_fr=request.last_name_fr,
        birth_date=request.birth_date,
        birth_place=request.birth_place_fr or request.birth_place_ar,
        guardian_cins=(request.guardian_cin,) if request.guardian_cin else (),
    )


def _new_reference(school_year) -> str:
    """``PR-25-K7M4QX``: the year the school year starts, then six unambiguous characters."""
    prefix = f"PR-{school_year.starts_on.year % 100:02d}-"
    for _attempt in range(20):
        reference = prefix + "".join(
            secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM_LENGTH)
        )
        if not PreRegistration.objects.filter(reference=reference).exists():
            return reference
    raise ValidationFailed(_("No reference could be given: try again."), code="reference")


def require_verified(parent) -> None:
    if not is_contact_verified(parent):
        raise PermissionDenied(
            _("Verify your phone number or e-mail address before sending a request.")
        )


def _same_child(request: PreRegistration, data: PreRegistrationData) -> bool:
    key_ar = arabic_full_key(data.first_name_ar, data.last_name_ar)
    key_latin = latin_full_key(data.first_name_fr, data.last_name_fr)
    return bool(
        (key_ar and arabic_full_key(request.first_name_ar, request.last_name_ar) == key_ar)
        or (key_latin and latin_full_key(request.first_name_fr, request.last_name_fr) == key_latin)
    )


def _check_level_and_school(*, level: Level, establishment: Establishment) -> None:
    if level.code not in PREREGISTRATION_LEVELS:
        raise ValidationFailed(
            _(
                "Online pre-registration is for the first year of preschool, the second year of "
                "preschool and the first year of primary school only."
            ),
            code="level_not_open",
        )
    if not establishments_open_to(level=level).filter(pk=establishment.pk).exists():
        raise ValidationFailed(
            _("%(school)s does not take new pupils in %(level)s online.")
            % {"school": establishment.name, "level": level.name},
            code="school_not_open",
        )


@transaction.atomic
def preregistration_submit(
    *,
    parent: User,
    data: PreRegistrationData,
    level: Level,
    establishment: Establishment,
    birth_certificate,
) -> PreRegistration:
    """A parent's request for a place, during the open window; everything is checked first."""
    if not getattr(parent, "is_authenticated", False) or not parent.is_active:
        raise PermissionDenied()
    require_verified(parent)
    calendar = open_calendar()
    if calendar is None:
        raise ValidationFailed(
            _("Online pre-registration is closed: no registration window is open today."),
            code="window_closed",
        )
    _check_level_and_school(level=level, establishment=establishment)
    check_birth_date(data.birth_date)
    check_age_for_level(birth_date=data.birth_date, level=level, school_year=calendar.school_year)
    # Serialise the requests of one parent, so that a double click does not send two.
    User.objects.select_for_update().filter(pk=parent.pk).first()
    pending = PreRegistration.objects.filter(
        parent=parent, birth_date=data.birth_date, status__in=OPEN_STATUSES
    )
    twin = next((request for request in pending if _same_child(request, data)), None)
    if twin is not None:
        raise ValidationFailed(
            _("You already sent request %(reference)s for this child; it is being reviewed.")
            % {"reference": twin.reference},
            code="already_requested",
        )
    if likely_duplicates(data.identity()).exists():
        raise ValidationFailed(
            _(
                "This child seems to have a school file already. Go to the school with the "
                "child's documents to register them."
            ),
            code="child_has_file",
        )
    content_type = check_upload(birth_certificate)
    request = PreRegistration(
        reference=_new_reference(calendar.school_year),
        parent=parent,
        school_year=calendar.school_year,
        establishment=establishment,
        level=level,
        birth_certificate_type=content_type,
        status=PreRegistrationStatus.SUBMITTED,
        **vars(data),
    )
    request.guardian_cin = request.guardian_cin.strip().upper()
    request.guardian_phone = normalise_phone(request.guardian_phone)
    request.guardian_email = request.guardian_email.strip().lower()
    _full_clean(request, exclude=["birth_certificate"])
    request.birth_certificate.save(
        _upload_name(birth_certificate, content_type), birth_certificate, save=False
    )
    request.save()
    return request


EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _upload_name(upload, content_type: str) -> str:
    """A stored name that says nothing about the child (the parent's file name is not kept)."""
    return f"{secrets.token_hex(8)}.{EXTENSIONS[content_type]}"


@transaction.atomic
def preregistration_resubmit_document(
    *, parent: User, request: PreRegistration, upload
) -> PreRegistration:
    """The parent sends the document the school asked for; the request is reviewed again."""
    if request.parent_id != parent.pk:
        raise NotFound()
    request = PreRegistration.objects.select_for_update().get(pk=request.pk)
    if request.status != PreRegistrationStatus.DOCUMENT_REQUESTED:
        raise ValidationFailed(
            _("The school did not ask for a document for this request."), code="not_requested"
        )
    content_type = check_upload(upload)
    request.birth_certificate.save(_upload_name(upload, content_type), upload, save=False)
    request.birth_certificate_type = content_type
    request.status = PreRegistrationStatus.SUBMITTED
    request.school_note = ""
    request.save()
    return request


# --- School review --------------------------------------------------------------------------


def review_scope(actor) -> Scope:
    """Where ``actor`` reviews requests: the establishments they direct or work in as staff."""
    return access.school_write_scope(actor)


def preregistration_queue(*, scope: Scope, status: str = "") -> QuerySet[PreRegistration]:
    """Requests to the establishments of ``scope``, oldest first (first come, first served)."""
    queryset = scope.filter_tenant(PreRegistration.objects.select_related("establishment", "level"))
    if status:
        if status not in PreRegistrationStatus.values:
            raise ValueError(status)
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "pk")


def owns_preregistrations(user) -> bool:
    """Whether ``user`` sent at least one request (one indexed query)."""
    return PreRegistration.objects.filter(parent=user).exists()


def parent_requests(*, parent: User) -> QuerySet[PreRegistration]:
    return (
        PreRegistration.objects.filter(parent=parent)
        .select_related("establishment", "level", "school_year", "student")
        .order_by("-created_at", "-pk")
    )


def access_preregistration_for_review(*, actor, reference: str) -> PreRegistration:
    """The request ``reference`` if ``actor`` reviews at its establishment; ``NotFound`` if not."""
    reference = (reference or "").strip().upper()
    scope = review_scope(actor)
    found = (
        scope.filter_tenant(
            PreRegistration.objects.select_related(
                "establishment", "level", "school_year", "parent", "student", "reviewed_by"
            )
        )
        .filter(reference=reference)
        .first()
        if reference
        else None
    )
    if found is None:
        raise NotFound()
    return found


def access_own_preregistration(*, parent, reference: str) -> PreRegistration:
    """The parent's own request ``reference``; ``NotFound`` for anyone else's."""
    reference = (reference or "").strip().upper()
    found = (
        parent_requests(parent=parent).filter(reference=reference).first() if reference else None
    )
    if found is None:
        raise NotFound()
    return found


def request_duplicates(request: PreRegistration) -> list[Student]:
    """Existing files that look like the child of ``request`` (at most ten)."""
    return list(likely_duplicates(request_identity(request))[:10])


def _lock_open(*, actor, request: PreRegistration) -> PreRegistration:
    access.require_write_at(actor, request.establishment)
    locked = (
        PreRegistration.objects.select_for_update()
        .select_related("establishment", "level", "school_year", "parent")
        .get(pk=request.pk)
    )
    if locked.status not in OPEN_STATUSES:
        raise ValidationFailed(
            _("This request was already decided (%(status)s).")
            % {"status": locked.get_status_display()},
            code="already_decided",
        )
    return locked


def _general_stream(level: Level) -> Stream:
    stream = Stream.objects.filter(level=level, is_active=True).order_by("-is_general", "code")
    found = stream.first()
    if found is None:
        raise ValidationFailed(
            _("%(level)s has no stream: ask a national administrator.") % {"level": level.name},
            code="no_stream",
        )
    return found


def _student_data(request: PreRegistration) -> StudentData:
    return StudentData(
        first_name_ar=request.first_name_ar,
        last_name_ar=request.last_name_ar,
        first_name_fr=request.first_name_fr,
        last_name_fr=request.last_name_fr,
        sex=request.sex,
        birth_date=request.birth_date,
        birth_place_ar=request.birth_place_ar,
        birth_place_fr=request.birth_place_fr,
        civil_record_number=request.civil_record_number,
        address=request.address,
        guardians=[
            GuardianData(
                relationship=request.guardian_relationship,
                first_name_ar=request.guardian_first_name_ar,
                last_name_ar=request.guardian_last_name_ar,
                first_name_fr=request.guardian_first_name_fr,
                last_name_fr=request.guardian_last_name_fr,
                cin=request.guardian_cin,
                phone=request.guardian_phone,
                email=request.guardian_email,
                profession=request.guardian_profession,
                preferred_language=request.parent.preferred_language,
                is_contact=True,
            )
        ],
    )


@transaction.atomic
def preregistration_accept(
    *, actor, request: PreRegistration, duplicate_reason: str = ""
) -> Student:
    """The school takes the child: file, code Massar and enrolment (registered), the guardian
    linked to the parent's account, and the parent role at the school for that account.

    A likely duplicate raises ``services.LikelyDuplicate`` unless the director confirms it with
    ``duplicate_reason``.
    """
    request = _lock_open(actor=actor, request=request)
    placement = Placement(
        school_year=request.school_year,
        establishment=request.establishment,
        level=request.level,
        stream=_general_stream(request.level),
    )
    student = student_register(
        actor=actor,
        data=_student_data(request),
        placement=placement,
        duplicate_reason=duplicate_reason,
    )
    student.guardians.filter(is_contact=True).update(user=request.parent)
    if request.birth_certificate:
        extension = EXTENSIONS.get(request.birth_certificate_type, "bin")
        StudentDocument.objects.create(
            student=student,
            kind=DocumentKind.BIRTH_CERTIFICATE,
            file=request.birth_certificate.name,
            original_name=f"{request.reference}.{extension}",
            content_type=request.birth_certificate_type,
            size=request.birth_certificate.size,
            uploaded_by=request.parent,
        )
    role_assign(user=request.parent, role=Role.PARENT, establishment=request.establishment)
    request.status = PreRegistrationStatus.ACCEPTED
    request.student = student
    request.school_note = ""
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()
    request.save()
    _notify_parent(request)
    return student


def _decision_text(text: str, *, field: str, required_message: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationFailed(
            required_message,
            code=f"{field}_required",
            details=[{"loc": [field], "msg": required_message}],
        )
    if len(text) > 300:
        message = _("Keep it under 300 characters.")
        raise ValidationFailed(
            message, code=f"{field}_too_long", details=[{"loc": [field], "msg": message}]
        )
    return text


@transaction.atomic
def preregistration_reject(*, actor, request: PreRegistration, reason: str) -> PreRegistration:
    """The school refuses the request; the reason is required and is sent to the parent."""
    reason = _decision_text(
        reason, field="reason", required_message=_("Give the reason for the refusal.")
    )
    request = _lock_open(actor=actor, request=request)
    request.status = PreRegistrationStatus.REJECTED
    request.school_note = reason
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()
    request.save()
    _notify_parent(request)
    return request


@transaction.atomic
def preregistration_request_document(
    *, actor, request: PreRegistration, note: str
) -> PreRegistration:
    """The school asks the parent for a document (a readable birth certificate, for instance)."""
    note = _decision_text(note, field="note", required_message=_("Say which document is missing."))
    request = _lock_open(actor=actor, request=request)
    request.status = PreRegistrationStatus.DOCUMENT_REQUESTED
    request.school_note = note
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()
    request.save()
    _notify_parent(request)
    return request


# --- Notifications --------------------------------------------------------------------------


def decision_message(request: PreRegistration) -> tuple[str, str]:
    """Subject and body of the decision on ``request``, in the parent's preferred language."""
    language = request.parent.preferred_language
    with translation.override(language):
        values = {
            "reference": request.reference,
            "child": pick(
                ar=f"{request.first_name_ar} {request.last_name_ar}".strip(),
                fr=f"{request.first_name_fr} {request.last_name_fr}".strip(),
                language=language,
            ),
            "school": pick(
                ar=request.establishment.name_ar,
                fr=request.establishment.name_fr,
                language=language,
            ),
            "note": request.school_note,
            "code": request.student.code_massar if request.student_id else "",
        }
        subject = gettext("Massar pre-registration %(reference)s") % values
        if request.status == PreRegistrationStatus.ACCEPTED:
            body = gettext(
                "Your request %(reference)s for %(child)s at %(school)s was accepted: code "
                "Massar %(code)s."
            )
        elif request.status == PreRegistrationStatus.REJECTED:
            body = gettext(
                "Your request %(reference)s for %(child)s at %(school)s was refused. Reason "
                "given by the school: %(note)s"
            )
        else:
            body = gettext(
                "For your request %(reference)s for %(child)s, %(school)s asks for a document: "
                "%(note)s. Send it from your Massar account."
            )
        return subject, body % values


def _notify_parent(request: PreRegistration) -> None:
    """Send the decision to every contact the parent proved, once the transaction commits."""
    subject, body = decision_message(request)
    for channel, destination in verified_contacts(request.parent):
        transaction.on_commit(
            lambda channel=channel, destination=destination: channel_for(channel).send(
                destination=destination, subject=subject, body=body
            )
        )
