"""A run's outcome in words: each stored reason (``{"code", "params"}``) as a sentence in the
reader's language, naming the teachers, classes, subjects and rooms it is about.

Reasons are stored as codes and ids (the generator's ``Conflict``s, and the run's own failures),
never as sentences, so that each reader gets them in their language and with today's names. The
names are looked up in a few queries for all the reasons together.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from massar.curriculum.models import Subject
from massar.schooling.models import Room, RoomType, SchoolClass
from massar.staff.models import StaffMember, TeachingAssignment

from .models import Weekday


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


def _key_assignment(key) -> int | None:
    try:
        return int(str(key).split(":", 1)[0])
    except (TypeError, ValueError):
        return None


def _lesson_keys(params: dict) -> list[str]:
    keys = []
    for name in ("lesson_key", "lesson", "key"):
        if params.get(name):
            keys.append(str(params[name]))
    for name in ("lesson_keys", "lessons", "keys"):
        keys.extend(str(key) for key in params.get(name) or ())
    return keys


class _Names:
    """Names of the rows the reasons mention, fetched together (one query per kind named)."""

    def __init__(self, entries: list[dict]):
        teachers, classes, subjects, rooms, assignments = set(), set(), set(), set(), set()
        for entry in entries:
            params = entry.get("params") or {}
            for name, bucket in (
                ("teacher_id", teachers),
                ("class_id", classes),
                ("subject_id", subjects),
                ("room_id", rooms),
            ):
                if isinstance(params.get(name), int):
                    bucket.add(params[name])
            for group in params.get("groups") or ():
                if isinstance(group, dict):
                    for name, bucket in (("teacher_id", teachers), ("class_id", classes)):
                        if isinstance(group.get(name), int):
                            bucket.add(group[name])
                    assignments.update(
                        filter(None, (_key_assignment(k) for k in _lesson_keys(group)))
                    )
            assignments.update(filter(None, (_key_assignment(k) for k in _lesson_keys(params))))
        self.assignments = (
            TeachingAssignment.objects.select_related("school_class", "subject", "teacher").in_bulk(
                assignments
            )
            if assignments
            else {}
        )
        for assignment in self.assignments.values():
            teachers.discard(assignment.teacher_id)
            classes.discard(assignment.school_class_id)
            subjects.discard(assignment.subject_id)
        self.teachers = StaffMember.objects.in_bulk(teachers) if teachers else {}
        self.classes = SchoolClass.objects.in_bulk(classes) if classes else {}
        self.subjects = Subject.objects.in_bulk(subjects) if subjects else {}
        self.rooms = Room.objects.in_bulk(rooms) if rooms else {}
        for assignment in self.assignments.values():
            self.teachers.setdefault(assignment.teacher_id, assignment.teacher)
            self.classes.setdefault(assignment.school_class_id, assignment.school_class)
            self.subjects.setdefault(assignment.subject_id, assignment.subject)

    def teacher(self, pk) -> str:
        found = self.teachers.get(pk)
        return found.display_name if found else _("a teacher no longer on file")

    def school_class(self, pk) -> str:
        found = self.classes.get(pk)
        return found.name if found else _("a class no longer on file")

    def subject(self, pk) -> str:
        found = self.subjects.get(pk)
        return found.name if found else _("a subject no longer taught")

    def room(self, pk) -> str:
        found = self.rooms.get(pk)
        return found.code if found else _("a room no longer on file")

    def lesson(self, key) -> str:
        assignment = self.assignments.get(_key_assignment(key))
        if assignment is None:
            return _("a lesson no longer on file")
        return _("%(subject)s with %(class)s (%(teacher)s)") % {
            "subject": assignment.subject.name,
            "class": assignment.school_class.name,
            "teacher": assignment.teacher.display_name,
        }

    def lessons(self, keys) -> str:
        return "; ".join(self.lesson(key) for key in keys)


def _room_type(value) -> str:
    """A room type's label; a pool of several types (``"a+b"``) as their labels joined."""
    labels = []
    for part in str(value or "").split("+"):
        try:
            labels.append(str(RoomType(part).label))
        except ValueError:
            labels.append(part)
    return " / ".join(label for label in labels if label) or _("any type")


def _day(value) -> str:
    try:
        return str(Weekday(value).label)
    except ValueError:
        return str(value)


