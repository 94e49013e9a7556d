"""Outreach: campaigns, their activities (events, door-to-door rounds, a video series' releases), and each
sector's priorities as residents put them ("you said / we did").

Titles and texts residents read are kept in French and English; the English one may be left empty, and the
French one is then shown. Staff notes never leave the staff side (public selectors and the iCalendar feed
never read them).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.i18n import in_active_language

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
NOTES_MAX = 4000
PRIORITY_MAX = 1000
ACTIONS_MAX = 2000


def bounded_text(*args, max_length: int, **kwargs) -> models.TextField:
    """A TextField whose length the model's validation checks too (Django leaves that to forms)."""
    return models.TextField(
        *args, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs
    )


def not_longer_than(field: str, limit: int) -> models.CheckConstraint:
    """Text fields have no length in the database; this holds them to the limit their forms enforce."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit), name=f"%(app_label)s_%(class)s_{field}_length"
    )


def end_before_start_error(model, *, start: str, end: str) -> ValidationError:
    """The translated error, on the end field, naming both fields as the form labels them."""
    return ValidationError(
        {
            end: gettext("“%(end)s” must not be before “%(start)s”.")
            % {
                "end": capfirst(model._meta.get_field(end).verbose_name),
                "start": capfirst(model._meta.get_field(start).verbose_name),
            }
        },
        code="end_before_start",
    )


class CampaignType(models.TextChoices):
    VIDEO_SERIES = "video_series", _("Video series")
    AWARENESS_WEEK = "awareness_week", _("Awareness week")
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door")
    SOCIAL_MEDIA = "social_media", _("Social media")
    COMMUNITY_EVENTS = "community_events", _("Community events")


class ActivityType(models.TextChoices):
    EVENT = "event", _("Community event")
    INFORMATION_KIOSK = "kiosk", _("Information kiosk")
    PRESENTATION = "presentation", _("Presentation")
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door")
    VIDEO_RELEASE = "video_release", _("Video release")
    SOCIAL_MEDIA = "social_media", _("Social media post")
    OTHER = "other", _("Other")


# Happen on a day rather than at an hour: shown by date, all-day in calendars, no end needed.
DATED_KINDS = {ActivityType.VIDEO_RELEASE, ActivityType.SOCIAL_MEDIA}


class Campaign(models.Model):
    title_fr = models.CharField(_("title (French)"), max_length=TITLE_MAX)
    title_en = models.CharField(_("title (English)"), max_length=TITLE_MAX, blank=True)
    description_fr = bounded_text(_("description (French)"), max_length=DESCRIPTION_MAX, blank=True)
    description_en = bounded_text(_("description (English)"), max_length=DESCRIPTION_MAX, blank=True)
    kind = models.CharField(_("type"), max_length=32, choices=CampaignType.choices)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True, help_text=_("Empty: ongoing."))
    goals = bounded_text(_("goals"), max_length=DESCRIPTION_MAX, blank=True)
    sectors = models.ManyToManyField(
        "beats.Sector",
        verbose_name=_("target sectors"),
        blank=True,
        related_name="campaigns",
        help_text=_("None: the whole territory."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="outreach_campaign_ends_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            not_longer_than("description_fr", DESCRIPTION_MAX),
            not_longer_than("description_en", DESCRIPTION_MAX),
            not_longer_than("goals", DESCRIPTION_MAX),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_active_language(self.title_fr, self.title_en)

    @property
    def description(self) -> str:
        return in_active_language(self.description_fr, self.description_en)

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise end_before_start_error(Campaign, start="starts_on", end="ends_on")


class ActivityQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def upcoming(self, now=None):
        """Not over yet: those still going on count (an activity without an end is over once started)."""
        now = now or timezone.now()
        return self.filter(
            models.Q(ends_at__gte=now) | models.Q(ends_at__isnull=True, starts_at__gte=now)
        ).order_by("starts_at", "pk")

    def concerning(self, sector):
        """Held in the sector, or aimed at it."""
        sector_id = getattr(sector, "pk", sector)
        return self.filter(models.Q(sector=sector_id) | models.Q(sectors=sector_id)).distinct()


class Activity(models.Model):
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    title_fr = models.CharField(_("title (French)"), max_length=TITLE_MAX)
    title_en = models.CharField(_("title (English)"), max_length=TITLE_MAX, blank=True)
    kind = models.CharField(
        _("type"), max_length=32, choices=ActivityType.choices, default=ActivityType.EVENT
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place_name = models.CharField(_("place"), max_length=TITLE_MAX, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    sector = models.ForeignKey(
        "beats.Sector",
        verbose_name=_("sector of the place"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="activities_held",
        help_text=_("Found from the place's coordinates when they are saved."),
    )
    sectors = models.ManyToManyField(
        "beats.Sector",
        verbose_name=_("sectors concerned"),
        blank=True,
        related_name="activities",
    )
    officers = models.ManyToManyField(
        "officers.Officer", verbose_name=_("officers involved"), blank=True, related_name="activities"
    )
    partners = models.ManyToManyField(
        "contacts.Partner", verbose_name=_("partners involved"), blank=True, related_name="activities"
    )
    attendance = models.PositiveIntegerField(
        _("attendance"), null=True, blank=True, help_text=_("People reached; empty until known.")
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public pages and in the calendar feeds.")
    )
    notes = bounded_text(
        _("notes (staff only)"), max_length=NOTES_MAX, blank=True, help_text=_("Never shown to the public.")
    )
    planned_on = models.DateField(_("planned release date"), null=True, blank=True)
    released_on = models.DateField(_("actual release date"), null=True, blank=True)
    link = models.URLField(
        _("link"), max_length=500, blank=True, help_text=_("Where the release can be seen.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["is_public", "starts_at"], name="outreach_activity_public_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="outreach_activity_ends_after_start",
                violation_error_message=_("The end must not be before the start."),
            ),
            models.CheckConstraint(
                condition=models.Q(attendance__isnull=True) | models.Q(attendance__gte=0),
                name="outreach_activity_attendance_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(lon__isnull=True, lat__isnull=True)
                # Not null spelled out: a comparison with NULL would let half a point through the check.
                | models.Q(
                    lon__isnull=False,
                    lat__isnull=False,
                    lon__gte=-180,
                    lon__lte=180,
                    lat__gte=-90,
                    lat__lte=90,
                ),
                name="outreach_activity_point_on_earth",
                violation_error_message=_(
                    "Give both the longitude and the latitude of the place, or neither."
                ),
            ),
            not_longer_than("notes", NOTES_MAX),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_active_language(self.title_fr, self.title_en)

    @property
    def is_dated(self) -> bool:
        return self.kind in DATED_KINDS

    @property
    def day(self):
        """The day it happens: a release's actual date once out, else its planned one, else its start's."""
        return self.released_on or self.planned_on or timezone.localdate(self.starts_at)

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise end_before_start_error(Activity, start="starts_at", end="ends_at")
        if self.ends_at is None and self.kind not in DATED_KINDS:
            raise ValidationError({"ends_at": gettext("Give the time the activity ends.")}, code="required")
        if (self.lon is None) != (self.lat is None):
            missing = "lat" if self.lat is None else "lon"
            raise ValidationError(
                {missing: gettext("Give both the longitude and the latitude of the place, or neither.")}
            )


class PriorityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class SectorPriorityQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class SectorPriority(models.Model):
    """A priority residents of a sector expressed ("you said") and what the service did about it ("we did")."""

    sector = models.ForeignKey(
        "beats.Sector", verbose_name=_("sector"), on_delete=models.CASCADE, related_name="priorities"
    )
    concern_fr = bounded_text(
        _("you said (French)"),
        max_length=PRIORITY_MAX,
        help_text=_("The priority as residents expressed it."),
    )
    concern_en = bounded_text(_("you said (English)"), max_length=PRIORITY_MAX, blank=True)
    actions_fr = bounded_text(
        _("we did (French)"), max_length=ACTIONS_MAX, blank=True, help_text=_("The actions taken.")
    )
    actions_en = bounded_text(_("we did (English)"), max_length=ACTIONS_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PriorityStatus.choices, default=PriorityStatus.OPEN
    )
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    resolved_on = models.DateField(_("done on"), null=True, blank=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the sector's public page.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SectorPriorityQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector priority")
        verbose_name_plural = _("sector priorities")
        ordering = ["sector__code", "-raised_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True)
                | models.Q(resolved_on__gte=models.F("raised_on")),
                name="outreach_priority_done_after_raised",
                violation_error_message=_("The date it was done must not be before the date it was raised."),
            ),
            not_longer_than("concern_fr", PRIORITY_MAX),
            not_longer_than("concern_en", PRIORITY_MAX),
            not_longer_than("actions_fr", ACTIONS_MAX),
            not_longer_than("actions_en", ACTIONS_MAX),
        ]

    def __str__(self) -> str:
        return self.concern[:80]

    @property
    def concern(self) -> str:
        return in_active_language(self.concern_fr, self.concern_en)

    @property
    def actions(self) -> str:
        return in_active_language(self.actions_fr, self.actions_en)

    def clean(self):
        if self.raised_on and self.resolved_on and self.resolved_on < self.raised_on:
            raise end_before_start_error(SectorPriority, start="raised_on", end="resolved_on")
