"""Accounts API: exchange credentials for a bearer token, revoke it, read who I am."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from ninja import Router

from massar.core.errors import DomainError

from .api_auth import bearer
from .schemas import MeOut, PlaceOut, RoleOut, TokenOut, TokenRequest
from .scope import active_assignments
from .tokens import api_token_issue, api_token_revoke

router = Router(tags=["accounts"])


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401
    default_message = _("The username or the password is wrong.")


class LockedOut(DomainError):
    code = "locked_out"
    status = 429
    default_message = _(
        "Too many failed attempts with this username. Wait a few minutes and try again."
    )


def _place(place) -> PlaceOut | None:
    if place is None:
        return None
    return PlaceOut(code=place.code, name_ar=place.name_ar, name_fr=place.name_fr)


@router.post("/auth/token", response={201: TokenOut}, auth=None, summary="Get a bearer token")
def token_create(request, payload: TokenRequest):
    """Exchange a username and password for a bearer token (shown once).

    Repeated failures lock the username out for a while (answer 429, code ``locked_out``).
    """
    user = authenticate(request=request, username=payload.username, password=payload.password)
    if user is None:
        # django-axes marks the request when this failure reached the limit.
        if getattr(request, "axes_locked_out", False):
            raise LockedOut()
        raise InvalidCredentials()
    raw, token = api_token_issue(user=user)
    return 201, TokenOut(token=raw, expires_at=token.expires_at)


@router.delete("/auth/token", response={204: None}, auth=bearer, summary="Revoke this token")
def token_revoke(request):
    """Revoke the token used for this call; it is refused from now on."""
    api_token_revoke(token=request.auth_token)
    return 204, None


@router.get("/me", response=MeOut, auth=bearer, summary="Who am I")
def me(request):
    """The authenticated user, their roles and the scope of each."""
    user = request.user
    roles = []
    for assignment in active_assignments(user).order_by("role"):
        level = (
            "establishment"
            if assignment.establishment_id
            else "directorate"
            if assignment.directorate_id
            else "academy"
            if assignment.academy_id
            else "national"
        )
        roles.append(
            RoleOut(
                role=assignment.role,
                role_label=str(assignment.get_role_display()),
                scope_level=level,
                academy=_place(assignment.academy),
                directorate=_place(assignment.directorate),
                establishment=_place(assignment.establishment),
            )
        )
    return MeOut(
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
        first_name_ar=user.first_name_ar,
        last_name_ar=user.last_name_ar,
        preferred_language=user.preferred_language,
        roles=roles,
    )
