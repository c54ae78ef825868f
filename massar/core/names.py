"""Name keys for finding the same child under different spellings.

Arabic names are written with or without hamza on the alef, with ta marbuta or ha, with ya or
alef maqsura, with or without diacritics and with spaces inside compound names (عبد الله /
عبدالله). Latin transliterations vary even more (Mohamed, Mohammed, Muhammad; Youssef, Yusuf;
El Alaoui, Alaoui). Each function returns a key under which such variants collide; comparing keys is
an index lookup, so duplicate detection stays a query, not a scan.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ء": "",
    }
)
_NOT_ARABIC_LETTER = re.compile(r"[^\u0621-\u064a]")

# Digraphs of French and English transliteration, mapped before single letters.
_LATIN_DIGRAPHS = [
    ("ou", "u"),
    ("oo", "u"),
    ("ch", "sh"),
    ("dj", "j"),
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("ph", "f"),
    ("q", "k"),
    ("c", "k"),
    ("z", "s"),
]
_LATIN_ARTICLES = re.compile(r"\b(el|al)[\s-]+")
_NOT_LATIN_LETTER = re.compile(r"[^a-z]")
_VOWELS = re.compile(r"[aeiouy]")
_REPEATS = re.compile(r"(.)\1+")


def arabic_name_key(name: str) -> str:
    """``"إِبْراهيم  عبد الله"`` and ``"ابراهيم عبدالله"`` give the same key."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _ARABIC_DIACRITICS.sub("", text)
    text = text.translate(_ARABIC_LETTERS)
    return _NOT_ARABIC_LETTER.sub("", text)


def latin_name_key(name: str) -> str:
    """A consonant skeleton: ``Mohammed``, ``Muhammad`` and ``Mohamed`` all give ``"mhmd"``.

    Accents and a separate article (El/Al) are dropped, transliteration digraphs folded, a final
    ``h`` dropped, vowels dropped after the first letter and repeated letters collapsed.
    """
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = _LATIN_ARTICLES.sub("", text)
    text = _NOT_LATIN_LETTER.sub("", text)
    for digraph, replacement in _LATIN_DIGRAPHS:
        text = text.replace(digraph, replacement)
    text = text.removesuffix("h")
    if not text:
        return ""
    head, tail = text[0], _VOWELS.sub("", text[1:])
    return _REPEATS.sub(r"\1", head + tail)
