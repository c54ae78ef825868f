"""Forms of the certificate pages: the kind to issue, the code to verify."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CertificateKind
from .codes import LENGTH, is_well_formed, normalise_verification_code


class CertificateIssueForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Certificate to issue"),
        choices=CertificateKind.choices,
        error_messages={
            "required": _("Choose a kind of certificate."),
            "invalid_choice": _("Choose a kind of certificate."),
        },
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 12 letters and digits printed under the QR code, e.g. ACDE-FGHJ-KMNP."),
        error_messages={"required": _("Type the verification code printed on the certificate.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "dir": "ltr",
                "aria-describedby": "verify-code-help",
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_verification_code(self.cleaned_data["code"])
        if not is_well_formed(code):
            raise forms.ValidationError(
                _("A verification code has %(length)s letters and digits, e.g. ACDE-FGHJ-KMNP.")
                % {"length": LENGTH}
            )
        return code
