"""One identity per child: finding existing files that are likely the same child.

A file is a likely duplicate of another when they share the birth date and either the folded
Arabic full name, the Latin transliteration skeleton of the full name, or — with a guardian's CIN
in common — the first name. The keys (``massar.core.names``) are stored on each file and indexed
with the birth date, so the search is a few index lookups among millions of files.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from massar.core.names import arabic_name_key, latin_name_key

from .models import Student


def latin_full_key(first_name: str, last_name: str) -> str:
    return " ".join(
        key for key in (latin_name_key(part) for part in f"{first_name} {last_name}".split()) if key
    )


def arabic_full_key(first_name: str, last_name: str) -> str:
    return arabic_name_key(f"{first_name}{last_name}")


@dataclass(frozen=True)
class Identity:
    """What is compared: names in both scripts, birth date and place, guardians' CINs."""

    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    birth_date: date
    birth_place: str = ""
    guardian_cins: tuple[str, ...] = ()

    @property
    def key_ar(self) -> str:
        return arabic_full_key(self.first_name_ar, self.last_name_ar)

    @property
    def key_latin(self) -> str:
        return latin_full_key(self.first_name_fr, self.last_name_fr)


def search_text(text: str) -> str:
    """Text folded for search: Arabic letter variants unified, Latin accents dropped, lower case."""
    words = []
    for word in (text or "").split():
        folded = arabic_name_key(word)
        if not folded:
            folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()
        if folded:
            words.append(folded)
    return " ".join(words)


def set_name_keys(student) -> None:
    """Keys for duplicate detection and the folded search text of a file (or a similar row)."""
    student.name_key_ar = arabic_full_key(student.first_name_ar, student.last_name_ar)
    student.name_key_latin = latin_full_key(student.first_name_fr, student.last_name_fr)
    student.search_name = search_text(
        f"{student.first_name_ar} {student.last_name_ar} "
        f"{student.first_name_fr} {student.last_name_fr}"
    )[:420]


def likely_duplicates(identity: Identity, *, exclude_id: int | None = None) -> QuerySet[Student]:
    """Existing (not merged) files that are likely the same child, nationally."""
    condition = Q(pk__in=[])
    if identity.key_ar:
        condition |= Q(name_key_ar=identity.key_ar)
    if identity.key_latin:
        condition |= Q(name_key_latin=identity.key_latin)
    cins = [cin.strip().upper() for cin in identity.guardian_cins if cin and cin.strip()]
    if cins:
        first_ar = arabic_name_key(identity.first_name_ar)
        first_latin = latin_name_key(identity.first_name_fr)
        same_first = Q(pk__in=[])
        if first_ar:
            same_first |= Q(name_key_ar__startswith=first_ar)
        if first_latin:
            same_first |= Q(name_key_latin__startswith=first_latin)
        condition |= Q(guardians__cin__in=cins) & same_first
    queryset = (
        Student.objects.filter(birth_date=identity.birth_date, merged_into__isnull=True)
        .filter(condition)
        .select_related("establishment")
        .distinct()
        .order_by("code_massar")
    )
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset
