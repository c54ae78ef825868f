"""Forms of the test calendar: a test to schedule (the class × subject among the actor's own, the
semester, the number, the date, the kind, a note) and a test to move. They parse and word
errors; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from massar.core.errors import DomainError
from massar.staff.models import TeachingAssignment

from .models import Semester, TestKind
from .models.marks import TEST_NUMBERS


def add_failure(form: forms.Form, failure: DomainError) -> None:
    """Show a service's refusal on the field it names, else above the form."""
    for detail in failure.details:
        loc = detail.get("loc") or []
        if loc and loc[-1] in form.fields:
            form.add_error(loc[-1], str(failure.message))
            return
    form.add_error(None, str(failure.message))


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TestScheduleForm(forms.Form):
    __test__ = False  # not a pytest test class

    assignment = forms.ChoiceField(
        label=_("Class and subject"),
        error_messages={"invalid_choice": _("Choose one of your classes and subjects.")},
    )
    semester = forms.TypedChoiceField(
        label=_("Semester"), choices=Semester.choices, coerce=int, initial=Semester.FIRST
    )
    number = forms.TypedChoiceField(
        label=_("Test number"),
        choices=[(n, n) for n in TEST_NUMBERS],
        coerce=int,
        help_text=_("The column of the mark sheet it fills."),
    )
    scheduled_on = forms.DateField(
        label=_("Date"),
        widget=_DateInput(),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=TestKind.choices, initial=TestKind.TEST)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Optional: the chapters, the room…"),
    )
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, assignments: list[TeachingAssignment], with_class=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignments = {str(a.public_id): a for a in assignments}
        self.fields["assignment"].choices = [
            (
                key,
                f"{a.school_class.name} · {a.subject.name}" if with_class else a.subject.name,
            )
            for key, a in self.assignments.items()
        ]
        if not with_class:
            self.fields["assignment"].label = _("Subject")

    @property
    def chosen(self) -> TeachingAssignment | None:
        return self.assignments.get(self.cleaned_data.get("assignment") or "")


class TestMoveForm(forms.Form):
    __test__ = False  # not a pytest test class

    scheduled_on = forms.DateField(
        label=_("New date"),
        widget=_DateInput(),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=TestKind.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)


class WeekForm(forms.Form):
    """The week of the school's calendar: any day of it."""

    week = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
