"""One call for service, as the imports wrote it and the sector map placed it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Origin, Placement
from .classification import CallType
from .imports import ImportBatch


class Call(models.Model):
    """One call for service, unique per source and incident number; re-imports update it in place."""

    # No index of its own: the unique (source, incident number) index serves lookups by source, and every
    # index costs each imported row.
    source = models.SlugField(_("source"), max_length=50, db_index=False)
    incident_number = models.CharField(_("incident number"), max_length=64)
    received_at = models.DateTimeField(_("received"))
    call_type = models.ForeignKey(
        CallType, verbose_name=_("call type"), null=True, blank=True, on_delete=models.PROTECT
    )
    priority = models.SmallIntegerField(_("priority"), null=True, blank=True)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.OTHER)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    source_sector_code = models.CharField(_("source sector code"), max_length=32, blank=True)
    # PROTECT: sectors are deactivated, not deleted; deleting one would silently empty figures already
    # published. The composite index below serves lookups by sector, so no index of its own.
    sector = models.ForeignKey(
        "beats.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,
    )
    placement = models.PositiveSmallIntegerField(
        _("placement"), choices=Placement.choices, default=Placement.UNPLACED
    )
    # The map version and the batch are the same for every row of an import, which the importer itself has
    # just read or created: a database check per row (more than half the cost of writing a row, measured in
    # bench/README.md) proves nothing there. Django still applies SET_NULL when either is deleted.
    sector_map_version = models.ForeignKey(
        "beats.SectorMapVersion",
        verbose_name=_("sector map version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("last import batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        db_constraint=False,
    )
    # A digest of everything the import writes: an unchanged row of a re-imported file is not written again.
    row_hash = models.CharField(max_length=32, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("a 911 call", "call")
        verbose_name_plural = _("calls")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "incident_number"], name="call_unique_per_source"),
        ]
        indexes = [
            models.Index(fields=["sector", "received_at"], name="call_sector_received"),
            models.Index(fields=["received_at"], name="call_received"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.incident_number}"
