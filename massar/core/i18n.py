"""Small helpers for bilingual (Arabic / French) data."""

from django.utils.translation import get_language


def is_arabic(language: str | None = None) -> bool:
    return (language or get_language() or "ar").split("-")[0] == "ar"


def pick(*, ar: str, fr: str, language: str | None = None) -> str:
    """The value for the active language, falling back to the other script when empty."""
    if is_arabic(language):
        return ar or fr
    return fr or ar
