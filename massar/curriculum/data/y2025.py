"""Curriculum of the 2025/2026 school year, as loaded by migration 0002.

Structure and the bac coefficients named in the domain reference are firm; weekly hours and the
other coefficients are the usual values and are data ([likely]/[open]): national administrators
correct them in the admin, and every change is kept in the history. Pure data: no model imports.
"""

from __future__ import annotations

YEAR = "2025-2026"

# code, order, name_fr, name_ar
CYCLES = [
    ("preschool", 1, "Préscolaire", "التعليم الأولي"),
    ("primary", 2, "Primaire", "التعليم الابتدائي"),
    ("lower_secondary", 3, "Secondaire collégial", "التعليم الثانوي الإعدادي"),
    ("upper_secondary", 4, "Secondaire qualifiant", "التعليم الثانوي التأهيلي"),
]

# code, cycle, order, name_fr, name_ar
LEVELS = [
    ("PS1", "preschool", 1, "1re année du préscolaire", "السنة الأولى من التعليم الأولي"),
    ("PS2", "preschool", 2, "2e année du préscolaire", "السنة الثانية من التعليم الأولي"),
    ("1AP", "primary", 3, "1re année primaire", "السنة الأولى ابتدائي"),
    ("2AP", "primary", 4, "2e année primaire", "السنة الثانية ابتدائي"),
    ("3AP", "primary", 5, "3e année primaire", "السنة الثالثة ابتدائي"),
    ("4AP", "primary", 6, "4e année primaire", "السنة الرابعة ابتدائي"),
    ("5AP", "primary", 7, "5e année primaire", "السنة الخامسة ابتدائي"),
    ("6AP", "primary", 8, "6e année primaire", "السنة السادسة ابتدائي"),
    ("1AC", "lower_secondary", 9, "1re année du collège", "السنة الأولى إعدادي"),
    ("2AC", "lower_secondary", 10, "2e année du collège", "السنة الثانية إعدادي"),
    ("3AC", "lower_secondary", 11, "3e année du collège", "السنة الثالثة إعدادي"),
    ("TC", "upper_secondary", 12, "Tronc commun", "الجذع المشترك"),
    ("1BAC", "upper_secondary", 13, "1re année du baccalauréat", "السنة الأولى بكالوريا"),
    ("2BAC", "upper_secondary", 14, "2e année du baccalauréat", "السنة الثانية بكالوريا"),
]

# code, name_fr, name_ar, is_conduct
SUBJECTS = [
    ("AR", "Langue arabe", "اللغة العربية", False),
    ("FR", "Langue française", "اللغة الفرنسية", False),
    ("EN", "Langue anglaise", "اللغة الإنجليزية", False),
    ("AMZ", "Langue amazighe", "اللغة الأمازيغية", False),
    ("MATH", "Mathématiques", "الرياضيات", False),
    ("SCI", "Activité scientifique", "النشاط العلمي", False),
    ("PC", "Physique-chimie", "الفيزياء والكيمياء", False),
    ("SVT", "Sciences de la vie et de la Terre", "علوم الحياة والأرض", False),
    ("ISL", "Éducation islamique", "التربية الإسلامية", False),
    ("SOC", "Sciences sociales", "الاجتماعيات", False),
    ("HG", "Histoire-géographie", "التاريخ والجغرافيا", False),
    ("PHILO", "Philosophie", "الفلسفة", False),
    ("INFO", "Informatique", "المعلوميات", False),
    ("TECH", "Technologie", "التكنولوجيا", False),
    ("PE", "Éducation physique et sportive", "التربية البدنية والرياضية", False),
    ("ART", "Éducation artistique", "التربية الفنية", False),
    ("FAM", "Éducation familiale", "التربية الأسرية", False),
    ("EVEIL", "Activités d'éveil", "أنشطة التفتح", False),
    ("ECO", "Économie générale et statistiques", "الاقتصاد العام والإحصاء", False),
    ("COMPTA", "Comptabilité et mathématiques financières", "المحاسبة والرياضيات المالية", False),
    (
        "EOAE",
        "Économie et organisation administrative des entreprises",
        "الاقتصاد والتنظيم الإداري للمقاولات",
        False,
    ),
    ("DROIT", "Droit", "القانون", False),
    ("SI", "Sciences de l'ingénieur", "علوم المهندس", False),
    ("AGRO", "Sciences agronomiques", "العلوم الزراعية", False),
    ("ARTAP", "Arts appliqués", "الفنون التطبيقية", False),
    ("CHARIA", "Sciences de la charia", "العلوم الشرعية", False),
    ("TRAD", "Traduction", "الترجمة", False),
    ("COND", "Assiduité et conduite", "المواظبة والسلوك", True),
]

