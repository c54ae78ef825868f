"""Writes on staff files: creating and changing a file, with its login when asked, or linking
an existing login. The writes on teaching assignments live in ``services_assignments`` and are
re-exported here, so that ``services`` is the one entry point of the app's writes.

Every function takes the acting user, checks that they may act at the establishment, validates
everything first and writes in one transaction: all or nothing.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from massar.accounts.models import Role, User
from massar.accounts.services import role_assign, user_create
from massar.core.errors import ValidationFailed
from massar.curriculum.models import Subject
from massar.territory.models import Establishment, SchoolYear

from . import access
from .models import StaffKind, StaffMember, TeachingAssignment
from .services_assignments import (
    teaching_assignment_create,
    teaching_assignment_delete,
    teaching_assignment_save,
    teaching_assignment_update,
)
from .validation import NeedsConfirmation, field_error, full_clean

__all__ = [
    "NeedsConfirmation",
    "StaffCreated",
    "StaffData",
    "staff_member_create",
    "staff_member_create_account",
    "staff_member_link_account",
    "staff_member_update",
    "teaching_assignment_create",
    "teaching_assignment_delete",
    "teaching_assignment_save",
    "teaching_assignment_update",
    "temporary_password",
    "username_for",
]


# --- Staff files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffData:
    """The file of a staff member, as the edges (forms, API, seed) validated it."""

    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    cin: str
    payroll_number: str
    status: str
    kind: str = StaffKind.TEACHER
    grade: str = ""
    cycle: str = ""
    subject_codes: tuple[str, ...] = ()
    other_establishment_codes: tuple[str, ...] = ()
    weekly_quota_override: Decimal | None = None
    is_active: bool = True


@dataclass(frozen=True)
class StaffCreated:
    """A new file, and its login when one was created (the password is shown once)."""

    staff_member: StaffMember
    username: str = ""
    initial_password: str = ""


FILE_FIELDS = (
    "first_name_ar",
    "last_name_ar",
    "first_name_fr",
    "last_name_fr",
    "cin",
    "payroll_number",
    "status",
    "kind",
    "grade",
    "cycle",
    "weekly_quota_override",
    "is_active",
)


def normalise_cin(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def normalise_payroll(value: str) -> str:
    return re.sub(r"\s+", "", value or "")


def _check_unique(staff: StaffMember) -> None:
    others = StaffMember.objects.exclude(pk=staff.pk)
    if others.filter(cin=staff.cin).exists():
        raise field_error(
            "cin",
            _("Another staff file already has the CIN %(cin)s.") % {"cin": staff.cin},
            "cin_taken",
        )
    if others.filter(payroll_number=staff.payroll_number).exists():
        raise field_error(
            "payroll_number",
            _("Another staff file already has the payroll number %(ppr)s.")
            % {"ppr": staff.payroll_number},
            "payroll_taken",
        )


def _subjects(codes) -> list[Subject]:
    wanted = {(code or "").strip().upper() for code in codes} - {""}
    found = list(Subject.objects.filter(code__in=sorted(wanted)))
    missing = wanted - {subject.code for subject in found}
    if missing:
        raise field_error(
            "subjects",
            _("Unknown subject: %(codes)s.") % {"codes": ", ".join(sorted(missing))},
            "unknown_subject",
        )
    return found


def _other_establishments(main: Establishment, codes) -> list[Establishment]:
    """The other establishments a staff member serves: satellites of their school, or another
    establishment of the same directorate. Another directorate is refused."""
    wanted = {(code or "").strip().upper() for code in codes} - {"", main.code}
    found = list(Establishment.objects.select_related("directorate").filter(code__in=wanted))
    missing = wanted - {school.code for school in found}
    if missing:
        raise field_error(
            "other_establishments",
            _("No establishment has the code %(codes)s.") % {"codes": ", ".join(sorted(missing))},
            "unknown_establishment",
        )
    for school in sorted(found, key=lambda s: s.code):
        if school.central_school_id == main.pk or school.directorate_id == main.directorate_id:
            continue
        raise field_error(
            "other_establishments",
            _(
                "%(school)s (%(code)s) belongs to another directorate (%(other)s): a staff "
                "member also serves only the satellite schools of their school or other "
                "establishments of their own directorate (%(own)s)."
            )
            % {
                "school": school.name,
                "code": school.code,
                "other": school.directorate.name,
                "own": main.directorate.name,
            },
            "other_directorate",
        )
    return found


def _check_kind(staff: StaffMember) -> None:
    if staff.kind == StaffKind.TEACHER and not staff.cycle:
        raise field_error(
            "cycle",
            _("Choose the teaching cycle of a teacher: it sets their weekly quota."),
            "cycle_required",
        )


def _check_assignments_still_served(
    staff: StaffMember, served_ids: set[int], school_year: SchoolYear | None
) -> None:
    """A change must not leave assignments of the year at a school the member no longer
    serves, nor assignments to someone who is no longer an active teacher."""
    if school_year is None or staff.pk is None:
        return
    assigned = TeachingAssignment.objects.filter(teacher=staff, school_year=school_year)
    if (staff.kind != StaffKind.TEACHER or not staff.is_active) and assigned.exists():
        raise ValidationFailed(
            _(
                "%(name)s teaches classes this year: give their classes to another teacher "
                "before making them inactive or administrative staff."
            )
            % {"name": staff.display_name},
            code="has_assignments",
        )
    stranded = (
        assigned.exclude(establishment_id__in=served_ids)
        .select_related("establishment")
        .order_by("establishment__code")
        .first()
    )
    if stranded is not None:
        raise field_error(
            "other_establishments",
            _(
                "%(name)s teaches classes of %(school)s this year: give those classes to "
                "another teacher before removing the establishment."
            )
            % {"name": staff.display_name, "school": stranded.establishment.name},
            "has_assignments",
        )


def _apply(staff: StaffMember, data: StaffData) -> None:
    for name in FILE_FIELDS:
        setattr(staff, name, getattr(data, name))
    for name in ("first_name_ar", "last_name_ar", "first_name_fr", "last_name_fr", "grade"):
        setattr(staff, name, (getattr(staff, name) or "").strip())
    staff.cin = normalise_cin(staff.cin)
    staff.payroll_number = normalise_payroll(staff.payroll_number)
    if staff.kind == StaffKind.ADMINISTRATIVE and staff.cycle is None:
        staff.cycle = ""


def _save_file(staff: StaffMember, *, actor, update_fields=None) -> None:
    staff._history_user = actor
    try:
        with transaction.atomic():
            staff.save(update_fields=update_fields)
    except IntegrityError as error:  # a concurrent file with the same CIN or payroll number
        raise ValidationFailed(
            _("Another staff file already has this CIN or payroll number."), code="cin_taken"
        ) from error


@transaction.atomic
def staff_member_create(
    *,
    actor,
    main_establishment: Establishment,
    data: StaffData,
    create_account: bool = False,
    password: str | None = None,
) -> StaffCreated:
    """A new staff file at ``main_establishment``; with ``create_account``, its login too
    (``prenom.nom``, role TEACHER or STAFF at the establishment). Without ``password`` a
    temporary one is generated and returned, to be given to the person once."""
    access.require_write_at(actor, main_establishment)
    staff = StaffMember(main_establishment=main_establishment)
    _apply(staff, data)
    full_clean(staff, exclude=["user"])
    _check_kind(staff)
    _check_unique(staff)
    subjects = _subjects(data.subject_codes)
    others = _other_establishments(main_establishment, data.other_establishment_codes)
    _save_file(staff, actor=actor)
    staff.subjects.set(subjects)
    staff.other_establishments.set(others)
    if not create_account:
        return StaffCreated(staff_member=staff)
    user, initial = _create_login(staff, password=password)
    return StaffCreated(staff_member=staff, username=user.username, initial_password=initial)


@transaction.atomic
def staff_member_update(
    *,
    actor,
    staff_member: StaffMember,
    data: StaffData,
    main_establishment: Establishment | None = None,
    create_account: bool = False,
    password: str | None = None,
) -> StaffCreated:
    """Change a file (every change is in its history). Moving the main establishment needs
    the right at both. A change that would strand this year's assignments is refused.
    ``create_account`` also creates the login of a file that has none."""
    access.require_write_at(actor, staff_member.main_establishment)
    if main_establishment is not None and main_establishment.pk != (
        staff_member.main_establishment_id
    ):
        access.require_write_at(actor, main_establishment)
        staff_member.main_establishment = main_establishment
    main = staff_member.main_establishment
    _apply(staff_member, data)
    full_clean(staff_member, exclude=["user"])
    _check_kind(staff_member)
    _check_unique(staff_member)
    subjects = _subjects(data.subject_codes)
    others = _other_establishments(main, data.other_establishment_codes)
    _check_assignments_still_served(
        staff_member,
        {main.pk, *(school.pk for school in others)},
        SchoolYear.objects.filter(is_current=True).first(),
    )
    _save_file(staff_member, actor=actor)
    staff_member.subjects.set(subjects)
    staff_member.other_establishments.set(others)
    if not create_account or staff_member.user_id is not None:
        return StaffCreated(staff_member=staff_member)
    user, initial = _create_login(staff_member, password=password)
    return StaffCreated(staff_member=staff_member, username=user.username, initial_password=initial)


@transaction.atomic
def staff_member_create_account(
    *, actor, staff_member: StaffMember, password: str | None = None
) -> StaffCreated:
    """The login of a staff file that has none (see ``staff_member_create``)."""
    access.require_write_at(actor, staff_member.main_establishment)
    if staff_member.user_id is not None:
        raise ValidationFailed(
            _("%(name)s already has a login.") % {"name": staff_member.display_name},
            code="has_account",
        )
    user, initial = _create_login(staff_member, password=password)
    return StaffCreated(staff_member=staff_member, username=user.username, initial_password=initial)


@transaction.atomic
def staff_member_link_account(*, actor, staff_member: StaffMember, user: User) -> StaffMember:
    """Link an existing login to a file that has none, and give it the role of the file's
    kind at the main establishment (kept if already held). Neither may be linked already."""
    access.require_write_at(actor, staff_member.main_establishment)
    if staff_member.user_id is not None:
        raise ValidationFailed(
            _("%(name)s already has a login.") % {"name": staff_member.display_name},
            code="has_account",
        )
    if StaffMember.objects.filter(user=user).exists():
        raise ValidationFailed(
            _("The login %(username)s already belongs to another staff file.")
            % {"username": user.username},
            code="account_taken",
        )
    role = Role.TEACHER if staff_member.kind == StaffKind.TEACHER else Role.STAFF
    role_assign(user=user, role=role, establishment=staff_member.main_establishment)
    staff_member.user = user
    staff_member._history_user = actor
    staff_member.save(update_fields=["user", "updated_at"])
    return staff_member


def _username_part(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60]


def username_for(first_name: str, last_name: str) -> str:
    """``prenom.nom`` from the Latin names, the first not yet taken (``prenom.nom2``…)."""
    first, last = _username_part(first_name), _username_part(last_name)
    base = ".".join(part for part in (first, last) if part) or "staff"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


#: Temporary passwords avoid letters and digits that look alike when read aloud or copied.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def temporary_password(length: int = 12) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _index in range(length))


def _create_login(staff: StaffMember, *, password: str | None) -> tuple[User, str]:
    initial = password or temporary_password()
    user = user_create(
        username=username_for(staff.first_name_fr, staff.last_name_fr),
        password=initial,
        first_name=staff.first_name_fr[:150],
        last_name=staff.last_name_fr[:150],
        first_name_ar=staff.first_name_ar[:150],
        last_name_ar=staff.last_name_ar[:150],
    )
    role = Role.TEACHER if staff.kind == StaffKind.TEACHER else Role.STAFF
    role_assign(user=user, role=role, establishment=staff.main_establishment)
    staff.user = user
    staff.save(update_fields=["user", "updated_at"])
    return user, "" if password else initial
