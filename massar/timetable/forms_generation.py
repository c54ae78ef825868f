"""The form asking for a run of the timetable generator. It parses; the service decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .generation import DEFAULT_TIME_LIMIT, MAX_TIME_LIMIT, MIN_TIME_LIMIT
from .models import RunMode


class GeneratorRunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=RunMode.choices,
        initial=RunMode.FULL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how to generate: the whole timetable, or a repair.")},
    )
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"),
        initial=DEFAULT_TIME_LIMIT,
        min_value=MIN_TIME_LIMIT,
        max_value=MAX_TIME_LIMIT,
        help_text=_(
            "The generator stops searching after this time and keeps the best timetable found."
        ),
    )
