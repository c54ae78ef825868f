"""Proving that a phone number or an e-mail address belongs to a user: a one-time code.

A six-digit code is sent through the configured channel (``massar.core.channels``), in the user's
preferred language, once the transaction has committed. Only an HMAC of the code (keyed with
``SECRET_KEY`` and bound to the verification, the user and the destination) is stored. A code
expires after 15 minutes and allows 5 attempts; a destination receives a limited number of codes
a day and a user waits a minute before asking for another one, so that the page cannot be used to
flood someone's phone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from massar.core.channels import channel_for
from massar.core.errors import ValidationFailed

from .models import ContactChannel, ContactVerification, User

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=15)
MAX_ATTEMPTS = 5
#: A user waits this long before asking for another code.
RESEND_INTERVAL = timedelta(seconds=60)
#: Codes sent to one destination (whoever asks) in 24 hours.
MAX_CODES_PER_DESTINATION_PER_DAY = 5


def _digest(*, user_id: int, destination: str, code: str) -> str:
    message = f"{user_id}:{destination}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def is_contact_verified(user: User) -> bool:
    """Whether ``user`` proved at least one phone number or e-mail address."""
    return ContactVerification.objects.filter(user=user, verified_at__isnull=False).exists()


def verified_contacts(user: User) -> list[tuple[str, str]]:
    """The (channel, destination) pairs ``user`` proved, oldest first, without repeats."""
    pairs = (
        ContactVerification.objects.filter(user=user, verified_at__isnull=False)
        .order_by("verified_at")
        .values_list("channel", "destination")
    )
    return list(dict.fromkeys(pairs))


def pending_verification(user: User) -> ContactVerification | None:
    """The newest code still usable (not verified, not expired, attempts left), if any."""
    return (
        ContactVerification.objects.filter(
            user=user,
            verified_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=MAX_ATTEMPTS,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def verification_message(*, user: User, code: str) -> tuple[str, str]:
    """Subject and body of the code message, in ``user``'s preferred language."""
    with translation.override(user.preferred_language):
        subject = gettext("Your Massar verification code")
        body = gettext(
            "Your Massar verification code is %(code)s. It expires in %(minutes)s minutes. "
            "Never share it."
        ) % {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)}
    return subject, body


@transaction.atomic
def contact_verification_start(*, user: User, channel: str, destination: str):
    """Send a new code to ``destination`` through ``channel``; earlier codes stop working."""
    if channel not in ContactChannel.values:
        raise ValidationFailed(_("Choose a phone number or an e-mail address."), code="channel")
    destination = (destination or "").strip()
    if channel == ContactChannel.EMAIL:
        destination = destination.lower()
    if not destination:
        raise ValidationFailed(
            _("Give the phone number or e-mail address to verify."), code="destination"
        )
    now = timezone.now()
    # Serialise the requests of one user, so that two quick clicks do not send two codes.
    User.objects.select_for_update().filter(pk=user.pk).first()
    last = ContactVerification.objects.filter(user=user).order_by("-created_at", "-pk").first()
    if last is not None and now - last.created_at < RESEND_INTERVAL:
        raise ValidationFailed(
            _("A code was sent less than a minute ago: wait a moment before asking again."),
            code="too_soon",
        )
    sent_today = ContactVerification.objects.filter(
        destination=destination, created_at__gte=now - timedelta(days=1)
    ).count()
    if sent_today >= MAX_CODES_PER_DESTINATION_PER_DAY:
        raise ValidationFailed(
            _("Too many codes were sent to this address today: try again tomorrow."),
            code="too_many_codes",
        )
    # Older pending codes of the user stop working: only the newest one counts.
    ContactVerification.objects.filter(user=user, verified_at__isnull=True).update(expires_at=now)
    verification = ContactVerification.objects.create(
        user=user,
        channel=channel,
        destination=destination,
        code_digest="",
        expires_at=now + CODE_TTL,
    )
    code = _new_code()
    verification.code_digest = _digest(user_id=user.pk, destination=destination, code=code)
    verification.save(update_fields=["code_digest"])
    subject, body = verification_message(user=user, code=code)
    transaction.on_commit(
        lambda: channel_for(channel).send(destination=destination, subject=subject, body=body)
    )
    return verification


def contact_verification_check(*, user: User, code: str) -> ContactVerification:
    """Mark the user's pending code as verified if ``code`` is right; ``ValidationFailed`` if not.

    Each try counts, right or wrong; the attempt is recorded even when the check fails.
    """
    code = "".join((code or "").split())
    with transaction.atomic():
        verification = (
            ContactVerification.objects.select_for_update()
            .filter(user=user, verified_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        if verification is None or verification.expires_at <= timezone.now():
            error = ValidationFailed(
                _("This code has expired or was replaced: ask for a new code."), code="expired"
            )
        elif verification.attempts >= MAX_ATTEMPTS:
            error = ValidationFailed(
                _("Too many wrong codes were tried: ask for a new code."), code="too_many_attempts"
            )
        else:
            verification.attempts += 1
            expected = _digest(user_id=user.pk, destination=verification.destination, code=code)
            if code.isdigit() and hmac.compare_digest(expected, verification.code_digest):
                verification.verified_at = timezone.now()
                error = None
            else:
                left = MAX_ATTEMPTS - verification.attempts
                error = ValidationFailed(
                    _("This code is not right. Attempts left: %(left)s.") % {"left": left}
                    if left
                    else _("Too many wrong codes were tried: ask for a new code."),
                    code="wrong_code" if left else "too_many_attempts",
                )
            verification.save(update_fields=["attempts", "verified_at"])
    if error is not None:
        raise error
    return verification