# A stream: code, level, abbreviation used in class names, name_fr, name_ar, is_general
STREAMS = [
    ("PS1-G", "PS1", "PS1", "Préscolaire 1re année", "السنة الأولى من التعليم الأولي", True),
    ("PS2-G", "PS2", "PS2", "Préscolaire 2e année", "السنة الثانية من التعليم الأولي", True),
    *[
        (f"{n}AP-G", f"{n}AP", f"{n}AP", "Enseignement primaire", "التعليم الابتدائي", True)
        for n in range(1, 7)
    ],
    *[
        (
            f"{n}AC-G",
            f"{n}AC",
            f"{n}APIC",
            "Enseignement collégial général",
            "التعليم الإعدادي العام",
            True,
        )
        for n in range(1, 4)
    ],
    ("TCS", "TC", "TCS", "Tronc commun sciences", "الجذع المشترك العلمي", False),
    (
        "TCLSH",
        "TC",
        "TCLSH",
        "Tronc commun lettres et sciences humaines",
        "الجذع المشترك للآداب والعلوم الإنسانية",
        False,
    ),
    ("TCT", "TC", "TCT", "Tronc commun technologique", "الجذع المشترك التكنولوجي", False),
    (
        "TCO",
        "TC",
        "TCO",
        "Tronc commun enseignement originel",
        "الجذع المشترك للتعليم الأصيل",
        False,
    ),
    ("1BAC-SEX", "1BAC", "SE", "Sciences expérimentales", "العلوم التجريبية", False),
    ("1BAC-SM", "1BAC", "SM", "Sciences mathématiques", "العلوم الرياضية", False),
    ("1BAC-L", "1BAC", "L", "Lettres", "الآداب", False),
    ("1BAC-SH", "1BAC", "SH", "Sciences humaines", "العلوم الإنسانية", False),
    (
        "1BAC-SEG",
        "1BAC",
        "SEG",
        "Sciences économiques et gestion",
        "العلوم الاقتصادية والتدبير",
        False,
    ),
    (
        "1BAC-STE",
        "1BAC",
        "STE",
        "Sciences et technologies électriques",
        "العلوم والتكنولوجيات الكهربائية",
        False,
    ),
    (
        "1BAC-STM",
        "1BAC",
        "STM",
        "Sciences et technologies mécaniques",
        "العلوم والتكنولوجيات الميكانيكية",
        False,
    ),
    ("1BAC-AA", "1BAC", "AA", "Arts appliqués", "الفنون التطبيقية", False),
    ("1BAC-CH", "1BAC", "CH", "Sciences de la charia", "العلوم الشرعية", False),
    ("2BAC-PC", "2BAC", "PC", "Sciences physiques", "العلوم الفيزيائية", False),
    ("2BAC-SVT", "2BAC", "SVT", "Sciences de la vie et de la Terre", "علوم الحياة والأرض", False),
    ("2BAC-SMA", "2BAC", "SMA", "Sciences mathématiques A", "العلوم الرياضية أ", False),
    ("2BAC-SMB", "2BAC", "SMB", "Sciences mathématiques B", "العلوم الرياضية ب", False),
    ("2BAC-SA", "2BAC", "SA", "Sciences agronomiques", "العلوم الزراعية", False),
    ("2BAC-SE", "2BAC", "SE", "Sciences économiques", "العلوم الاقتصادية", False),
    ("2BAC-SGC", "2BAC", "SGC", "Sciences de gestion comptable", "علوم التدبير المحاسباتي", False),
    (
        "2BAC-STE",
        "2BAC",
        "STE",
        "Sciences et technologies électriques",
        "العلوم والتكنولوجيات الكهربائية",
        False,
    ),
    (
        "2BAC-STM",
        "2BAC",
        "STM",
        "Sciences et technologies mécaniques",
        "العلوم والتكنولوجيات الميكانيكية",
        False,
    ),
    ("2BAC-L", "2BAC", "L", "Lettres", "الآداب", False),
    ("2BAC-SH", "2BAC", "SH", "Sciences humaines", "العلوم الإنسانية", False),
    ("2BAC-AA", "2BAC", "AA", "Arts appliqués", "الفنون التطبيقية", False),
    ("2BAC-CH", "2BAC", "CH", "Sciences de la charia", "العلوم الشرعية", False),
    ("2BAC-LA", "2BAC", "LA", "Langue arabe", "اللغة العربية", False),
]

