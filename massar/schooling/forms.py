"""Forms of the schooling pages: rooms and buildings, classes, placing pupils, expected intake.

Choices are built from objects the view already scoped (the establishment's rooms, the levels
and streams it teaches); the views hand the chosen objects to the services.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from massar.core.choices import CycleCode
from massar.curriculum.models import Level, Stream
from massar.territory.models import Establishment

from .models import Building, LanguageOption, Room, RoomType
from .rooms import RoomData
from .services import MAX_CLASSES_AT_ONCE, MAX_INTAKE, ClassData


def _taught_levels(establishment: Establishment) -> list[Level]:
    cycles = list(establishment.cycles.values_list("cycle", flat=True))
    return list(
        Level.objects.filter(cycle__code__in=cycles).select_related("cycle").order_by("order")
    )


class RoomFilterForm(forms.Form):
    room_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All")), *RoomType.choices]
    )

    def room_type_value(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["room_type"]
        return ""


class BuildingForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12, help_text=_("e.g. A, B, ANNEX."))
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. Block A."))


class RoomForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12, help_text=_("e.g. S12, LAB2, TERRAIN."))
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    room_type = forms.ChoiceField(label=_("Type"), choices=RoomType.choices)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=500,
        help_text=_("Places for pupils, from 1 to 500."),
    )
    building = forms.ChoiceField(label=_("Building"), required=False)
    is_accessible = forms.BooleanField(label=_("Step-free access"), required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, buildings: list[Building], **kwargs):
        super().__init__(*args, **kwargs)
        self.buildings = {str(b.public_id): b for b in buildings}
        self.fields["building"].choices = [("", "—")] + [
            (key, f"{b.code} · {b.name}" if b.name else b.code) for key, b in self.buildings.items()
        ]

    @classmethod
    def initial_of(cls, room: Room) -> dict:
        return {
            "code": room.code,
            "name": room.name,
            "room_type": room.room_type,
            "capacity": room.capacity,
            "building": str(room.building.public_id) if room.building else "",
            "is_accessible": room.is_accessible,
            "is_active": room.is_active,
        }

    def room_data(self) -> RoomData:
        data = self.cleaned_data
        return RoomData(
            code=data["code"],
            name=data["name"],
            room_type=data["room_type"],
            capacity=data["capacity"],
            building=self.buildings.get(data["building"] or ""),
            is_accessible=data["is_accessible"],
            is_active=data["is_active"],
        )


def _room_choices(rooms: list[Room]) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(room.public_id), f"{room} ({room.capacity})") for room in rooms]


class _StreamChoice:
    def _set_streams(self, establishment: Establishment) -> None:
        levels = _taught_levels(establishment)
        streams = list(
            Stream.objects.filter(level__in=levels, is_active=True)
            .select_related("level")
            .order_by("level__order", "code")
        )
        self.streams = {stream.code: stream for stream in streams}
        self.fields["stream"].choices = [
            (stream.code, f"{stream.level.code} · {stream.name}") for stream in streams
        ]
        self.levels = levels


class ClassForm(_StreamChoice, forms.Form):
    stream = forms.ChoiceField(label=_("Level and stream"))
    number = forms.IntegerField(
        label=_("Number"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("Leave empty for the next free number."),
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=80, initial=40)
    language_option = forms.ChoiceField(
        label=_("Language option"), choices=LanguageOption.choices, required=False
    )
    home_room = forms.ChoiceField(label=_("Home room"), required=False)
    other_levels = forms.MultipleChoiceField(
        label=_("Other levels (multi-grade class)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Rural primary schools: the other levels taught together in this class."),
    )

    def __init__(self, *args, establishment: Establishment, rooms: list[Room], **kwargs):
        super().__init__(*args, **kwargs)
        self._set_streams(establishment)
        self.rooms = {str(room.public_id): room for room in rooms}
        self.fields["home_room"].choices = _room_choices(rooms)
        primary = [level for level in self.levels if level.cycle.code == CycleCode.PRIMARY]
        self.primary_levels = {level.code: level for level in primary}
        if primary:
            self.fields["other_levels"].choices = [(level.code, level.name) for level in primary]
        else:
            del self.fields["other_levels"]

    def class_data(self) -> ClassData:
        data = self.cleaned_data
        return ClassData(
            stream=self.streams[data["stream"]],
            capacity=data["capacity"],
            number=data.get("number"),
            language_option=data.get("language_option") or "",
            home_room=self.rooms.get(data.get("home_room") or ""),
            other_levels=tuple(self.primary_levels[code] for code in data.get("other_levels", [])),
        )


class ClassBatchForm(_StreamChoice, forms.Form):
    stream = forms.ChoiceField(label=_("Level and stream"))
    count = forms.IntegerField(
        label=_("Number of classes"), min_value=1, max_value=MAX_CLASSES_AT_ONCE, initial=2
    )
    capacity = forms.IntegerField(
        label=_("Capacity of each"), min_value=1, max_value=80, initial=40
    )
    language_option = forms.ChoiceField(
        label=_("Language option"), choices=LanguageOption.choices, required=False
    )

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_streams(establishment)


class ClassEditForm(forms.Form):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=80)
    home_room = forms.ChoiceField(label=_("Home room"), required=False)

    def __init__(self, *args, rooms: list[Room], **kwargs):
        super().__init__(*args, **kwargs)
        self.rooms = {str(room.public_id): room for room in rooms}
        self.fields["home_room"].choices = _room_choices(rooms)

    def home_room_value(self) -> Room | None:
        return self.rooms.get(self.cleaned_data.get("home_room") or "")


class PlacePupilForm(forms.Form):
    code = forms.ChoiceField(label=_("Pupil without a class"))

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            (
                e.student.code_massar,
                f"{e.student.full_name_fr} · {e.student.full_name_ar} · {e.student.code_massar}",
            )
            for e in enrolments
        ]


class MovePupilForm(forms.Form):
    code = forms.CharField(max_length=10, widget=forms.HiddenInput)
    to = forms.ChoiceField(label=_("Move to"))

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.classes = {str(c.public_id): c for c in classes}
        self.fields["to"].choices = [
            (key, f"{c.name} ({c.pupil_count}/{c.capacity})") for key, c in self.classes.items()
        ]


class AutoPlaceForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"))
    include_placed = forms.BooleanField(
        label=_("Also redistribute the pupils who already have a class"), required=False
    )

    def __init__(self, *args, levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {level.code: level for level in levels}
        self.fields["level"].choices = [(level.code, level.name) for level in levels]


class IntakeForm(forms.Form):
    """One figure per level taught: the new pupils expected next year (0–5000)."""

    def __init__(self, *args, levels: list[Level], current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {f"level_{level.code}": level for level in levels}
        for name, level in self.levels.items():
            self.fields[name] = forms.CharField(
                label=level.name,
                required=False,
                initial=current.get(level.pk, 0),
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_INTAKE}),
            )

    def clean(self):
        data = super().clean()
        for name, level in self.levels.items():
            raw = (data.get(name) or "").strip() or "0"
            try:
                value = int(raw)
            except ValueError:
                value = None
            if value is None or not 0 <= value <= MAX_INTAKE:
                self.add_error(
                    name,
                    _("The expected new pupils in %(level)s must be a number from 0 to %(max)s.")
                    % {"level": level.name, "max": MAX_INTAKE},
                )
            else:
                data[name] = value
        return data

    def intakes(self) -> dict[Level, int]:
        return {level: self.cleaned_data[name] for name, level in self.levels.items()}
