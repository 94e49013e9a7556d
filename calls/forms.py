"""The staff upload of a dispatch export."""

import re
from datetime import date
from decimal import Decimal
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import CallCategory, ImportBatch, ImportProfile, Urgency

EXTENSIONS = (".csv", ".xlsx")
DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def max_upload_bytes() -> int:
    """CALLS_IMPORT_MAX_UPLOAD_BYTES when the settings give it, else 200 MB."""
    return getattr(settings, "CALLS_IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV or XLSX export of the dispatch system."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )
    profile = forms.ModelChoiceField(
        label=_("Import profile"),
        queryset=ImportProfile.objects.order_by("name"),
        help_text=_("How to read the file: which column holds what, in which format."),
    )
    mode = forms.ChoiceField(
        label=_("Bad rows"),
        choices=[
            (ImportBatch.Mode.ALL_OR_NOTHING, _("All or nothing: one bad row and nothing is imported")),
            (ImportBatch.Mode.THRESHOLD, _("Skip bad rows, up to a share of the rows read")),
        ],
        initial=ImportBatch.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    max_bad_percent = forms.DecimalField(
        label=_("Maximum share of bad rows (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Past this share nothing is imported. Used only when bad rows are skipped."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(
                _("Only CSV (.csv) and Excel (.xlsx) files can be imported; “%(name)s” is neither."),
                code="extension",
                params={"name": upload.name},
            )
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; files up to %(limit)s can be imported."),
                code="size",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == ImportBatch.Mode.THRESHOLD and cleaned.get("max_bad_percent") is None:
            self.add_error("max_bad_percent", _("Give the share of bad rows that may be skipped."))
        if cleaned.get("mode") == ImportBatch.Mode.ALL_OR_NOTHING:
            cleaned["max_bad_percent"] = Decimal(0)
        return cleaned


COMPARISONS = (
    ("previous_month", _("previous month")),
    ("same_month_last_year", _("same month last year")),
    ("baseline", _("pre-programme baseline")),
)
DEFAULT_BASELINE_MONTHS = 12
MAX_BASELINE_MONTHS = 60
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")


class MonthField(forms.CharField):
    """A calendar month typed as YYYY-MM (what <input type="month"> sends); cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": _("YYYY-MM")})
    default_error_messages = {
        "invalid": _("Give a month as year-month, e.g. 2025-03."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH.match(value.strip())
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match.group(1)), int(match.group(2))
        if not (1 <= month <= 12 and 1900 <= year <= 2999):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(year, month, 1)

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class CallAnalysisForm(forms.Form):
    """The filters of the analysts' view of call deltas (a GET form: every field is optional, and a bad value
    falls back to its default beside an error that says why)."""

    month = MonthField(label=_("Month"), required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        required=False,
        choices=[("", _("all calls")), *Urgency.choices],
    )
    category = forms.ModelChoiceField(
        label=pgettext_lazy("call category", "Category"),
        required=False,
        queryset=CallCategory.objects.order_by("slug"),
        empty_label=_("all categories"),
    )
    baseline_months = forms.IntegerField(
        label=_("Baseline months"),
        required=False,
        min_value=1,
        max_value=MAX_BASELINE_MONTHS,
        help_text=_("Full months before the programme start that make up the baseline."),
    )
    map = forms.ChoiceField(label=_("Map shows the change against"), required=False, choices=COMPARISONS)
