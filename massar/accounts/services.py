"""Writes on accounts: users and their role assignments."""

from __future__ import annotations

from django.db import transaction

from massar.territory.models import Academy, Directorate, Establishment

from .models import ROLE_SCOPE_FIELD, Role, RoleAssignment, User
from .scope import forget_scope


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    first_name_ar: str = "",
    last_name_ar: str = "",
    email: str = "",
    preferred_language: str = "ar",
) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        first_name_ar=first_name_ar,
        last_name_ar=last_name_ar,
        email=email,
        preferred_language=preferred_language,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: Role | str,
    academy: Academy | None = None,
    directorate: Directorate | None = None,
    establishment: Establishment | None = None,
) -> RoleAssignment:
    """Give ``user`` a role over a scope; returns the existing assignment if already held."""
    role = Role(role)
    targets = {"academy": academy, "directorate": directorate, "establishment": establishment}
    expected = ROLE_SCOPE_FIELD[role]
    for name, value in targets.items():
        if (name == expected) != (value is not None):
            raise ValueError(f"role {role} is scoped by {expected or 'nothing'}, not {name}")
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, **targets)
    forget_scope(user)
    return assignment