def _group(group: dict, names: _Names) -> str:
    """A group of constraints of the solver's core, as a noun phrase."""
    kind = group.get("kind", "")
    if kind == "teacher_unavailable":
        return _("the periods when %(teacher)s is unavailable") % {
            "teacher": names.teacher(group.get("teacher_id"))
        }
    if kind == "teacher_busy_elsewhere":
        return _("the periods when %(teacher)s teaches in another school") % {
            "teacher": names.teacher(group.get("teacher_id"))
        }
    if kind == "class_daily_max":
        return _("at most %(max)s periods a day for %(class)s") % {
            "max": group.get("max_periods", "?"),
            "class": names.school_class(group.get("class_id")),
        }
    if kind == "class_hours":
        return _("all the weekly hours of %(class)s") % {
            "class": names.school_class(group.get("class_id"))
        }
    if kind == "locked":
        return _("the session of %(lesson)s locked on %(day)s, period %(period)s") % {
            "lesson": names.lessons(_lesson_keys(group)),
            "day": _day(group.get("weekday")),
            "period": group.get("period", "?"),
        }
    if kind == "rooms":
        if not group.get("room_type"):
            return _("the rooms the lessons need")
        return _("the rooms of type %(type)s") % {"type": _room_type(group.get("room_type"))}
    return _("another rule of the timetable (%(kind)s)") % {"kind": kind or "?"}


def _sentence(code: str, params: dict, names: _Names) -> str:
    if code == "teacher_overloaded":
        return _(
            "%(teacher)s has %(needed)s periods to teach a week, but only %(available)s periods "
            "of the grid are free for them (unavailability, other schools, free half-days)."
        ) % {
            "teacher": names.teacher(params.get("teacher_id")),
            "needed": params.get("needed", "?"),
            "available": params.get("available", "?"),
        }
    if code == "class_overloaded":
        return _(
            "The class %(class)s has %(needed)s periods to be taught a week, but the grid offers "
            "it only %(available)s (teaching days, free half-days, daily maximum)."
        ) % {
            "class": names.school_class(params.get("class_id")),
            "needed": params.get("needed", "?"),
            "available": params.get("available", "?"),
        }
    if code == "no_room":
        keys = _lesson_keys(params)
        lesson = (
            names.lesson(keys[0])
            if keys
            else _("%(subject)s with %(class)s")
            % {
                "subject": names.subject(params.get("subject_id")),
                "class": names.school_class(params.get("class_id")),
            }
        )
        if params.get("room_type"):
            return _(
                "No room can take %(lesson)s: the school has no room in use of type %(type)s "
                "that seats %(pupils)s pupils."
            ) % {
                "lesson": lesson,
                "type": _room_type(params["room_type"]),
                "pupils": params.get("pupils", "?"),
            }
        return _("No room of the right type and size can take %(lesson)s.") % {"lesson": lesson}
    if code == "rooms_short":
        return _(
            "Lessons needing a room of type %(type)s take %(needed)s periods a week, but the "
            "school's rooms of that type offer only %(available)s."
        ) % {
            "type": _room_type(params.get("room_type")),
            "needed": params.get("needed", "?"),
            "available": params.get("available", "?"),
        }
    if code == "locked_clash":
        return _("Locked sessions take the same class, teacher or room at once: %(lessons)s.") % {
            "lessons": names.lessons(_lesson_keys(params))
        }
    if code == "lesson_does_not_fit":
        keys = _lesson_keys(params)
        return _(
            "The lesson of %(length)s periods of %(lesson)s fits nowhere in the grid "
            "(longer than a half-day, or only in free half-days)."
        ) % {
            "length": params.get("length", "?"),
            "lesson": names.lesson(keys[0]) if keys else "?",
        }
    if code == "constraints_together":
        groups = [g for g in params.get("groups") or () if isinstance(g, dict)]
        if not groups:
            return _(
                "The rules of the timetable cannot all hold together, though no single teacher, "
                "class or room is overloaded: loosen some availabilities or locked sessions."
            )
        return _("These rules cannot all hold together: %(rules)s.") % {
            "rules": "; ".join(_group(group, names) for group in groups)
        }
    message = RUN_MESSAGES.get(code)
    if message is not None:
        return str(message) % {"seconds": params.get("seconds", "?")}
    return _("The generator gave a reason this version cannot word (%(code)s).") % {"code": code}


#: The run's own outcomes, which are not the generator's conflicts.
RUN_MESSAGES = {
    "no_grid": gettext_lazy(
        "This school has no weekly grid with periods for the year: set its days and periods first."
    ),
    "no_assignments": gettext_lazy(
        "No teaching assignment is recorded for this school and year: give each class its "
        "teachers first."
    ),
    "time_out": gettext_lazy(
        "No timetable was found in the %(seconds)s seconds given. Nothing was changed: try again "
        "with more time, or loosen some constraints."
    ),
    "timetable_changed": gettext_lazy(
        "The timetable was changed by hand while the generator ran: nothing was written. Run it "
        "again."
    ),
    "abandoned": gettext_lazy(
        "The run stopped without an answer (the background worker was interrupted). Nothing was "
        "changed: run it again."
    ),
    "error": gettext_lazy(
        "The generator failed unexpectedly. Nothing was changed; the error has been logged."
    ),
}


def describe(entries) -> list[Reason]:
    """The stored reasons of a run, worded in the active language."""
    entries = [entry for entry in entries or () if isinstance(entry, dict) and entry.get("code")]
    if not entries:
        return []
    names = _Names(entries)
    return [
        Reason(entry["code"], _sentence(entry["code"], entry.get("params") or {}, names))
        for entry in entries
    ]
