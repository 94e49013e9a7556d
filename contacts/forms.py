"""The officers' contact form (a few taps on a phone), the referral closing form, the statistics filters."""

import datetime

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beats.models import Sector
from officers.models import Officer

from .models import (
    OUTCOME_TEXT_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    Channel,
    ContactCategory,
    Outcome,
    Partner,
    Referral,
    Who,
)

SOCIAL_WORKER = "social-worker"

# Where the services' error keys go on the form.
SERVICE_FIELDS = {
    "consent": "identity_consent",
    "name": "identity_name",
    "phone": "identity_phone",
    "email": "identity_email",
    "partner": "referral_to",
    "status": "referral_status",
}


class ChipSelectMultiple(forms.CheckboxSelectMultiple):
    template_name = "contacts/widgets/chips.html"
    option_template_name = "contacts/widgets/chip.html"


class ChipSelect(forms.RadioSelect):
    template_name = "contacts/widgets/chips.html"
    option_template_name = "contacts/widgets/chip.html"


class ContactForm(forms.Form):
    when = forms.DateTimeField(
        label=_("When"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    officer = forms.ModelChoiceField(
        label=_("Officer"), queryset=Officer.objects.active().order_by("last_name", "first_name")
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.active().without_geometry().order_by("code"),
        required=False,
        help_text=_("Your sector today unless you change it; a location given below decides instead."),
    )
    channel = forms.ChoiceField(
        label=_("How"), choices=Channel.choices, initial=Channel.WORK_CELL, widget=ChipSelect
    )
    who = forms.ChoiceField(label=_("Who"), choices=Who.choices, initial=Who.RESIDENT, widget=ChipSelect)
    categories = forms.ModelMultipleChoiceField(
        label=_("About"),
        queryset=ContactCategory.objects.active(),
        widget=ChipSelectMultiple,
        error_messages={
            "required": _("Choose at least one category."),
            "invalid_choice": _("The category “%(value)s” does not exist or is no longer in use."),
            "invalid_pk_value": _("The category “%(pk)s” does not exist."),
        },
    )
    would_have_called_911 = forms.BooleanField(label=_("Would otherwise have called 911"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, initial=Outcome.RESOLVED, widget=ChipSelect
    )
    follow_up_due = forms.DateField(
        label=_("Follow-up due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=_("Short summary"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("No names or phone numbers here. Destroyed after the retention period."),
    )
    referral_to = forms.ChoiceField(label=_("Refer to"), required=False)
    referral_status = forms.ChoiceField(
        label=_("Referral status"),
        choices=Referral.Status.choices,
        initial=Referral.Status.MADE,
        required=False,
    )
    identity_name = forms.CharField(label=_("Name"), required=False, max_length=200)
    identity_phone = forms.CharField(
        label=_("Phone"), required=False, max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    identity_email = forms.EmailField(label=_("E-mail"), required=False)
    identity_consent = forms.BooleanField(
        label=_("The person consents to their name and contact details being recorded"), required=False
    )
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)

    def __init__(self, *args, officer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_officer = officer
        if officer is not None:
            # An officer logs their own contacts; the field is not offered.
            del self.fields["officer"]
        partners = Partner.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        self.fields["referral_to"].choices = [
            ("", _("No referral")),
            (SOCIAL_WORKER, _("The service's social worker")),
            *[(str(pk), name) for pk, name in partners],
        ]
        for name in ("when", "follow_up_due", "summary", "identity_name", "identity_phone", "identity_email"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")

    def clean_when(self):
        when = self.cleaned_data["when"]
        if when and when > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("The date of the contact is in the future."))
        return when

    def clean(self):
        data = super().clean()
        when, due = data.get("when"), data.get("follow_up_due")
        if when and due and due < timezone.localdate(when):
            self.add_error("follow_up_due", _("The follow-up is due before the contact took place."))
        identity_given = any(
            (data.get(f) or "").strip() for f in ("identity_name", "identity_phone", "identity_email")
        )
        if identity_given and not data.get("identity_consent"):
            self.add_error(
                "identity_consent",
                _("The person's identity is recorded only with their consent: tick the consent box."),
            )
        if (data.get("lon") is None) != (data.get("lat") is None):
            self.add_error("lon", _("Give both the longitude and the latitude, or neither."))
        return data

    def referral_partner(self):
        """(partner, to_social_worker) chosen, or None for no referral."""
        choice = self.cleaned_data.get("referral_to") or ""
        if not choice:
            return None
        if choice == SOCIAL_WORKER:
            return None, True
        return Partner.objects.get(pk=int(choice)), False


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Referral.Status.choices)
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=OUTCOME_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the partner did, briefly; no names. Destroyed after the retention period."),
    )


class TeamFilterForm(forms.Form):
    FOLLOW_UP_CHOICES = [
        ("", _("All contacts")),
        ("due", _("Follow-ups due")),
        ("open", _("Open follow-ups")),
    ]
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.without_geometry().order_by("code"),
        required=False,
        empty_label=_("All sectors"),
    )
    officer = forms.ModelChoiceField(
        label=_("Officer"),
        queryset=Officer.objects.order_by("last_name", "first_name"),
        required=False,
        empty_label=_("All officers"),
    )
    follow_up = forms.ChoiceField(label=_("Follow-up"), choices=FOLLOW_UP_CHOICES, required=False)


class StatisticsFilterForm(forms.Form):
    first_month = forms.DateField(
        label=_("From (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    last_month = forms.DateField(
        label=_("To (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.without_geometry().order_by("code"),
        required=False,
        empty_label=_("All sectors"),
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("first_month"), data.get("last_month")
        if first and last and last < first:
            self.add_error("last_month", _("The last month comes before the first."))
        return data


class ContactEditForm(forms.Form):
    """What can be corrected after the fact: not the officer, the place or the identity."""

    when = ContactForm.base_fields["when"]
    categories = ContactForm.base_fields["categories"]
    channel = ContactForm.base_fields["channel"]
    who = ContactForm.base_fields["who"]
    would_have_called_911 = ContactForm.base_fields["would_have_called_911"]
    outcome = ContactForm.base_fields["outcome"]
    follow_up_due = ContactForm.base_fields["follow_up_due"]
    follow_up_done = forms.BooleanField(label=_("Follow-up done"), required=False)
    summary = ContactForm.base_fields["summary"]

    def __init__(self, *args, contact, **kwargs):
        super().__init__(*args, **kwargs)
        # A category retired since stays on the contact that has it.
        self.fields["categories"].queryset = ContactCategory.objects.filter(
            models.Q(is_active=True) | models.Q(contacts=contact)
        ).distinct()
        if contact.anonymised_at:
            self.fields["summary"].disabled = True

    clean_when = ContactForm.clean_when

    def clean(self):
        data = super().clean()
        when, due = data.get("when"), data.get("follow_up_due")
        if when and due and due < timezone.localdate(when):
            self.add_error("follow_up_due", _("The follow-up is due before the contact took place."))
        return data
