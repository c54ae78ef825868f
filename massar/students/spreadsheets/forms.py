"""Forms of the import and export pages (the establishment is resolved by an access function)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from massar.curriculum.models import Level

ACCEPT = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


def _establishment_choices(establishments) -> list[tuple[str, str]]:
    return [(e.code, f"{e.code} · {e.name}") for e in establishments]


class ImportForm(forms.Form):
    establishment = forms.CharField(label=_("Establishment"), max_length=6)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Excel (.xlsx) or CSV in UTF-8. First row: the column names in Arabic or French."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, establishments, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["establishment"]
        if len(establishments) == 1:
            field.widget = forms.HiddenInput()
            field.initial = establishments[0].code
        else:
            field.widget = forms.Select(choices=_establishment_choices(establishments))


class ExportForm(forms.Form):
    """Offered on the import page; the export URL itself reads its query string."""

    establishment = forms.CharField(label=_("Establishment"), max_length=6)
    level = forms.ChoiceField(label=_("Level"), required=False)

    def __init__(self, *args, establishments, **kwargs):
        super().__init__(*args, **kwargs)
        # The query string says "class" (a Python keyword, hence not a class attribute).
        self.fields["class"] = forms.CharField(
            label=_("Class"),
            required=False,
            max_length=30,
            help_text=_("Leave empty for the whole level or the whole school."),
        )
        field = self.fields["establishment"]
        if len(establishments) == 1:
            field.widget = forms.HiddenInput()
            field.initial = establishments[0].code
        else:
            field.widget = forms.Select(choices=_establishment_choices(establishments))
        self.fields["level"].choices = [("", _("All levels"))] + [
            (level.code, f"{level.code} · {level.name}") for level in Level.objects.all()
        ]
