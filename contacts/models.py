"""Resident contacts, their categories, and the community partners officers refer people to.

This module holds the categories and partners (shared with outreach and the public pages); the contacts,
identities and referrals follow them.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _in_language(french: str, english: str) -> str:
    return english if (get_language() or "fr").startswith("en") and english else french


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
        return _in_language(self.name_fr, self.name_en)


class PartnerQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, is_active=True)

    def serving(self, sector):
        """Partners serving a sector: those listing it, and those serving the whole territory (no sector)."""
        sector_id = getattr(sector, "pk", sector)
        return self.filter(models.Q(sectors=sector_id) | models.Q(sectors__isnull=True)).distinct()


class Partner(models.Model):
    """A community organisation officers refer residents to (food bank, shelter, mediation, crisis line…)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
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
        return _in_language(self.description_fr, self.description_en)
