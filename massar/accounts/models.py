"""Users, their role assignments (each with a scope), and API bearer tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massar.territory.models import Academy, Directorate, Establishment


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    FRENCH = "fr", _("French")


class User(AbstractUser):
    """A person who logs in. Names in Latin script come from ``AbstractUser``."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=150, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ARABIC
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        from massar.core.i18n import pick

        arabic = f"{self.first_name_ar} {self.last_name_ar}".strip()
        latin = f"{self.first_name} {self.last_name}".strip()
        return pick(ar=arabic, fr=latin) or self.username


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    ACADEMY_OFFICER = "academy_officer", _("Academy officer")
    DIRECTORATE_OFFICER = "directorate_officer", _("Directorate officer")
    DIRECTOR = "director", _("Establishment director")
    STAFF = "staff", _("Establishment staff")
    TEACHER = "teacher", _("Teacher")
    PARENT = "parent", _("Parent")
    STUDENT = "student", _("Student")


#: Which territorial column a role's scope lives in. Roles at an establishment are refined further
#: by later apps (a teacher's classes, a parent's children, a student's own file).
ROLE_SCOPE_FIELD: dict[str, str | None] = {
    Role.NATIONAL_ADMIN: None,
    Role.ACADEMY_OFFICER: "academy",
    Role.DIRECTORATE_OFFICER: "directorate",
    Role.DIRECTOR: "establishment",
    Role.STAFF: "establishment",
    Role.TEACHER: "establishment",
    Role.PARENT: "establishment",
    Role.STUDENT: "establishment",
}


def _only(field: str | None) -> Q:
    fields = ("academy", "directorate", "establishment")
    condition = Q()
    for name in fields:
        condition &= Q(**{f"{name}__isnull": name != field})
    return condition


class RoleAssignment(models.Model):
    """A role held by a user over a scope (nation, academy, directorate or establishment)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    academy = models.ForeignKey(
        Academy, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("academy")
    )
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("directorate")
    )
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("establishment"),
    )
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(role=Role.NATIONAL_ADMIN) & _only(None))
                    | (Q(role=Role.ACADEMY_OFFICER) & _only("academy"))
                    | (Q(role=Role.DIRECTORATE_OFFICER) & _only("directorate"))
                    | (
                        Q(
                            role__in=[
                                Role.DIRECTOR,
                                Role.STAFF,
                                Role.TEACHER,
                                Role.PARENT,
                                Role.STUDENT,
                            ]
                        )
                        & _only("establishment")
                    )
                ),
                name="role_assignment_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="role_assignment_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "academy", "directorate", "establishment"],
                name="role_assignment_unique",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="role_assignment_user_idx")]

    def __str__(self) -> str:
        target = self.establishment or self.directorate or self.academy
        role = self.get_role_display()
        return f"{role} · {target}" if target else str(role)


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "expires_at"], name="api_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.key_id}"


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone (SMS)")


class ContactVerification(models.Model):
    """A one-time code sent to a phone or e-mail address to prove that it belongs to the user.

    Only a digest of the code is stored; a code expires and allows a few attempts.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="contact_verifications", verbose_name=_("user")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ContactChannel.choices)
    destination = models.CharField(_("destination"), max_length=254)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact verification")
        verbose_name_plural = _("contact verifications")
        indexes = [models.Index(fields=["user", "created_at"], name="contact_verif_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.channel}"