# Allocations: stream code -> [(subject, weekly hours, coefficient)]
_PRESCHOOL = [
    ("EVEIL", 12, 1),
    ("AR", 8, 1),
    ("FR", 3, 1),
    ("MATH", 3, 1),
    ("ART", 2, 1),
    ("PE", 2, 1),
]
_PRIMARY_LOW = [  # 1AP-2AP
    ("AR", 9, 3),
    ("FR", 6, 2),
    ("AMZ", 3, 1),
    ("MATH", 5, 3),
    ("SCI", 2, 1),
    ("ISL", 2, 1),
    ("ART", 1.5, 1),
    ("PE", 1.5, 1),
]
_PRIMARY_MID = [  # 3AP-4AP
    ("AR", 8, 3),
    ("FR", 6, 2),
    ("AMZ", 3, 1),
    ("MATH", 5, 3),
    ("SCI", 2, 1),
    ("ISL", 2, 1),
    ("SOC", 1.5, 1),
    ("ART", 1, 1),
    ("PE", 1.5, 1),
]
_PRIMARY_HIGH = [  # 5AP-6AP
    ("AR", 7, 3),
    ("FR", 6, 2),
    ("EN", 2, 1),
    ("AMZ", 2, 1),
    ("MATH", 5, 3),
    ("SCI", 2, 1),
    ("ISL", 2, 1),
    ("SOC", 2, 1),
    ("ART", 1, 1),
    ("PE", 1, 1),
]
_COLLEGE = [
    ("AR", 5, 3),
    ("FR", 5, 3),
    ("EN", 2, 1),
    ("MATH", 5, 3),
    ("PC", 2, 1),
    ("SVT", 2, 1),
    ("ISL", 2, 2),
    ("HG", 3, 2),
    ("INFO", 1, 1),
    ("TECH", 1, 1),
    ("PE", 3, 1),
    ("ART", 1, 1),
    ("FAM", 1, 1),
    ("COND", 0, 1),
]
_TC_COMMON = [
    ("AR", 2, 2),
    ("FR", 4, 4),
    ("EN", 2, 2),
    ("ISL", 2, 2),
    ("PHILO", 2, 2),
    ("PE", 2, 1),
]
_BAC1_SCIENCE_COMMON = [
    ("AR", 2, 2),
    ("FR", 4, 4),
    ("EN", 2, 2),
    ("ISL", 1, 2),
    ("HG", 2, 2),
    ("PHILO", 2, 2),
    ("PE", 2, 1),
]
_BAC2_SCIENCE_COMMON = [("EN", 2, 2), ("PHILO", 2, 2), ("PE", 2, 1)]
_LETTERS_COMMON = [
    ("AR", 5, 4),
    ("FR", 4, 3),
    ("EN", 3, 2),
    ("ISL", 2, 2),
    ("PHILO", 3, 3),
    ("PE", 2, 1),
]

