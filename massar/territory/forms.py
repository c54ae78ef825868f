"""Validation of the establishment directory's query string."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from massar.core.choices import Area, CycleCode, Sector
from massar.core.scoping import Scope

from .selectors import EstablishmentFilters, academies_in_scope, directorates_in_scope


class EstablishmentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Code or name, in Arabic or French script."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    academy = forms.ChoiceField(label=_("Academy"), required=False)
    directorate = forms.ChoiceField(label=_("Directorate"), required=False)
    cycle = forms.ChoiceField(
        label=_("Cycle"), required=False, choices=[("", _("All cycles")), *CycleCode.choices]
    )
    area = forms.ChoiceField(
        label=_("Urban or rural"), required=False, choices=[("", _("All")), *Area.choices]
    )
    sector = forms.ChoiceField(
        label=_("Public or private"), required=False, choices=[("", _("All")), *Sector.choices]
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        # Only places inside the actor's scope are offered, and only those are accepted.
        self.fields["academy"].choices = [("", _("All academies"))] + [
            (a.code, a.name) for a in academies_in_scope(scope=scope)
        ]
        self.fields["directorate"].choices = [("", _("All directorates"))] + [
            (d.code, d.name) for d in directorates_in_scope(scope=scope)
        ]

    def filters(self) -> EstablishmentFilters:
        """The filters that are valid; an invalid one is left out (and reported by the page)."""
        if not self.is_bound:
            return EstablishmentFilters()
        self.is_valid()
        data = self.cleaned_data
        return EstablishmentFilters(
            q=data.get("q", "").strip(),
            academy=data.get("academy", ""),
            directorate=data.get("directorate", ""),
            cycle=data.get("cycle", ""),
            area=data.get("area", ""),
            sector=data.get("sector", ""),
        )
