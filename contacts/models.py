"""Resident contacts, their categories, and the community partners officers refer people to.

This module holds the categories and partners (shared with outreach and the public pages), then the contacts
officers log, the residents' identities (kept apart, only with consent), the audit trail of every access to
an identity, and the referrals to partners. Who may see what is decided in contacts/selectors.py.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.i18n import in_active_language
from common.models import AppendOnlyModel
from officers.phones import display_phone


class ContactCategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ContactCategory(models.Model):
    """What a contact was about (neighbour dispute, mental health…): an editable list, named in both languages.

    Categories are retired (inactive), not deleted, so that past contacts keep theirs and figures stay whole.
    """

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("Lists show lower first.")
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Offered for new contacts."))

    objects = ContactCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact category")
        verbose_name_plural = _("contact categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_fr, self.name_en)


class PartnerQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, is_active=True)

    def serving(self, sector):
        """Partners serving a sector: those listing it, and those serving the whole territory (no sector)."""
        sector_id = getattr(sector, "pk", sector)
        return self.filter(models.Q(sectors=sector_id) | models.Q(sectors__isnull=True)).distinct()


class PartnerType(models.TextChoices):
    """What kind of help an organisation gives: the monthly reports count referrals per type."""

    COMMUNITY_SUPPORT = "community_support", _("Community support and mutual aid")
    MENTAL_HEALTH = "mental_health", _("Mental health and crisis")
    MEDIATION = "mediation", _("Mediation")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence shelter and support")
    HOUSING = "housing", _("Housing and homelessness")
    YOUTH = "youth", _("Youth")
    SENIORS = "seniors", _("Seniors")
    ADDICTION = "addiction", _("Addiction")
    VICTIM_SUPPORT = "victim_support", _("Victim support")
    HEALTH_SOCIAL_SERVICES = "health_social_services", _("Health and social services")
    PUBLIC_SAFETY = "public_safety", _("Road and public safety")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """A community organisation officers refer residents to (food bank, shelter, mediation, crisis line…)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(
        _("type"),
        max_length=32,
        choices=PartnerType.choices,
        default=PartnerType.OTHER,
        help_text=_("Reports count referrals per type of organisation."),
    )
    description_fr = models.TextField(_("description (French)"), max_length=1000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=1000, blank=True)
    services = models.ManyToManyField(
        ContactCategory,
        verbose_name=_("services"),
        blank=True,
        related_name="partners",
        help_text=_("The kinds of situations the organisation helps with."),
    )
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("Stored in international form.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    languages = models.ManyToManyField(
        "officers.Language", verbose_name=_("languages"), blank=True, related_name="partners"
    )
    sectors = models.ManyToManyField(
        "beats.Sector",
        verbose_name=_("sectors served"),
        blank=True,
        related_name="partners",
        help_text=_("None: the whole territory."),
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Listed on the public pages of the sectors it serves.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return in_active_language(self.description_fr, self.description_en)

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)


# --- Contacts -------------------------------------------------------------------------------------------

SUMMARY_MAX_LENGTH = 500
OUTCOME_TEXT_MAX_LENGTH = 500


class Channel(models.TextChoices):
    WORK_CELL = "work_cell", _("Call to the work cell")
    TEXT = "text", _("Text message")
    PATROL = "patrol", _("In person on patrol")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("E-mail")
    PARTNER = "partner", _("Referred by a partner")


