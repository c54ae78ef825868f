"""The history tab of a staff file: changes of the file and of every assignment the member ever
held, newest first, with who made them."""

from __future__ import annotations

from dataclasses import dataclass

from .models import StaffMember, TeachingAssignment


@dataclass(frozen=True)
class Change:
    """One change of a file or of one of its assignments, for the history tab."""

    at: object
    user: object
    part: str
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, str, str]]  # (field label, old, new)


def _value_text(field, value, names: dict) -> str:
    if value is None or value == "":
        return ""
    if field.is_relation:
        return names.get((field.related_model, value), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("yes") if value else gettext("no")
    return str(value)


def _versions(records) -> list[tuple[object, object | None]]:
    """(record, previous record of the same object), oldest first per object."""
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    pairs = []
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in versions:
            pairs.append((record, previous))
            previous = record
    return pairs


def _changes(pairs, *, part_of) -> list[Change]:
    deltas = []
    related: dict[object, set] = {}
    for record, previous in pairs:
        delta = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                field = record.instance_type._meta.get_field(change.field)
                delta.append((field, change.old, change.new))
                if field.is_relation:
                    related.setdefault(field.related_model, set()).update(
                        value for value in (change.old, change.new) if value is not None
                    )
        deltas.append((record, delta))
    names = {
        (model, obj.pk): str(obj)
        for model, keys in related.items()
        for obj in model._default_manager.filter(pk__in=keys)
    }
    return [
        Change(
            at=record.history_date,
            user=record.history_user,
            part=part_of(record),
            kind=record.history_type,
            changes=[
                (
                    str(field.verbose_name),
                    _value_text(field, old, names),
                    _value_text(field, new, names),
                )
                for field, old, new in delta
            ],
        )
        for record, delta in deltas
    ]


def staff_history(staff: StaffMember, *, limit: int = 100) -> list[Change]:
    """Changes of the file and of every assignment the member ever held, newest first."""
    from django.utils.translation import gettext

    file_records = StaffMember.history.filter(id=staff.pk).select_related("history_user")
    ever_held = TeachingAssignment.history.filter(teacher_id=staff.pk).values("id")
    assignment_records = (
        TeachingAssignment.history.filter(id__in=ever_held)
        .select_related("history_user", "school_class", "subject")
        .order_by("history_date")
    )
    changes = [
        *_changes(_versions(file_records), part_of=lambda r: gettext("Staff file")),
        *_changes(
            _versions(assignment_records),
            part_of=lambda r: (
                gettext("Assignment: %(class)s, %(subject)s")
                % {"class": r.school_class.name, "subject": r.subject.name}
            ),
        ),
    ]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]
