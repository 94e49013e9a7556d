from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services import SERIES_MAX_RELEASES


class PlanSeriesForm(forms.Form):
    """The admin's "plan a series" page: one release every few months, titled from a pattern."""

    first_date = forms.DateField(label=_("first release"), initial=timezone.localdate)
    count = forms.IntegerField(
        label=_("number of releases"), min_value=1, max_value=SERIES_MAX_RELEASES, initial=12
    )
    interval_months = forms.IntegerField(label=_("every (months)"), min_value=1, max_value=12, initial=1)
    title_pattern = forms.CharField(
        label=_("title pattern (French)"),
        max_length=150,
        initial="{campaign} — épisode {number}",
        help_text=_("May use {number}, {count}, {campaign} and {date}."),
    )
    title_pattern_en = forms.CharField(
        label=_("title pattern (English)"), max_length=150, initial="{campaign} — episode {number}"
    )
    is_public = forms.BooleanField(label=_("public"), required=False, initial=True)
