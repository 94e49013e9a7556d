"""How analysts classify calls: categories, and the call types of each source mapped to them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.i18n import in_active_language

from .choices import Urgency


class CallCategory(models.Model):
    """An analyst's grouping of call types (traffic, disturbance, theft…), named in both languages."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        verbose_name = _("call category")
        verbose_name_plural = _("call categories")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_fr, self.name_en)


class CallType(models.Model):
    """A call type code of one source, mapped by an analyst to a category and an urgency class.

    Codes met for the first time during an import are created unmapped, for the analyst to map.
    """

    source = models.SlugField(_("source"), max_length=50)
    code = models.CharField(_("code"), max_length=120)
    label = models.CharField(_("label"), max_length=200, blank=True)
    category = models.ForeignKey(
        CallCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_types",
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.UNMAPPED, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("call type")
        verbose_name_plural = _("call types")
        ordering = ["source", "code"]
        constraints = [
            models.UniqueConstraint(fields=["source", "code"], name="call_type_unique_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}" if self.label and self.label != self.code else self.code
