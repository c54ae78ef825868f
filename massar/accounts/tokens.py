"""API bearer tokens: issued once, stored as a digest, expiring, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, User

PREFIX = "mst"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[str, ApiToken]:
    """A new token for ``user``; the clear value is returned once and never stored."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        key_id=key_id,
        digest=_digest(secret),
        expires_at=timezone.now() + settings.API_TOKEN_TTL,
    )
    token.full_clean()
    token.save()
    return f"{PREFIX}_{key_id}_{secret}", token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The live token matching ``raw``, or ``None`` when malformed, unknown, expired or revoked."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    _prefix, key_id, secret = parts
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_id=key_id, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_tokens_revoke(*, tokens) -> int:
    """Revoke every live token of a queryset in one statement; returns how many were live."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
