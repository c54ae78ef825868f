"""Forms of the staff pages: the list's filters, the staff file, a row of a class's
assignment grid."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from massar.core.choices import CycleCode
from massar.core.errors import DomainError
from massar.core.scoping import Scope
from massar.curriculum.models import Subject
from massar.territory.models import Establishment

from .models import StaffKind, StaffMember, StaffStatus
from .selectors import StaffFilters
from .services import StaffData


def add_failure(form: forms.Form, failure: DomainError) -> None:
    """Show a service's refusal on the form: on the fields it names, else above the form."""
    placed = False
    for detail in failure.details:
        loc = detail.get("loc") or []
        name = loc[-1] if loc else None
        if name in form.fields:
            form.add_error(name, str(detail.get("msg") or failure.message))
            placed = True
    if not placed:
        form.add_error(None, str(failure.message))


def _subject_choices() -> list[tuple[str, str]]:
    return [
        (subject.code, subject.name)
        for subject in Subject.objects.filter(is_conduct=False).order_by("code")
    ]


class StaffFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("In Arabic or Latin script."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    establishment = forms.ChoiceField(label=_("Establishment"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *StaffKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *StaffStatus.choices]
    )
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Inactive"))],
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        schools = scope.filter_establishments(Establishment.objects.all()).order_by("code")
        self.fields["establishment"].choices = [("", _("All"))] + [
            (school.code, f"{school.code} · {school.name}") for school in schools[:300]
        ]
        self.fields["subject"].choices = [("", _("All")), *_subject_choices()]

    def filters(self) -> StaffFilters:
        """The valid filters; an invalid one is dropped (the page says so), the others kept."""
        if not self.is_bound:
            return StaffFilters()
        self.is_valid()
        values = {
            name: self.cleaned_data.get(name) or ""
            for name in self.fields
            if name not in self.errors
        }
        return StaffFilters(**values)


class StaffForm(forms.Form):
    """The staff file. Uniqueness, directorates and assignments are checked by the service."""

    last_name_ar = forms.CharField(label=_("Last name (Arabic)"), max_length=100)
    first_name_ar = forms.CharField(label=_("First name (Arabic)"), max_length=100)
    last_name_fr = forms.CharField(label=_("Last name (Latin script)"), max_length=100)
    first_name_fr = forms.CharField(label=_("First name (Latin script)"), max_length=100)
    cin = forms.CharField(
        label=_("National identity card (CIN)"),
        max_length=12,
        help_text=_("One or two capital letters followed by digits, e.g. AB123456."),
    )
    payroll_number = forms.CharField(
        label=_("Payroll number (PPR)"), max_length=12, help_text=_("5 to 10 digits.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=StaffKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=StaffStatus.choices)
    grade = forms.CharField(label=_("Grade"), max_length=60, required=False)
    cycle = forms.ChoiceField(
        label=_("Teaching cycle"),
        required=False,
        choices=[("", "—"), *CycleCode.choices],
        help_text=_("Required for a teacher: it sets the weekly quota."),
    )
    main_establishment = forms.ChoiceField(label=_("Main establishment"))
    other_establishments = forms.CharField(
        label=_("Also serves (establishment codes)"),
        required=False,
        max_length=200,
        help_text=_(
            "Codes separated by commas: satellite schools of the main establishment or other "
            "establishments of the same directorate."
        ),
    )
    weekly_quota_override = forms.DecimalField(
        label=_("Weekly quota (hours), if not the cycle's"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("40"),
        decimal_places=1,
        localize=True,
    )
    subjects = forms.MultipleChoiceField(
        label=_("Subjects they can teach"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    create_account = forms.BooleanField(
        label=_("Create their login"),
        required=False,
        help_text=_(
            "A login prenom.nom with a temporary password, shown once: teachers get the "
            "teacher role, administrative staff the staff role, at the main establishment."
        ),
    )

    def __init__(self, *args, establishments: list[Establishment], staff=None, **kwargs):
        if staff is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(staff)
        super().__init__(*args, **kwargs)
        self.establishments = {school.code: school for school in establishments}
        self.fields["main_establishment"].choices = [
            (school.code, f"{school.code} · {school.name}") for school in establishments
        ]
        self.fields["subjects"].choices = _subject_choices()
        if staff is not None and staff.user_id is not None:
            del self.fields["create_account"]

    def clean_cin(self):
        return re.sub(r"\s+", "", self.cleaned_data["cin"]).upper()

    def clean_payroll_number(self):
        return re.sub(r"\s+", "", self.cleaned_data["payroll_number"])

    def clean_other_establishments(self):
        raw = self.cleaned_data.get("other_establishments") or ""
        return tuple(code for code in re.split(r"[\s,;]+", raw.upper()) if code)

    def main(self) -> Establishment:
        return self.establishments[self.cleaned_data["main_establishment"]]

    def staff_data(self) -> StaffData:
        data = self.cleaned_data
        return StaffData(
            first_name_ar=data["first_name_ar"],
            last_name_ar=data["last_name_ar"],
            first_name_fr=data["first_name_fr"],
            last_name_fr=data["last_name_fr"],
            cin=data["cin"],
            payroll_number=data["payroll_number"],
            status=data["status"],
            kind=data["kind"],
            grade=data["grade"],
            cycle=data["cycle"],
            subject_codes=tuple(data["subjects"]),
            other_establishment_codes=data["other_establishments"],
            weekly_quota_override=data["weekly_quota_override"],
            is_active=data["is_active"],
        )


def initial_of(staff: StaffMember) -> dict:
    return {
        "last_name_ar": staff.last_name_ar,
        "first_name_ar": staff.first_name_ar,
        "last_name_fr": staff.last_name_fr,
        "first_name_fr": staff.first_name_fr,
        "cin": staff.cin,
        "payroll_number": staff.payroll_number,
        "kind": staff.kind,
        "status": staff.status,
        "grade": staff.grade,
        "cycle": staff.cycle,
        "main_establishment": staff.main_establishment.code,
        "other_establishments": ", ".join(s.code for s in staff.other_establishments.all()),
        "weekly_quota_override": staff.weekly_quota_override,
        "subjects": [subject.code for subject in staff.subjects.all()],
        "is_active": staff.is_active,
    }


class AssignmentRowForm(forms.Form):
    """One row of a class's grid: the teacher (none removes the assignment), hours, force."""

    teacher = forms.CharField(label=_("Teacher"), required=False, max_length=40)
    weekly_hours = forms.DecimalField(
        label=_("Weekly hours"), required=False, max_digits=5, decimal_places=2, localize=True
    )
    force = forms.BooleanField(
        label=_("Assign anyway"),
        required=False,
        help_text=_("Even if the teacher is not qualified for the subject or goes over quota."),
    )
