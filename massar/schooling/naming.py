"""Names of classes, as schools write them: ``1APIC-1``, ``TCS-2``, ``2BAC PC-1``, ``TCSF-1``.

The rule, kept simple on purpose:

1. the base is the stream's ``abbreviation``; when the abbreviation does not itself name the
   level (the bac streams ``PC``, ``SE``… do not; ``1AP``, ``1APIC``, ``TCS`` do), the level's
   code comes first, with a space: ``2BAC PC``;
2. an international option adds its letter to the base: ``F`` (French), ``A`` (English), ``E``
   (Spanish) — ``TCSF``, ``2BAC PCF``, ``1BAC SEA``. The collège streams' abbreviation
   (``1APIC``, *parcours international collégial*) already is the French option, so French adds
   nothing there: a French-option ``1APIC-1`` and a standard ``1APIC-1`` cannot both exist (the
   automatic number skips a taken name);
3. a multi-grade class of a rural primary school names all its levels: ``1AP/2AP``;
4. then a hyphen and the class number: ``-1``, ``-2``… Numbers are counted per stream and
   option, multi-grade classes included (their stream is their lowest level's): with ``1AP-1``
   already there, the first multi-grade class is ``1AP/2AP-2``.
"""

from __future__ import annotations

from collections.abc import Iterable

from massar.curriculum.models import Level, Stream

from .models import LanguageOption

OPTION_LETTERS = {
    LanguageOption.FRENCH: "F",
    LanguageOption.ENGLISH: "A",
    LanguageOption.SPANISH: "E",
}
# Abbreviations that already stand for the French international course.
_FRENCH_ALREADY = ("PIC",)


def names_its_level(abbreviation: str, level: Level) -> bool:
    return abbreviation[:1].isdigit() or abbreviation.startswith(level.code)


def class_base_name(
    *, stream: Stream, level: Level, language_option: str = "", other_levels: Iterable[Level] = ()
) -> str:
    """The name of the stream's classes without the number (``2BAC PCF``, ``1AP/2AP``)."""
    others = sorted(other_levels, key=lambda item: item.order)
    if others:
        return "/".join(item.code for item in [level, *others])
    abbreviation = stream.abbreviation.strip()
    base = abbreviation if names_its_level(abbreviation, level) else f"{level.code} {abbreviation}"
    letter = OPTION_LETTERS.get(language_option, "")
    if letter == "F" and abbreviation.endswith(_FRENCH_ALREADY):
        letter = ""
    return f"{base}{letter}"


def class_name(base: str, number: int) -> str:
    return f"{base}-{number}"
