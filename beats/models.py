from django.db import models
from django.utils.translation import gettext_lazy as _


class SectorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def without_geometry(self):
        """For lists: the geometry is the heavy column and lists never draw it."""
        return self.defer("geometry")


class Sector(models.Model):
    """A piece of the territory owned by one primary officer at a time (a beat).

    The geometry is a GeoJSON Polygon or MultiPolygon in WGS84 (lon, lat), validated by
    `beats.geometry.parse_sector_geometry` on every path that writes it. Write sectors through
    `beats.services` so that the sector map version (and with it every cached index) moves on.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    municipality = models.CharField(_("municipality"), max_length=120, db_index=True)
    borough = models.CharField(_("borough"), max_length=120, blank=True)
    population = models.PositiveIntegerField(
        _("population"), default=0, help_text=_("Residents living in the sector, used for rates.")
    )
    programme_started_on = models.DateField(
        _("programme start date"),
        null=True,
        blank=True,
        help_text=_("When community policing began here; figures before it are the baseline."),
    )
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    geometry = models.JSONField(_("boundary"), help_text=_("GeoJSON Polygon or MultiPolygon, WGS84 lon/lat."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(code=""), name="sector_code_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def geojson_properties(self) -> dict:
        """The sector's attributes as GeoJSON feature properties (export, web maps)."""
        return {
            "code": self.code,
            "name": self.name,
            "municipality": self.municipality,
            "borough": self.borough,
            "population": self.population,
            "programme_started_on": self.programme_started_on.isoformat()
            if self.programme_started_on
            else None,
            "is_active": self.is_active,
        }

    @property
    def place(self) -> str:
        return f"{self.municipality} ({self.borough})" if self.borough else self.municipality


class SectorMapVersion(models.Model):
    """One row each time the set of sector boundaries changes.

    Caches of the point → sector index compare their version with the newest row, and figures computed
    from placements record the version they used.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("sector map version")
        verbose_name_plural = _("sector map versions")
        ordering = ["-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"v{self.pk} ({self.reason})"


class CivicAddress(models.Model):
    """One address of the open-data address file: what residents type to find their sector.

    The sector is not stored: it is found with the point → sector index at lookup time, so that redrawn
    sectors never leave stale answers behind.
    """

    civic_number = models.CharField(_("civic number"), max_length=12)
    street = models.CharField(
        _("street"), max_length=120, help_text=_("As written, e.g. “boulevard Taschereau”.")
    )
    municipality = models.CharField(_("municipality"), max_length=120)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True, db_index=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    # Normalised for search by beats.addresses.normalise: lower case, no accents, street types spelled out.
    street_key = models.CharField(max_length=120, db_index=True, editable=False)
    source = models.CharField(_("source"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("civic address")
        verbose_name_plural = _("civic addresses")
        ordering = ["municipality", "street_key", "civic_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["civic_number", "street_key", "municipality"], name="civic_address_unique"
            ),
        ]

    def __str__(self) -> str:
        postal = f" {self.postal_code[:3]} {self.postal_code[3:]}" if self.postal_code else ""
        return f"{self.civic_number} {self.street}, {self.municipality}{postal}"
