"""Verification codes of certificates, and the masking of a code Massar on public pages."""

from __future__ import annotations

import re
import secrets

#: Capital letters and digits that cannot be mistaken for one another when read aloud or typed
#: from paper: no 0/O, 1/I/L, 5/S, 8/B, 2/Z.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY3467"
LENGTH = 12
GROUP = 4
_WELL_FORMED = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")
_SEPARATORS = re.compile(r"[\s\-‐-―.·_]+")


def new_verification_code() -> str:
    """A random code (log2(24**12) ≈ 55 bits): unguessable, not derived from any data."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_verification_code(value: str | None) -> str:
    """The code as stored: upper case, without the spaces and dashes people type."""
    return _SEPARATORS.sub("", value or "").upper()


def is_well_formed(code: str) -> bool:
    return bool(_WELL_FORMED.match(code))


def format_verification_code(code: str) -> str:
    """``ACDE-FGHJ-KMNP``: easier to read from paper."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def mask_code_massar(code: str) -> str:
    """``D166027860`` → ``D1******60``: enough to compare with the paper, not to reuse."""
    if len(code) <= 4:
        return "*" * len(code)
    return code[:2] + "*" * (len(code) - 4) + code[-2:]