ALLOCATIONS: dict[str, list[tuple[str, float, float]]] = {
    "PS1-G": _PRESCHOOL,
    "PS2-G": _PRESCHOOL,
    "1AP-G": _PRIMARY_LOW,
    "2AP-G": _PRIMARY_LOW,
    "3AP-G": _PRIMARY_MID,
    "4AP-G": _PRIMARY_MID,
    "5AP-G": _PRIMARY_HIGH,
    "6AP-G": _PRIMARY_HIGH,
    "1AC-G": _COLLEGE,
    "2AC-G": _COLLEGE,
    "3AC-G": _COLLEGE,
    "TCS": [*_TC_COMMON, ("HG", 2, 2), ("MATH", 5, 4), ("PC", 4, 4), ("SVT", 3, 4), ("INFO", 2, 1)],
    "TCLSH": [*_LETTERS_COMMON, ("HG", 4, 3), ("MATH", 2, 1), ("SVT", 1, 1), ("INFO", 1, 1)],
    "TCT": [*_TC_COMMON, ("MATH", 5, 4), ("PC", 4, 4), ("SI", 6, 4), ("INFO", 2, 1)],
    "TCO": [*_LETTERS_COMMON, ("CHARIA", 8, 4), ("HG", 2, 2), ("MATH", 2, 1)],
    "1BAC-SEX": [*_BAC1_SCIENCE_COMMON, ("MATH", 4, 4), ("PC", 4, 4), ("SVT", 4, 4)],
    "1BAC-SM": [*_BAC1_SCIENCE_COMMON, ("MATH", 6, 7), ("PC", 5, 5), ("SVT", 2, 2)],
    "1BAC-L": [*_LETTERS_COMMON, ("HG", 3, 3), ("MATH", 1, 1), ("TRAD", 2, 1)],
    "1BAC-SH": [*_LETTERS_COMMON, ("HG", 5, 4), ("MATH", 1, 1)],
    "1BAC-SEG": [
        ("AR", 2, 2),
        ("FR", 4, 4),
        ("EN", 2, 2),
        ("ISL", 1, 2),
        ("HG", 2, 2),
        ("PHILO", 2, 2),
        ("PE", 2, 1),
        ("MATH", 4, 4),
        ("ECO", 4, 4),
        ("COMPTA", 4, 4),
        ("EOAE", 3, 3),
        ("DROIT", 1, 1),
    ],
    "1BAC-STE": [*_BAC1_SCIENCE_COMMON, ("MATH", 5, 5), ("PC", 4, 4), ("SI", 8, 6)],
    "1BAC-STM": [*_BAC1_SCIENCE_COMMON, ("MATH", 5, 5), ("PC", 4, 4), ("SI", 8, 6)],
    "1BAC-AA": [*_BAC1_SCIENCE_COMMON, ("MATH", 3, 3), ("PC", 2, 2), ("ARTAP", 10, 6)],
    "1BAC-CH": [*_LETTERS_COMMON, ("CHARIA", 9, 5), ("HG", 2, 2)],
    # 2BAC: national-exam coefficients from the domain reference where it gives them.
    "2BAC-PC": [*_BAC2_SCIENCE_COMMON, ("MATH", 7, 7), ("PC", 8, 7), ("SVT", 3, 5)],
    "2BAC-SVT": [*_BAC2_SCIENCE_COMMON, ("MATH", 7, 7), ("PC", 5, 5), ("SVT", 6, 7)],
    "2BAC-SMA": [*_BAC2_SCIENCE_COMMON, ("MATH", 10, 9), ("PC", 7, 7), ("SVT", 2, 3)],
    "2BAC-SMB": [*_BAC2_SCIENCE_COMMON, ("MATH", 10, 9), ("PC", 7, 7), ("SI", 4, 3)],
    "2BAC-SA": [*_BAC2_SCIENCE_COMMON, ("MATH", 5, 5), ("PC", 5, 5), ("SVT", 4, 5), ("AGRO", 5, 5)],
    "2BAC-SE": [
        ("EN", 3, 2),
        ("PHILO", 2, 2),
        ("PE", 2, 1),
        ("MATH", 4, 4),
        ("ECO", 6, 6),
        ("COMPTA", 4, 4),
        ("EOAE", 4, 6),
        ("DROIT", 2, 2),
    ],
    "2BAC-SGC": [
        ("EN", 3, 2),
        ("PHILO", 2, 2),
        ("PE", 2, 1),
        ("MATH", 4, 4),
        ("ECO", 4, 4),
        ("COMPTA", 6, 6),
        ("EOAE", 4, 6),
        ("INFO", 2, 2),
        ("DROIT", 2, 2),
    ],
    "2BAC-STE": [*_BAC2_SCIENCE_COMMON, ("MATH", 6, 7), ("PC", 5, 5), ("SI", 10, 8)],
    "2BAC-STM": [*_BAC2_SCIENCE_COMMON, ("MATH", 6, 7), ("PC", 5, 5), ("SI", 10, 8)],
    "2BAC-L": [
        ("AR", 5, 4),
        ("FR", 4, 4),
        ("EN", 4, 4),
        ("PHILO", 4, 3),
        ("HG", 3, 3),
        ("PE", 2, 1),
    ],
    "2BAC-SH": [
        ("AR", 4, 3),
        ("FR", 4, 4),
        ("EN", 3, 3),
        ("PHILO", 4, 3),
        ("HG", 5, 5),
        ("PE", 2, 1),
    ],
    "2BAC-AA": [*_BAC2_SCIENCE_COMMON, ("MATH", 3, 3), ("PC", 2, 2), ("ARTAP", 12, 8)],
    "2BAC-CH": [
        ("AR", 4, 4),
        ("FR", 3, 3),
        ("EN", 2, 2),
        ("PHILO", 2, 2),
        ("CHARIA", 10, 6),
        ("PE", 2, 1),
    ],
    "2BAC-LA": [
        ("AR", 8, 6),
        ("FR", 3, 3),
        ("EN", 3, 3),
        ("PHILO", 3, 3),
        ("HG", 3, 3),
        ("PE", 2, 1),
    ],
}

# Assessment rules per level: (scale, pass threshold, tests per semester).
# Primary marks out of 10 with pass at 5 is [open] in the domain reference; preschool follows
# primary for want of a national rule.
RULES = {
    **dict.fromkeys(("PS1", "PS2"), (10, 5, 2)),
    **{f"{n}AP": (10, 5, 2) for n in range(1, 7)},
    **dict.fromkeys(("1AC", "2AC", "3AC", "TC", "1BAC", "2BAC"), (20, 10, 2)),
}

# code, min_average, name_fr, name_ar
MENTIONS = [
    ("passable", 10, "Passable", "مقبول"),
    ("assez_bien", 12, "Assez bien", "مستحسن"),
    ("bien", 14, "Bien", "حسن"),
    ("tres_bien", 16, "Très bien", "حسن جدا"),
]
