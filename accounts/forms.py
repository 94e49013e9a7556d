from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, recovery_allowed=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autofocus"] = True
        if recovery_allowed:
            self.fields["code"].help_text = _(
                "The 6-digit code your authenticator app shows now, or one of your recovery codes."
            )
        else:
            self.fields["code"].help_text = _("The 6-digit code your authenticator app shows now.")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
