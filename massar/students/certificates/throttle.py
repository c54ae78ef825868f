"""A light limit on public verification lookups per client address (pages and API).

Codes cannot be guessed (about 55 random bits), so this only keeps scripts from hammering the
database; the limit is generous enough for a person or an office checking a pile of papers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def limit() -> int:
    return int(getattr(settings, "CERTIFICATE_VERIFY_PER_MINUTE", 120))


def allow_lookup(request) -> bool:
    """Count one lookup for the request's client address; False once over the limit."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    key = f"certificates:verify:{address}"
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return True
    return count <= limit()
