"""The room type each subject is taught in, loaded by a data migration (national data).

Subjects not listed are taught in ordinary classrooms. A national administrator edits the list.

Also called after a transactional test flushed the database (see ``massar/conftest.py``).
"""

from __future__ import annotations

ROOM_TYPES = {
    "PC": "science_lab",
    "SVT": "science_lab",
    "INFO": "computer_room",
    "TECH": "workshop",
    "SI": "workshop",
    "PE": "sports_ground",
}


def load(apps, schema_editor=None) -> None:
    Subject = apps.get_model("curriculum", "Subject")
    SubjectRoomRule = apps.get_model("timetable", "SubjectRoomRule")
    subjects = {subject.code: subject for subject in Subject.objects.filter(code__in=ROOM_TYPES)}
    for code, room_type in ROOM_TYPES.items():
        if code in subjects:
            SubjectRoomRule.objects.get_or_create(
                subject=subjects[code], defaults={"room_type": room_type}
            )
