"""The demo slice of the country: real communes, realistic schools and the demo logins.

Two academies (Rabat-Salé-Kénitra, L'Oriental), five directorates. Codes are made up in the
national format; names, communes and places are real.
"""

from __future__ import annotations

from dataclasses import dataclass

from massar.core.choices import Area, CycleCode, Sector

P, PR, C, Q = (
    CycleCode.PRESCHOOL,
    CycleCode.PRIMARY,
    CycleCode.LOWER_SECONDARY,
    CycleCode.UPPER_SECONDARY,
)


@dataclass(frozen=True)
class CommuneRow:
    code: str
    directorate: str
    name_fr: str
    name_ar: str
    area: str


@dataclass(frozen=True)
class SchoolRow:
    code: str
    commune: str
    name_fr: str
    name_ar: str
    cycles: tuple[str, ...]
    sector: str = Sector.PUBLIC
    central: str | None = None
    address: str = ""
    latitude: str | None = None
    longitude: str | None = None


@dataclass(frozen=True)
class LoginRow:
    username: str
    role: str
    first_name: str
    last_name: str
    first_name_ar: str
    last_name_ar: str
    language: str
    academy: str | None = None
    directorate: str | None = None
    establishment: str | None = None


PASSWORD = "massar-demo"

COMMUNES = [
    CommuneRow("DEMO-RBT-AGD", "0401", "Agdal-Riyad", "أكدال الرياض", Area.URBAN),
    CommuneRow("DEMO-RBT-HSN", "0401", "Hassan", "حسان", Area.URBAN),
    CommuneRow("DEMO-RBT-YMN", "0401", "Yacoub El Mansour", "يعقوب المنصور", Area.URBAN),
    CommuneRow("DEMO-SLE-TBR", "0402", "Tabriquet", "تابريكت", Area.URBAN),
    CommuneRow("DEMO-SLE-SHL", "0402", "Shoul", "السهول", Area.RURAL),
    CommuneRow("DEMO-KEN-KEN", "0404", "Kénitra", "القنيطرة", Area.URBAN),
    CommuneRow(
        "DEMO-KEN-SMO", "0404", "Sidi Mohammed Ben Mansour", "سيدي محمد بن منصور", Area.RURAL
    ),
    CommuneRow("DEMO-OUJ-OUJ", "0201", "Oujda", "وجدة", Area.URBAN),
    CommuneRow("DEMO-OUJ-BDR", "0201", "Beni Drar", "بني درار", Area.RURAL),
    CommuneRow("DEMO-OUJ-ISL", "0201", "Isly", "إسلي", Area.RURAL),
    CommuneRow("DEMO-BRK-BRK", "0205", "Berkane", "بركان", Area.URBAN),
    CommuneRow("DEMO-BRK-AGH", "0205", "Aghbal", "أغبال", Area.RURAL),
]

