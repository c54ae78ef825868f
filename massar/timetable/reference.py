"""How each subject is timetabled, loaded by a data migration (national data, editable).

The room type a subject needs, whether it is demanding (best early in the day) and its longest
block of consecutive periods. Subjects not listed are taught in classrooms, in blocks of up to two
periods, at any time of the day.

Also called after a transactional test flushed the database (see ``massar/conftest.py``).
"""

from __future__ import annotations

# subject code -> (room type, demanding, longest block)
RULES = {
    "MATH": ("classroom", True, 2),
    "PC": ("science_lab", True, 2),
    "SVT": ("science_lab", True, 2),
    "PHILO": ("classroom", True, 2),
    "SI": ("workshop", True, 2),
    "COMPTA": ("classroom", True, 2),
    "INFO": ("computer_room", False, 2),
    "TECH": ("workshop", False, 2),
    "PE": ("sports_ground", False, 2),
}


def load(apps, schema_editor=None) -> None:
    Subject = apps.get_model("curriculum", "Subject")
    SubjectTimetableRule = apps.get_model("timetable", "SubjectTimetableRule")
    subjects = {subject.code: subject for subject in Subject.objects.filter(code__in=RULES)}
    for code, (room_type, is_heavy, max_block) in RULES.items():
        if code in subjects:
            SubjectTimetableRule.objects.get_or_create(
                subject=subjects[code],
                defaults={"room_type": room_type, "is_heavy": is_heavy, "max_block": max_block},
            )
