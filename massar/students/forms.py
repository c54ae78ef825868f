"""Forms of the student pages: the search filters, registration, guardians, documents."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from massar.core.scoping import Scope
from massar.curriculum.models import Level, Stream
from massar.territory.models import Establishment

from .models import (
    DocumentKind,
    EnrolmentStatus,
    LanguageChoice,
    PhoneOperator,
    Relationship,
    Sex,
)
from .selectors import StudentFilters
from .services import GuardianData, StudentData

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class StudentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or code Massar"),
        required=False,
        max_length=100,
        help_text=_("In Arabic or Latin script; spelling variants are found."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    establishment = forms.ChoiceField(label=_("Establishment"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("All")), *list(Sex.choices)]
    )
    status = forms.ChoiceField(
        label=_("Status this year"),
        required=False,
        choices=[("", _("All")), *list(EnrolmentStatus.choices)],
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        schools = scope.filter_establishments(Establishment.objects.all()).order_by("code")
        self.fields["establishment"].choices = [("", _("All"))] + [
            (school.code, f"{school.code} · {school.name}") for school in schools[:300]
        ]
        self.fields["level"].choices = [("", _("All"))] + [
            (level.code, level.name) for level in Level.objects.order_by("order")
        ]

    def filters(self) -> StudentFilters:
        """The valid filters; an invalid one is dropped (the page says so), the others kept."""
        if not self.is_bound:
            return StudentFilters()
        self.is_valid()
        values = {
            name: self.cleaned_data.get(name) or ""
            for name in self.fields
            if name not in self.errors
        }
        return StudentFilters(**values)


class StudentIdentityForm(forms.Form):
    last_name_ar = forms.CharField(label=_("Last name (Arabic)"), max_length=100)
    first_name_ar = forms.CharField(label=_("First name (Arabic)"), max_length=100)
    last_name_fr = forms.CharField(label=_("Last name (Latin script)"), max_length=100)
    first_name_fr = forms.CharField(label=_("First name (Latin script)"), max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(
        label=_("Birth date"),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    birth_place_ar = forms.CharField(
        label=_("Birth place (Arabic)"), max_length=100, required=False
    )
    birth_place_fr = forms.CharField(
        label=_("Birth place (Latin script)"), max_length=100, required=False
    )
    civil_record_number = forms.CharField(
        label=_("Civil-status record number"), max_length=20, required=False
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    special_needs = forms.CharField(label=_("Special needs"), max_length=300, required=False)

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > date.today():
            raise forms.ValidationError(_("The birth date is in the future."))
        return value


class GuardianForm(forms.Form):
    relationship = forms.ChoiceField(label=_("Relationship"), choices=Relationship.choices)
    last_name_ar = forms.CharField(label=_("Last name (Arabic)"), max_length=100, required=False)
    first_name_ar = forms.CharField(label=_("First name (Arabic)"), max_length=100, required=False)
    last_name_fr = forms.CharField(
        label=_("Last name (Latin script)"), max_length=100, required=False
    )
    first_name_fr = forms.CharField(
        label=_("First name (Latin script)"), max_length=100, required=False
    )
    cin = forms.CharField(label=_("National identity card (CIN)"), max_length=10, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=13, required=False)
    phone_operator = forms.ChoiceField(
        label=_("Mobile operator"),
        choices=[("", "—"), *list(PhoneOperator.choices)],
        required=False,
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    profession = forms.CharField(label=_("Profession"), max_length=100, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=LanguageChoice.choices, initial="ar"
    )
    is_contact = forms.BooleanField(label=_("Contact person"), required=False)

    def clean_cin(self):
        return self.cleaned_data["cin"].strip().upper()

    def has_person(self) -> bool:
        data = self.cleaned_data
        return any(
            data.get(name)
            for name in ("last_name_ar", "first_name_ar", "last_name_fr", "first_name_fr", "cin")
        )

    def guardian_data(self) -> GuardianData:
        return GuardianData(**self.cleaned_data)


class PlacementForm(forms.Form):
    establishment = forms.ChoiceField(label=_("Establishment"))
    level = forms.ChoiceField(label=_("Level"))
    stream = forms.ChoiceField(label=_("Stream"))
    class_label = forms.CharField(
        label=_("Class"), max_length=30, required=False, help_text=_("e.g. TCS-1, 1APIC-2.")
    )

    def __init__(self, *args, establishments, **kwargs):
        super().__init__(*args, **kwargs)
        self.establishments = {school.code: school for school in establishments}
        self.fields["establishment"].choices = [
            (school.code, f"{school.code} · {school.name}") for school in establishments
        ]
        if len(establishments) == 1:
            self.fields["establishment"].initial = establishments[0].code
        cycles = {c.cycle for school in establishments for c in school.cycles.all()}
        levels = list(Level.objects.filter(cycle__code__in=cycles).order_by("order"))
        self.levels = {level.code: level for level in levels}
        self.fields["level"].choices = [(level.code, level.name) for level in levels]
        streams = list(
            Stream.objects.filter(level__in=levels, is_active=True).select_related("level")
        )
        self.streams = {stream.code: stream for stream in streams}
        self.fields["stream"].choices = [
            (stream.code, f"{stream.level.code} · {stream.name}") for stream in streams
        ]


class DuplicateReasonForm(forms.Form):
    duplicate_reason = forms.CharField(
        label=_("Why is this another child?"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def student_data_from(identity: StudentIdentityForm, guardians: list[GuardianForm]) -> StudentData:
    values = identity.cleaned_data
    return StudentData(
        **values,
        guardians=[form.guardian_data() for form in guardians if form.has_person()],
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG."), allow_empty_file=True)


class MergeForm(forms.Form):
    retired_code = forms.CharField(label=_("Code Massar of the duplicate file"), max_length=10)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReRegistrationForm(forms.Form):
    """Bulk re-registration of a level of last year into a level of this year."""

    establishment = forms.ChoiceField(label=_("Establishment"))
    from_year = forms.ChoiceField(label=_("From the school year"))
    from_level = forms.ChoiceField(label=_("Pupils registered in"))
    to_level = forms.ChoiceField(label=_("Re-register them in"))
    to_stream = forms.ChoiceField(label=_("Stream"))

    def __init__(self, *args, establishments, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.establishments = {school.code: school for school in establishments}
        self.years = {year.code: year for year in years}
        self.fields["establishment"].choices = [
            (school.code, f"{school.code} · {school.name}") for school in establishments
        ]
        self.fields["from_year"].choices = [(year.code, year.label) for year in years]
        cycles = {c.cycle for school in establishments for c in school.cycles.all()}
        levels = list(Level.objects.filter(cycle__code__in=cycles).order_by("order"))
        self.levels = {level.code: level for level in levels}
        for name in ("from_level", "to_level"):
            self.fields[name].choices = [(level.code, level.name) for level in levels]
        streams = list(
            Stream.objects.filter(level__in=levels, is_active=True).select_related("level")
        )
        self.streams = {stream.code: stream for stream in streams}
        self.fields["to_stream"].choices = [
            (stream.code, f"{stream.level.code} · {stream.name}") for stream in streams
        ]
