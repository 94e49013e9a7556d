"""The staff upload of a dispatch export."""

from decimal import Decimal
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import ImportBatch, ImportProfile

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
