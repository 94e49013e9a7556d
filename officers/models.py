from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.i18n import in_active_language

from .phones import display_phone


class Language(models.Model):
    """A language an officer speaks, as residents would look for it."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["code"]

    def __str__(self) -> str:
        return in_active_language(self.name_fr, self.name_en)


class OfficerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def published(self):
        """Officers who consented to appear on the public site."""
        return self.filter(is_active=True, is_published=True)


class Officer(models.Model):
    class Role(models.TextChoices):
        CONSTABLE = "constable", _("Constable")
        SUPERVISOR = "supervisor", _("Supervisor (sergeant)")
        CIVILIAN = "civilian", _("Civilian community officer")
        SOCIAL_WORKER = "social_worker", _("Social worker")

    badge_number = models.CharField(_("badge number"), max_length=20, unique=True)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONSTABLE)
    photo = models.ImageField(_("photo"), upload_to="officers/photos/", blank=True)
    # Made from `photo` by officers.photos: small for lists and cards, medium for the public page.
    photo_small = models.ImageField(upload_to="officers/photos/small/", blank=True, editable=False)
    photo_medium = models.ImageField(upload_to="officers/photos/medium/", blank=True, editable=False)
    work_phone = models.CharField(
        _("published work phone"), max_length=20, blank=True, help_text=_("Stored in international form.")
    )
    work_email = models.EmailField(_("published work e-mail"), blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("languages spoken"), blank=True)
    patrols_on_foot = models.BooleanField(_("on foot"), default=False)
    patrols_by_bike = models.BooleanField(_("by bike"), default=False)
    patrols_by_car = models.BooleanField(_("by car"), default=False)
    bio_fr = models.TextField(_("short bio (French)"), max_length=600, blank=True)
    bio_en = models.TextField(_("short bio (English)"), max_length=600, blank=True)
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_(
            "The officer consented: name, photo, work phone and e-mail, languages may appear in public."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfficerQuerySet.as_manager()

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["last_name", "first_name"]
        permissions = [("view_coverage", _("Can see the coverage board"))]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.badge_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def work_phone_display(self) -> str:
        return display_phone(self.work_phone)

    @property
    def work_phone_uri(self) -> str:
        return f"tel:{self.work_phone}" if self.work_phone else ""

    @property
    def patrol_modes(self) -> list[str]:
        modes = [
            (self.patrols_on_foot, _("on foot")),
            (self.patrols_by_bike, _("by bike")),
            (self.patrols_by_car, _("by car")),
        ]
        return [str(label) for on, label in modes if on]


class AssignmentQuerySet(models.QuerySet):
    def on(self, day):
        """Assignments in force on `day` (the end date is the last day worked)."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)

    def overlapping(self, starts_on, ends_on):
        """Assignments sharing at least one day with [starts_on, ends_on] (ends_on None: open-ended)."""
        queryset = self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        return queryset if ends_on is None else queryset.filter(starts_on__lte=ends_on)


class Assignment(models.Model):
    """An officer in a sector over a date range. Kept as history: ending one sets its end date."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        SECONDARY = "secondary", _("Secondary")

    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="assignments"
    )
    sector = models.ForeignKey(
        "beats.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(
        _("role in the sector"), max_length=10, choices=Role.choices, default=Role.PRIMARY
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-starts_on", "sector__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["sector", "starts_on"]),
            models.Index(fields=["officer", "starts_on"]),
        ]

    def __str__(self) -> str:
        return _("%(officer)s, %(role)s in %(sector)s from %(start)s to %(end)s") % {
            "officer": self.officer.full_name,
            "role": self.get_role_display().lower(),
            "sector": self.sector.code,
            "start": self.starts_on.isoformat(),
            "end": self.ends_on.isoformat() if self.ends_on else "…",
        }


class AbsenceQuerySet(models.QuerySet):
    def on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def overlapping(self, starts_on, ends_on):
        return self.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)


class Absence(models.Model):
    """An officer away; the covering officer is who residents are shown meanwhile."""

    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="absences"
    )
    starts_on = models.DateField(_("first day away"))
    ends_on = models.DateField(_("last day away"))
    reason = models.CharField(
        _("reason (private)"), max_length=200, blank=True, help_text=_("Never shown in public.")
    )
    covering_officer = models.ForeignKey(
        Officer,
        verbose_name=_("covering officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covers",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=~Q(covering_officer=models.F("officer")), name="absence_not_covered_by_the_absent"
            ),
        ]

    def __str__(self) -> str:
        return _("%(officer)s away from %(start)s to %(end)s") % {
            "officer": self.officer.full_name,
            "start": self.starts_on.isoformat(),
            "end": self.ends_on.isoformat(),
        }


class CoverageChange(models.Model):
    """The audit trail of assignments and absences: who changed what, when. Rows are never edited."""

    class Action(models.TextChoices):
        ASSIGNMENT_CREATED = "assignment_created", _("assignment created")
        ASSIGNMENT_ENDED = "assignment_ended", _("assignment ended")
        ASSIGNMENT_CHANGED = "assignment_changed", _("assignment changed")
        ABSENCE_PLANNED = "absence_planned", _("absence planned")
        ABSENCE_CHANGED = "absence_changed", _("absence changed")
        ABSENCE_CANCELLED = "absence_cancelled", _("absence cancelled")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    officer = models.ForeignKey(
        Officer, verbose_name=_("officer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sector = models.ForeignKey(
        "beats.Sector", verbose_name=_("sector"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignment = models.ForeignKey(Assignment, null=True, on_delete=models.SET_NULL, related_name="changes")
    absence = models.ForeignKey(Absence, null=True, on_delete=models.SET_NULL, related_name="changes")
    # What changed, in words; never the private reason of an absence.
    summary = models.CharField(_("what"), max_length=400)

    class Meta:
        verbose_name = _("coverage change")
        verbose_name_plural = _("coverage changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.summary