class Who(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    BUSINESS = "business", _("Business")
    ORGANISATION = "organisation", _("Organisation")
    VULNERABLE = "vulnerable", _("Vulnerable person")
    FAMILY = "family", _("Family")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    ESCALATED = "escalated", _("Escalated to patrol or 911")


class ContactQuerySet(models.QuerySet):
    def follow_ups_due(self, day):
        """Follow-ups not done whose due date is `day` or earlier."""
        return self.filter(follow_up_done=False, follow_up_due__isnull=False, follow_up_due__lte=day)

    def open_follow_ups(self):
        return self.filter(follow_up_done=False, follow_up_due__isnull=False)

    def older_than(self, moment):
        return self.filter(when__lt=moment)


class Contact(models.Model):
    """A resident, business or organisation reached an officer (or the officer them) outside a 911 call.

    No identity here: the person's name and numbers, when they consent, live in ResidentIdentity. The summary
    is short free text, destroyed by the retention job with the identity; everything counted stays.
    """

    when = models.DateTimeField(_("when"), db_index=True)
    officer = models.ForeignKey(
        "officers.Officer", verbose_name=_("officer"), on_delete=models.PROTECT, related_name="contacts"
    )
    sector = models.ForeignKey(
        "beats.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="contacts"
    )
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    who = models.CharField(_("who"), max_length=20, choices=Who.choices, default=Who.RESIDENT)
    categories = models.ManyToManyField(
        ContactCategory, verbose_name=_("categories"), related_name="contacts", blank=False
    )
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX_LENGTH, blank=True)
    would_have_called_911 = models.BooleanField(_("would otherwise have called 911"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-when", "-id"]
        permissions = [
            ("view_all_contacts", _("Can see every officer's contacts (the team)")),
            ("view_contact_statistics", _("Can see contact counts")),
        ]
        indexes = [
            models.Index(fields=["officer", "when"]),
            models.Index(fields=["sector", "when"]),
            models.Index(fields=["follow_up_done", "follow_up_due"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(lon__isnull=True) & models.Q(lat__isnull=True))
                | (models.Q(lon__isnull=False) & models.Q(lat__isnull=False)),
                name="contact_point_has_both_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return _("Contact %(number)s") % {"number": self.pk}


class ResidentIdentity(models.Model):
    """Who the person is, recorded only with their consent; kept apart from the contact and audited on read."""

    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="identity"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("Stored in international form.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_at = models.DateTimeField(_("consent recorded"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("resident identity")
        verbose_name_plural = _("resident identities")
        permissions = [("export_residentidentity", _("Can export a resident's data (access requests)"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(consent_given=True), name="identity_only_with_consent"),
        ]

    def __str__(self) -> str:
        # Never the name: this string lands in admin messages and logs.
        return _("Identity of contact %(number)s") % {"number": self.contact_id}


class IdentityAccess(AppendOnlyModel):
    """The audit trail of residents' identities: who did what to which record, when. Never edited."""

    class Action(models.TextChoices):
        READ = "read", _("read")
        CREATE = "create", _("create")
        CHANGE = "change", _("change")
        PURGE = "purge", _("purge")
        EXPORT = "export", _("export")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the retention job."),
    )
    # The contact, not the identity: the identity may be gone (purged) and its trail must stay.
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("record"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="identity_accesses",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("identity access")
        verbose_name_plural = _("identity accesses")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} #{self.contact_id}"


class Referral(models.Model):
    """A contact handed over to a partner organisation or to the service's social worker; its loop is closed
    when the partner completes (or declines) it."""

    class Status(models.TextChoices):
        MADE = "made", _("Made")
        ACCEPTED = "accepted", _("Accepted")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined")

    CLOSED = (Status.COMPLETED, Status.DECLINED)

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="referrals"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    to_social_worker = models.BooleanField(_("to the service's social worker"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.MADE)
    outcome = models.TextField(_("outcome"), max_length=OUTCOME_TEXT_MAX_LENGTH, blank=True)
    made_at = models.DateTimeField(_("made"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-made_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(partner__isnull=False) & models.Q(to_social_worker=False))
                | (models.Q(partner__isnull=True) & models.Q(to_social_worker=True)),
                name="referral_to_a_partner_or_the_social_worker",
            ),
        ]

    def __str__(self) -> str:
        return _("Referral to %(target)s") % {"target": self.target}

    @property
    def target(self) -> str:
        return str(self.partner) if self.partner_id else str(_("the service's social worker"))

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED
