"""Forms of online pre-registration: the parent's sign-up and code, the request, the school's
decisions and the review queue's filter."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massar.accounts.models import ContactChannel, Language, User

from .models import (
    CIN_REGEX,
    PHONE_REGEX,
    PreRegistrationStatus,
    Relationship,
    Sex,
)
from .preregistration import (
    ParentSignup,
    PreRegistrationData,
    communes_with_public_schools,
    establishments_for,
    normalise_phone,
    preregistration_levels,
    username_taken,
)

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
UPLOAD_ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
PHONE_ERROR = _("Enter a Moroccan phone number, e.g. 0612345678 or +212612345678.")
CIN_ERROR = _(
    "A national identity card number is one or two letters followed by digits, e.g. AB123456."
)


def _latin(**attrs):
    return forms.TextInput(attrs={"dir": "ltr", "lang": "fr", **attrs})


def _arabic(**attrs):
    return forms.TextInput(attrs={"dir": "rtl", "lang": "ar", **attrs})


def clean_phone(value: str) -> str:
    phone = normalise_phone(value)
    if phone and not re.match(PHONE_REGEX, phone):
        raise ValidationError(PHONE_ERROR)
    return phone


def clean_cin(value: str) -> str:
    cin = "".join((value or "").split()).upper()
    if cin and not re.match(CIN_REGEX, cin):
        raise ValidationError(CIN_ERROR)
    return cin


class SignupForm(forms.Form):
    last_name_ar = forms.CharField(label=_("Last name (Arabic)"), max_length=150, widget=_arabic())
    first_name_ar = forms.CharField(
        label=_("First name (Arabic)"), max_length=150, widget=_arabic()
    )
    last_name_fr = forms.CharField(
        label=_("Last name (Latin script)"), max_length=150, widget=_latin()
    )
    first_name_fr = forms.CharField(
        label=_("First name (Latin script)"), max_length=150, widget=_latin()
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        help_text=_("Your username will be this number, e.g. 0612345678."),
        widget=forms.TextInput(attrs={"dir": "ltr", "type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Without a phone number, your username will be this address."),
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
    )
    cin = forms.CharField(
        label=_("National identity card (CIN)"),
        max_length=12,
        widget=_latin(autocomplete="off"),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language of the messages you receive"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "dir": "ltr"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "dir": "ltr"}),
    )

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_cin(self):
        return clean_cin(self.cleaned_data["cin"])

    def clean(self):
        data = super().clean()
        phone, email = data.get("phone"), data.get("email")
        if "phone" in self.errors or "email" in self.errors:
            return data
        if not phone and not email:
            raise ValidationError(
                _("Give a phone number or an e-mail address (or both)."), code="contact_required"
            )
        username = phone or email
        if username_taken(username):
            self.add_error(
                "phone" if phone else "email",
                _("An account already uses this phone number or e-mail address: log in instead."),
            )
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            candidate = User(
                username=username,
                first_name=data.get("first_name_fr", ""),
                last_name=data.get("last_name_fr", ""),
                email=email or "",
            )
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data

    def signup(self) -> ParentSignup:
        data = self.cleaned_data
        return ParentSignup(
            first_name_ar=data["first_name_ar"],
            last_name_ar=data["last_name_ar"],
            first_name_fr=data["first_name_fr"],
            last_name_fr=data["last_name_fr"],
            phone=data["phone"],
            email=data["email"],
            preferred_language=data["preferred_language"],
            password=data["password1"],
        )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code you received"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "dir": "ltr",
                "pattern": "[0-9 ]*",
            }
        ),
    )


class SendCodeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send the code by"), choices=ContactChannel.choices, widget=forms.RadioSelect
    )
    destination = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )

    def clean(self):
        data = super().clean()
        channel, destination = data.get("channel"), data.get("destination", "")
        if channel == ContactChannel.PHONE:
            try:
                data["destination"] = clean_phone(destination)
            except ValidationError as error:
                self.add_error("destination", error)
        elif channel == ContactChannel.EMAIL:
            try:
                data["destination"] = forms.EmailField().clean(destination).lower()
            except ValidationError as error:
                self.add_error("destination", error)
        return data


class PreRegistrationForm(forms.Form):
    """The child, the asking guardian, the level and school, and the birth certificate."""

    # The child
    last_name_ar = forms.CharField(label=_("Last name (Arabic)"), max_length=100, widget=_arabic())
    first_name_ar = forms.CharField(
        label=_("First name (Arabic)"), max_length=100, widget=_arabic()
    )
    last_name_fr = forms.CharField(
        label=_("Last name (Latin script)"), max_length=100, widget=_latin()
    )
    first_name_fr = forms.CharField(
        label=_("First name (Latin script)"), max_length=100, widget=_latin()
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(
        label=_("Birth date"),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    birth_place_ar = forms.CharField(
        label=_("Birth place (Arabic)"), max_length=100, required=False, widget=_arabic()
    )
    birth_place_fr = forms.CharField(
        label=_("Birth place (Latin script)"), max_length=100, required=False, widget=_latin()
    )
    civil_record_number = forms.CharField(
        label=_("Civil-status record number"), max_length=20, required=False, widget=_latin()
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    # The guardian who asks
    guardian_relationship = forms.ChoiceField(
        label=_("You are the child's"), choices=Relationship.choices
    )
    guardian_last_name_ar = forms.CharField(
        label=_("Last name (Arabic)"), max_length=100, widget=_arabic()
    )
    guardian_first_name_ar = forms.CharField(
        label=_("First name (Arabic)"), max_length=100, widget=_arabic()
    )
    guardian_last_name_fr = forms.CharField(
        label=_("Last name (Latin script)"), max_length=100, widget=_latin()
    )
    guardian_first_name_fr = forms.CharField(
        label=_("First name (Latin script)"), max_length=100, widget=_latin()
    )
    guardian_cin = forms.CharField(
        label=_("National identity card (CIN)"), max_length=12, widget=_latin()
    )
    guardian_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "type": "tel"}),
    )
    guardian_email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"dir": "ltr"})
    )
    guardian_profession = forms.CharField(label=_("Profession"), max_length=100, required=False)
    # Where
    level = forms.ChoiceField(label=_("Level"))
    commune = forms.ChoiceField(label=_("Commune"))
    establishment = forms.ChoiceField(
        label=_("Establishment"),
        help_text=_("Public schools of the commune that teach this level."),
    )
    birth_certificate = forms.FileField(
        label=_("Birth certificate (copy)"),
        help_text=_("PDF, JPEG or PNG."),
        allow_empty_file=True,  # the service says "the file is empty" in the same words
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {level.code: level for level in preregistration_levels()}
        self.fields["level"].choices = [("", "—")] + [
            (level.code, level.name) for level in self.levels.values()
        ]
        self.communes = {commune.code: commune for commune in communes_with_public_schools()}
        groups: dict[str, list] = {}
        for commune in self.communes.values():
            groups.setdefault(commune.directorate.name, []).append((commune.code, commune.name))
        self.fields["commune"].choices = [("", "—"), *groups.items()]
        self.schools = {}
        level = self.levels.get(self._raw("level"))
        commune = self.communes.get(self._raw("commune"))
        if level is not None and commune is not None:
            self.schools = {
                school.code: school for school in establishments_for(commune=commune, level=level)
            }
        self.fields["establishment"].choices = [("", "—")] + [
            (school.code, school.name) for school in self.schools.values()
        ]

    def _raw(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        return (source.get(self.add_prefix(name) if self.is_bound else name) or "").strip()

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The birth date is in the future."))
        return value

    def clean_guardian_cin(self):
        return clean_cin(self.cleaned_data["guardian_cin"])

    def clean_guardian_phone(self):
        return clean_phone(self.cleaned_data["guardian_phone"])

    def clean_guardian_email(self):
        return self.cleaned_data["guardian_email"].strip().lower()

    def data_for_service(self) -> PreRegistrationData:
        data = self.cleaned_data
        return PreRegistrationData(
            **{name: data[name] for name in PreRegistrationData.__dataclass_fields__}
        )

    @property
    def chosen_level(self):
        return self.levels[self.cleaned_data["level"]]

    @property
    def chosen_establishment(self):
        return self.schools[self.cleaned_data["establishment"]]


class DocumentUploadForm(forms.Form):
    upload = forms.FileField(
        label=_("The document asked for"),
        help_text=_("PDF, JPEG or PNG."),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )


class AcceptForm(forms.Form):
    duplicate_reason = forms.CharField(
        label=_("Why is this another child?"),
        help_text=_("Only if a file looks like this child: the director confirms it is another."),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refusal (sent to the parent)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DocumentRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Document missing (sent to the parent)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *PreRegistrationStatus.choices],
    )

    def status_filter(self) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data["status"]
