"""Forms of the timetable pages: the weekly grid (days, periods, free half-days, a class's daily
maximum) and a session placed by hand. They parse and word errors; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HalfDay, Weekday
from .services import MAX_LENGTH, MAX_PERIODS, SessionPlace
from .weekgrid import GridShape, PeriodSpec

PERIOD_ROWS = MAX_PERIODS


def _half_day_choices():
    return [
        (f"{day}{half}", _("%(day)s, %(half)s") % {"day": day_label, "half": half_label})
        for day, day_label in Weekday.choices
        for half, half_label in HalfDay.choices
    ]


class GridForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Teaching days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one teaching day.")},
    )
    class_max_periods_per_day = forms.IntegerField(
        label=_("Maximum periods a day for a class"),
        min_value=1,
        max_value=MAX_PERIODS,
        error_messages={
            "min_value": _("A class has 1 to 12 periods a day at most."),
            "max_value": _("A class has 1 to 12 periods a day at most."),
            "required": _("A class has 1 to 12 periods a day at most."),
            "invalid": _("A class has 1 to 12 periods a day at most."),
        },
    )
    free_half_days = forms.MultipleChoiceField(
        label=_("Free half-days"),
        choices=_half_day_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Half-days without lessons for the whole school, e.g. Saturday afternoon."),
    )


class PeriodForm(forms.Form):
    starts_at = forms.TimeField(
        label=_("Starts at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    ends_at = forms.TimeField(
        label=_("Ends at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    half = forms.ChoiceField(label=_("Half-day"), choices=HalfDay.choices)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if (starts is None) != (ends is None) and not self.errors:
            raise forms.ValidationError(_("Give both the start and the end of the period."))
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("starts_at") is None and data.get("ends_at") is None


PeriodFormSet = forms.formset_factory(
    PeriodForm, extra=0, max_num=PERIOD_ROWS, absolute_max=PERIOD_ROWS
)


def grid_forms(data=None, *, shape: GridShape | None):
    """The grid form and its period rows (the saved periods, then blank rows up to twelve)."""
    initial_grid = None
    initial_periods = []
    if shape is not None:
        initial_grid = {
            "weekdays": list(shape.days),
            "class_max_periods_per_day": shape.class_max_periods_per_day,
            "free_half_days": [f"{day}{half}" for day, half in sorted(shape.free_half_days)],
        }
        initial_periods = [
            {"starts_at": p.starts_at, "ends_at": p.ends_at, "half": p.half} for p in shape.periods
        ]
    else:
        initial_grid = {"class_max_periods_per_day": 6}
    initial_periods += [
        {"half": HalfDay.AFTERNOON if index >= PERIOD_ROWS // 3 else HalfDay.MORNING}
        for index in range(len(initial_periods), PERIOD_ROWS)
    ]
    grid = GridForm(data, initial=initial_grid, prefix="grid")
    # Bound rows are not compared with the saved ones: a row equal to its initial value would
    # count as "unchanged" and be skipped like an empty one.
    periods = PeriodFormSet(
        data, initial=initial_periods if data is None else None, prefix="periods"
    )
    return grid, periods


def shape_from(grid: GridForm, periods) -> GridShape:
    """The shape the two (valid) forms describe; blank period rows are left out."""
    rows = [form for form in periods.forms if not form.is_blank]
    free = set()
    for value in grid.cleaned_data["free_half_days"]:
        free.add((int(value[0]), value[1:]))
    return GridShape(
        days=tuple(sorted(grid.cleaned_data["weekdays"])),
        periods=tuple(
            PeriodSpec(
                index + 1,
                form.cleaned_data["starts_at"],
                form.cleaned_data["ends_at"],
                form.cleaned_data["half"],
            )
            for index, form in enumerate(rows)
        ),
        free_half_days=frozenset(free),
        class_max_periods_per_day=grid.cleaned_data["class_max_periods_per_day"],
    )


class SessionForm(forms.Form):
    """A session of a class: which assignment, where and when. Choices are the class's
    assignments and its school's rooms (by public id)."""

    assignment = forms.ChoiceField(
        label=_("Subject and teacher"),
        error_messages={
            "invalid_choice": _("This teaching assignment is not one of the class's."),
            "required": _("Choose the subject and teacher."),
        },
    )
    room = forms.ChoiceField(
        label=_("Room"),
        required=False,
        error_messages={"invalid_choice": _("This room is not one of the establishment's rooms.")},
    )
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=Weekday.choices,
        coerce=int,
        error_messages={
            "invalid_choice": _("The day must be a number from 1 (Monday) to 7."),
            "required": _("The day must be a number from 1 (Monday) to 7."),
        },
    )
    period = forms.TypedChoiceField(
        label=_("First period"),
        choices=[(n, str(n)) for n in range(1, MAX_PERIODS + 1)],
        coerce=int,
        error_messages={
            "invalid_choice": _("The period must be a number from 1 to 12."),
            "required": _("The period must be a number from 1 to 12."),
        },
    )
    length = forms.TypedChoiceField(
        label=_("Periods"),
        choices=[(n, str(n)) for n in range(1, MAX_LENGTH + 1)],
        coerce=int,
        initial=1,
        error_messages={
            "invalid_choice": _("A session lasts 1 to 4 periods."),
            "required": _("A session lasts 1 to 4 periods."),
        },
    )
    is_locked = forms.BooleanField(
        label=_("Locked"),
        required=False,
        help_text=_("The generator keeps a locked session in place."),
    )

    def __init__(self, *args, assignments, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignments = {str(a.public_id): a for a in assignments}
        self.rooms = {str(r.public_id): r for r in rooms}
        self.fields["assignment"].choices = [("", "—")] + [
            (
                key,
                _("%(subject)s · %(teacher)s (%(placed)s of %(allowed)s periods)")
                % {
                    "subject": a.subject.name,
                    "teacher": a.teacher.display_name,
                    "placed": getattr(a, "placed", 0),
                    "allowed": getattr(a, "allowed", 0),
                },
            )
            for key, a in self.assignments.items()
        ]
        self.fields["room"].choices = [("", _("No room"))] + [
            (
                key,
                _("%(code)s · %(type)s · %(capacity)s places")
                % {"code": r.code, "type": r.get_room_type_display(), "capacity": r.capacity},
            )
            for key, r in self.rooms.items()
        ]

    def chosen_assignment(self):
        return self.assignments[self.cleaned_data["assignment"]]

    def place(self) -> SessionPlace:
        data = self.cleaned_data
        return SessionPlace(
            weekday=data["weekday"],
            period=data["period"],
            length=data["length"],
            room=self.rooms.get(data["room"]) if data["room"] else None,
            is_locked=data["is_locked"],
        )
