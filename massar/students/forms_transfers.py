"""Forms of the transfer pages: the request, the decision, the list's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from massar.core.errors import NotFound

from .models import TransferStatus
from .transfers import CLASS_LABEL_MAX_LENGTH, NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from .transfers_selectors import DIRECTIONS, INCOMING, destination_by_code


class TransferRequestForm(forms.Form):
    to_establishment = forms.CharField(
        label=_("Receiving establishment"),
        max_length=100,
        error_messages={"required": _("Choose the receiving establishment.")},
    )
    reason = forms.CharField(
        label=_("Reason for leaving"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_to_establishment(self):
        code = self.cleaned_data["to_establishment"].strip().upper()
        try:
            return destination_by_code(code)
        except NotFound as error:
            raise forms.ValidationError(
                _("No establishment has the code %(code)s."),
                code="unknown_establishment",
                params={"code": code},
            ) from error


class TransferAcceptForm(forms.Form):
    class_label = forms.CharField(
        label=_("Class (optional)"),
        required=False,
        max_length=CLASS_LABEL_MAX_LENGTH,
        help_text=_("e.g. 1APIC-1, TCS-2, 2BAC PC-1."),
    )


class TransferRejectForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the transfer refused?"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the transfer is refused.")},
    )


class TransferFilterForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[(INCOMING, _("Incoming")), ("outgoing", _("Outgoing"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *TransferStatus.choices],
    )

    def filters(self) -> tuple[str, str]:
        """The direction (incoming by default) and the status; invalid values are left out."""
        if not self.is_bound:
            return INCOMING, ""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        direction = data.get("direction") or INCOMING
        return (direction if direction in DIRECTIONS else INCOMING), data.get("status", "")