#: The demo lycée (director's school) is 11565V in Rabat.
SCHOOLS = [
    # Rabat
    SchoolRow(
        "11565V",
        "DEMO-RBT-HSN",
        "Lycée Moulay Youssef",
        "ثانوية مولاي يوسف التأهيلية",
        (Q,),
        address="Avenue Moulay Youssef, Hassan, Rabat",
        latitude="34.016900",
        longitude="-6.836200",
    ),
    SchoolRow(
        "11566W",
        "DEMO-RBT-AGD",
        "Collège Ibn Batouta",
        "الثانوية الإعدادية ابن بطوطة",
        (C,),
        address="Rue Oued Baht, Agdal, Rabat",
        latitude="33.998100",
        longitude="-6.851000",
    ),
    SchoolRow(
        "11567X",
        "DEMO-RBT-YMN",
        "École Al Andalous",
        "مدرسة الأندلس الابتدائية",
        (P, PR),
        address="Hay Al Fath, Yacoub El Mansour, Rabat",
    ),
    SchoolRow(
        "11568Y",
        "DEMO-RBT-AGD",
        "Groupe scolaire Les Iris",
        "مجموعة مدارس السوسن الخصوصية",
        (P, PR, C),
        sector=Sector.PRIVATE,
        address="Avenue de France, Agdal, Rabat",
    ),
    SchoolRow(
        "11569Z",
        "DEMO-RBT-HSN",
        "Lycée Hassan II",
        "ثانوية الحسن الثاني التأهيلية",
        (C, Q),
        address="Avenue Hassan II, Rabat",
        latitude="34.020300",
        longitude="-6.841500",
    ),
    SchoolRow(
        "11571A", "DEMO-RBT-YMN", "École Abdelkrim El Khattabi", "مدرسة عبد الكريم الخطابي", (PR,)
    ),
    # Salé
    SchoolRow(
        "12101B",
        "DEMO-SLE-TBR",
        "Collège Abou Bakr Seddik",
        "الثانوية الإعدادية أبو بكر الصديق",
        (C,),
    ),
    SchoolRow(
        "12102C", "DEMO-SLE-TBR", "Lycée Ibn Al Haytham", "ثانوية ابن الهيثم التأهيلية", (Q,)
    ),
    SchoolRow("12103D", "DEMO-SLE-SHL", "Groupe scolaire Shoul", "مجموعة مدارس السهول", (P, PR)),
    SchoolRow(
        "12104E",
        "DEMO-SLE-SHL",
        "Satellite Douar Laghrablia",
        "فرعية دوار الغرابلية",
        (PR,),
        central="12103D",
    ),
    # Kénitra
    SchoolRow(
        "13201F",
        "DEMO-KEN-KEN",
        "Lycée Abdelmalek Essaadi",
        "ثانوية عبد المالك السعدي التأهيلية",
        (Q,),
    ),
    SchoolRow("13202G", "DEMO-KEN-KEN", "Collège Al Massira", "الثانوية الإعدادية المسيرة", (C,)),
    SchoolRow(
        "13203H",
        "DEMO-KEN-SMO",
        "Groupe scolaire Sidi Mohammed Ben Mansour",
        "مجموعة مدارس سيدي محمد بن منصور",
        (PR,),
    ),
    SchoolRow(
        "13204J",
        "DEMO-KEN-SMO",
        "Satellite Douar Ouled Ouchih",
        "فرعية دوار أولاد وشيح",
        (PR,),
        central="13203H",
    ),
    SchoolRow(
        "13205K",
        "DEMO-KEN-KEN",
        "École privée Al Fadila",
        "مدرسة الفضيلة الخصوصية",
        (P, PR),
        sector=Sector.PRIVATE,
    ),
    # Oujda-Angad
    SchoolRow(
        "21301L",
        "DEMO-OUJ-OUJ",
        "Lycée Omar Ibn Abdelaziz",
        "ثانوية عمر بن عبد العزيز التأهيلية",
        (Q,),
        address="Boulevard Mohammed V, Oujda",
        latitude="34.681400",
        longitude="-1.908600",
    ),
    SchoolRow("21302M", "DEMO-OUJ-OUJ", "Collège Al Qods", "الثانوية الإعدادية القدس", (C,)),
    SchoolRow(
        "21303N",
        "DEMO-OUJ-BDR",
        "Groupe scolaire Beni Drar",
        "مجموعة مدارس بني درار",
        (P, PR),
        address="Centre Beni Drar",
        latitude="34.856100",
        longitude="-1.992200",
    ),
    SchoolRow(
        "21304P",
        "DEMO-OUJ-BDR",
        "Satellite Douar Ouled Ali",
        "فرعية دوار أولاد علي",
        (PR,),
        central="21303N",
    ),
    SchoolRow(
        "21305Q",
        "DEMO-OUJ-BDR",
        "Satellite Douar Tazaghine",
        "فرعية دوار تزغين",
        (PR,),
        central="21303N",
    ),
    SchoolRow("21306R", "DEMO-OUJ-ISL", "Collège Isly", "الثانوية الإعدادية إسلي", (C,)),
    SchoolRow(
        "21307S",
        "DEMO-OUJ-OUJ",
        "Institution privée Ennour",
        "مؤسسة النور الخصوصية",
        (P, PR, C, Q),
        sector=Sector.PRIVATE,
    ),
    # Berkane
    SchoolRow("22401T", "DEMO-BRK-BRK", "Lycée Ibn Rochd", "ثانوية ابن رشد التأهيلية", (Q,)),
    SchoolRow("22402U", "DEMO-BRK-AGH", "École Aghbal", "مدرسة أغبال", (PR,)),
]

LOGINS = [
    LoginRow("admin", "national_admin", "Nadia", "Bennani", "نادية", "بناني", "ar"),
    LoginRow(
        "aref", "academy_officer", "Rachid", "El Idrissi", "رشيد", "الإدريسي", "ar", academy="04"
    ),
    LoginRow(
        "dp", "directorate_officer", "Samira", "Tazi", "سميرة", "التازي", "fr", directorate="0401"
    ),
    LoginRow(
        "director",
        "director",
        "Abdellah",
        "Berrada",
        "عبد الله",
        "برادة",
        "ar",
        establishment="11565V",
    ),
    LoginRow(
        "director2",
        "director",
        "Mustapha",
        "Ouazzani",
        "مصطفى",
        "الوزاني",
        "ar",
        establishment="21303N",
    ),
    LoginRow(
        "director3",
        "director",
        "Naima",
        "Kettani",
        "نعيمة",
        "الكتاني",
        "fr",
        establishment="11567X",
    ),
    LoginRow(
        "staff", "staff", "Latifa", "Amrani", "لطيفة", "العمراني", "ar", establishment="11565V"
    ),
    LoginRow(
        "teacher", "teacher", "Youssef", "Chraibi", "يوسف", "الشرايبي", "fr", establishment="11565V"
    ),
    LoginRow(
        "parent", "parent", "Karima", "Alaoui", "كريمة", "العلوي", "fr", establishment="11565V"
    ),
    LoginRow(
        "student", "student", "Imane", "Alaoui", "إيمان", "العلوي", "ar", establishment="11565V"
    ),
]
