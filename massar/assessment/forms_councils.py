"""Forms of the council and orientation pages. They parse and word input errors; the services
decide (a decision without its reason, a full stream, a closed window are refused there)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from massar.curriculum.models import Stream
from massar.students.models import YearDecision
from massar.territory.models import SchoolYear

from .models import CouncilAppreciation, Period
from .services_councils import MAX_REASON, MAX_REMARK
from .services_orientation import MAX_PLACES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CouncilHeadingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Held on"),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Give the date of the council."),
            "invalid": _("Give the date of the council."),
        },
    )
    members = forms.CharField(
        label=_("Members present"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One name and role per line."),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CouncilOpenForm(CouncilHeadingForm):
    school_class = forms.ChoiceField(label=_("Class"))
    period = forms.TypedChoiceField(label=_("Period"), choices=Period.choices, coerce=int)

    field_order = ["school_class", "period", "held_on", "members", "minutes"]

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].choices = [(str(c.public_id), c.name) for c in classes]


class DecisionRowForm(forms.Form):
    """One pupil's row; the next stream is named by its code (checked by the service)."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("", "—"), *YearDecision.choices], required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON, required=False)
    appreciation = forms.ChoiceField(
        label=_("Mention"), choices=CouncilAppreciation.choices, required=False
    )
    remark = forms.CharField(label=_("Remark"), max_length=MAX_REMARK, required=False)
    next_stream = forms.CharField(label=_("Stream next year"), max_length=16, required=False)

    def chosen_stream(self) -> Stream | None:
        code = (self.cleaned_data.get("next_stream") or "").strip().upper()
        if not code:
            return None
        found = Stream.objects.select_related("level").filter(code=code).first()
        if found is None:
            raise forms.ValidationError(_("Choose a stream from the list."))
        return found


class WishesForm(forms.Form):
    """Ordered choices: ``wish_1`` … ``wish_<max>``, each a stream code of the next level."""

    def __init__(self, *args, streams=(), max_wishes: int = 3, initial_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— no wish —")), *[(s.code, s.name) for s in streams]]
        self.streams = {s.code: s for s in streams}
        codes = list(initial_codes)
        for number in range(1, max_wishes + 1):
            self.fields[f"wish_{number}"] = forms.ChoiceField(
                label=_("Wish %(number)s") % {"number": number},
                choices=choices,
                required=False,
                initial=codes[number - 1] if number <= len(codes) else "",
            )

    def chosen_streams(self) -> list[Stream]:
        """The chosen streams in order; blanks between choices are skipped."""
        return [
            self.streams[code]
            for name, code in sorted(
                self.cleaned_data.items(), key=lambda item: int(item[0].split("_")[1])
            )
            if code
        ]


class CapacitiesForm(forms.Form):
    """Places per stream: one field ``places_<stream code>`` per row; empty = no places set."""

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self.fields[f"places_{row.stream.code}"] = forms.IntegerField(
                label=row.stream.name,
                required=False,
                min_value=0,
                max_value=MAX_PLACES,
                initial=row.places,
                error_messages={
                    "min_value": _("Places must be between 0 and %(max)s.") % {"max": MAX_PLACES},
                    "max_value": _("Places must be between 0 and %(max)s.") % {"max": MAX_PLACES},
                    "invalid": _("Places must be between 0 and %(max)s.") % {"max": MAX_PLACES},
                },
            )

    def places(self) -> dict[Stream, int | None]:
        return {row.stream: self.cleaned_data.get(f"places_{row.stream.code}") for row in self.rows}


class ReRegistrationForm(forms.Form):
    to_year = forms.ChoiceField(label=_("Into the school year"))

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = {year.code: year for year in years}
        self.fields["to_year"].choices = [(year.code, year.label) for year in years]

    def chosen_year(self) -> SchoolYear:
        return self.years[self.cleaned_data["to_year"]]
