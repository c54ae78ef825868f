"""The columns of a pupils spreadsheet: one table of the header names the national system and
schools write, in Arabic and in French, shared by the reader and the exporter.

A header matches when its folded form (case, accents, Arabic letter variants, punctuation and
spacing ignored) is the folded form of one of the names of its column. Exports write the first
name of the user's language, so that an exported file reads back as it is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from massar.core.i18n import pick


@dataclass(frozen=True)
class Column:
    field: str
    ar: str  # header of Arabic exports
    fr: str  # header of French exports
    aliases: tuple[str, ...] = ()
    required: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return (self.ar, self.fr, self.field, *self.aliases)

    @property
    def label(self) -> str:
        """The header in the active language (messages name the column by it)."""
        return pick(ar=self.ar, fr=self.fr)

    def header(self, language: str) -> str:
        return pick(ar=self.ar, fr=self.fr, language=language)


COLUMNS: tuple[Column, ...] = (
    Column(
        "code_massar",
        "رمز التلميذ",
        "Code Massar",
        ("رمز مسار", "الرمز", "رمز", "code", "code eleve", "code de l'eleve", "cne", "massar"),
        required=False,
    ),
    Column(
        "last_name_ar",
        "النسب",
        "Nom (arabe)",
        ("النسب بالعربية", "الاسم العائلي", "nom arabe", "nom ar", "nom en arabe"),
    ),
    Column(
        "first_name_ar",
        "الاسم",
        "Prénom (arabe)",
        ("الاسم بالعربية", "الاسم الشخصي", "prenom arabe", "prenom ar", "prenom en arabe"),
    ),
    Column(
        "last_name_fr",
        "النسب بالفرنسية",
        "Nom",
        ("النسب بالحروف اللاتينية", "nom fr", "nom francais", "nom (français)", "nom latin"),
    ),
    Column(
        "first_name_fr",
        "الاسم بالفرنسية",
        "Prénom",
        ("الاسم بالحروف اللاتينية", "prenom fr", "prenom francais", "prénom (français)"),
    ),
    Column(
        "birth_date",
        "تاريخ الازدياد",
        "Date de naissance",
        ("تاريخ الميلاد", "تاريخ الولادة", "date naissance", "date de naiss", "ddn"),
    ),
    Column("sex", "النوع", "Sexe", ("الجنس", "genre", "sexe (m/f)")),
    Column("level", "المستوى", "Niveau", ("المستوى الدراسي", "niveau scolaire", "code niveau")),
    Column("class_label", "القسم", "Classe", ("الفصل", "class", "groupe")),
    Column(
        "stream",
        "الشعبة",
        "Filière",
        ("المسلك", "code الشعبة", "code filiere", "code de la filiere", "filiere code"),
        required=False,
    ),
)
COLUMNS_BY_FIELD = {column.field: column for column in COLUMNS}

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_ARABIC_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_SEPARATORS = re.compile(r"[\s_\-.:;,*'’()\[\]/#°]+")


def fold_header(text: str) -> str:
    """``"Prénom (arabe) :"`` → ``"prenom arabe"``; ``"الإسم"`` → ``"الاسم"``."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_VARIANTS)
    text = "".join(
        char
        for char in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(char) or "\u0600" <= char <= "\u06ff"
    )
    text = unicodedata.normalize("NFKC", text)
    return _SEPARATORS.sub(" ", text).strip()


HEADER_TO_FIELD: dict[str, str] = {}
for _column in COLUMNS:
    for _name in _column.names:
        _key = fold_header(_name)
        if HEADER_TO_FIELD.setdefault(_key, _column.field) != _column.field:
            raise RuntimeError(f"header alias {_name!r} names two columns")
