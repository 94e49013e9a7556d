"""The supervisors' forms: they check what the services will check, so that errors land on the form.

The forms only validate. Every write goes through officers.services (called from officers.admin), which
checks again inside its transaction: a concurrent change between the two checks is still refused there.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from beats.models import Sector

from .models import Absence, Assignment, Language, Officer
from .phones import display_phone, normalise_phone
from .photos import check_photo
from .services.absences import absence_conflicts
from .services.assignments import assignment_conflicts

PHOTO_TYPES = "image/jpeg,image/png,image/webp"


def next_monday(today: datetime.date | None = None) -> datetime.date:
    """The Monday after `today` (a week later when today is a Monday): when reassignments usually start."""
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def active_officers():
    return Officer.objects.active().order_by("last_name", "first_name")


def active_sectors():
    return Sector.objects.active().without_geometry().order_by("code")


class OfficerAdminForm(forms.ModelForm):
    """An officer's record. The photo is a separate upload field: officers.services.officers.officer_save
    alone stores it (checked, stripped of its metadata, resized); the model's `photo` field is never bound."""

    new_photo = forms.FileField(
        label=_("New photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": PHOTO_TYPES}),
        help_text=_(
            "JPEG, PNG or WebP, at least 160 pixels on each side, 5 MB at most. "
            "Its metadata (camera, GPS position) is removed."
        ),
    )

    class Meta:
        model = Officer
        fields = [
            "badge_number",
            "first_name",
            "last_name",
            "role",
            "work_phone",
            "work_email",
            "languages",
            "patrols_on_foot",
            "patrols_by_bike",
            "patrols_by_car",
            "bio_fr",
            "bio_en",
            "is_published",
            "user",
            "is_active",
        ]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "work_phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.work_phone and not self.is_bound:
            # Shown the way supervisors type it; stored in international form.
            self.initial["work_phone"] = display_phone(self.instance.work_phone)
        if "languages" in self.fields:
            name = "name_en" if get_language() == "en" else "name_fr"
            self.fields["languages"].queryset = Language.objects.order_by(name)
        if "user" in self.fields:
            self.fields["user"].queryset = (
                get_user_model().objects.filter(is_active=True).order_by("username")
            )

    def clean_work_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("work_phone", ""))

    def clean_new_photo(self):
        upload = self.cleaned_data.get("new_photo")
        if upload:
            check_photo(upload)
        return upload or None


class AssignmentAddForm(forms.ModelForm):
    """A new assignment: refused, naming each conflicting assignment, when it contradicts those in force."""

    class Meta:
        model = Assignment
        fields = ["officer", "sector", "role", "starts_on", "ends_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "officer" in self.fields:
            self.fields["officer"].queryset = active_officers()
        if "sector" in self.fields:
            self.fields["sector"].queryset = active_sectors()

    def clean(self):
        cleaned = super().clean()
        officer, sector = cleaned.get("officer"), cleaned.get("sector")
        role, starts_on, ends_on = cleaned.get("role"), cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day comes before the first day."))
            return cleaned
        if officer and sector and role and starts_on and not self.errors:
            for message in assignment_conflicts(
                officer=officer, sector=sector, role=role, starts_on=starts_on, ends_on=ends_on
            ):
                self.add_error(None, message)
        return cleaned


class AssignmentChangeForm(forms.ModelForm):
    """An assignment is history: only its last day and its note may change."""

    class Meta:
        model = Assignment
        fields = ["ends_on", "note"]

    def clean(self):
        cleaned = super().clean()
        if "ends_on" not in cleaned or "ends_on" not in self.changed_data:
            return cleaned
        # clean() runs before the model form copies the new values onto the instance: it is still as recorded.
        recorded = self.instance
        ends_on = cleaned["ends_on"]
        if ends_on is None:
            self.add_error(
                "ends_on",
                _("An ended assignment cannot be reopened; assign the officer again from the day wanted."),
            )
        elif ends_on < recorded.starts_on:
            self.add_error(
                "ends_on",
                _("The last day (%(end)s) comes before the first day (%(start)s).")
                % {"end": ends_on.isoformat(), "start": recorded.starts_on.isoformat()},
            )
        elif recorded.ends_on is None or ends_on > recorded.ends_on:
            # Lengthening may run into a later assignment.
            for message in assignment_conflicts(
                officer=recorded.officer,
                sector=recorded.sector,
                role=recorded.role,
                starts_on=recorded.starts_on,
                ends_on=ends_on,
                exclude=recorded,
            ):
                self.add_error(None, message)
        return cleaned


class AbsenceForm(forms.ModelForm):
    """An absence and who covers meanwhile, checked against the other absences of both officers."""

    class Meta:
        model = Absence
        fields = ["officer", "starts_on", "ends_on", "covering_officer", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("officer", "covering_officer"):
            if name in self.fields:
                self.fields[name].queryset = active_officers()

    def clean(self):
        cleaned = super().clean()
        officer = cleaned.get("officer") if "officer" in self.fields else self.instance.officer
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        covering = cleaned.get("covering_officer")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day comes before the first day."))
        if officer is not None and covering is not None and covering.pk == officer.pk:
            self.add_error("covering_officer", _("An officer cannot cover their own absence."))
        if officer is not None and starts_on and ends_on and not self.errors:
            for message in absence_conflicts(
                officer=officer,
                starts_on=starts_on,
                ends_on=ends_on,
                covering_officer=covering,
                exclude=self.instance if self.instance.pk else None,
            ):
                self.add_error(None, message)
        return cleaned


class SectorReassignForm(forms.Form):
    """Give a sector to another primary officer from a date; the current one's assignment ends the day
    before."""

    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none())
    officer = forms.ModelChoiceField(label=_("New primary officer"), queryset=Officer.objects.none())
    starts_on = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The new officer's first day; the current primary officer's last day is the day before."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = active_sectors()
        self.fields["officer"].queryset = active_officers()
        self.fields["starts_on"].initial = next_monday
