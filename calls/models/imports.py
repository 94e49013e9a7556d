"""Imports of dispatch exports: how to read each system's export (profiles), and each run of a file (batches)."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Origin


class ImportProfile(models.Model):
    """How to read one dispatch system's export: which column holds what, in which format."""

    class FileFormat(models.TextChoices):
        AUTO = "auto", _("detect")
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (XLSX)")

    class Encoding(models.TextChoices):
        AUTO = "auto", _("detect")
        UTF8 = "utf-8", _("UTF-8")
        CP1252 = "cp1252", _("Windows-1252")
        LATIN1 = "latin-1", _("Latin-1 (ISO 8859-1)")

    class Delimiter(models.TextChoices):
        AUTO = "auto", _("detect")
        COMMA = ",", _("comma")
        SEMICOLON = ";", _("semicolon")
        TAB = "tab", _("tab")

    name = models.CharField(_("name"), max_length=100, unique=True)
    source = models.SlugField(
        _("source"),
        max_length=50,
        help_text=_("Namespace of the incident numbers: the same number from two sources is two calls."),
    )
    description = models.TextField(_("description"), blank=True)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices, default="auto")
    encoding = models.CharField(_("encoding"), max_length=8, choices=Encoding.choices, default="auto")
    delimiter = models.CharField(_("delimiter"), max_length=4, choices=Delimiter.choices, default="auto")
    decimal_comma = models.BooleanField(
        _("decimal comma"), default=False, help_text=_("Numbers are written 45,5 rather than 45.5.")
    )
    incident_number_column = models.CharField(_("incident number column"), max_length=100)
    received_at_column = models.CharField(_("received time column"), max_length=100)
    received_at_format = models.CharField(
        _("received time format"),
        max_length=60,
        default="iso",
        help_text=_("A strptime format such as %m/%d/%Y %I:%M:%S %p, or “iso” for ISO 8601."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=60,
        default="America/Toronto",
        help_text=_("Zone of times written without an offset, e.g. America/Toronto."),
    )
    call_type_code_column = models.CharField(_("call type code column"), max_length=100)
    call_type_label_column = models.CharField(_("call type label column"), max_length=100, blank=True)
    priority_column = models.CharField(_("priority column"), max_length=100, blank=True)
    origin_column = models.CharField(_("origin column"), max_length=100, blank=True)
    origin_mapping = models.JSONField(
        _("origin mapping"),
        default=dict,
        blank=True,
        help_text=_(
            'The file\'s origin values mapped to 911, phone, on_view or other, e.g. {"911": "911"}; '
            "values not listed count as other."
        ),
    )
    x_column = models.CharField(_("x / longitude column"), max_length=100, blank=True)
    y_column = models.CharField(_("y / latitude column"), max_length=100, blank=True)
    coordinates_epsg = models.PositiveIntegerField(
        _("EPSG code of the coordinates"),
        default=4326,
        help_text=_("4326 means longitude/latitude in degrees; e.g. 32188 for NAD83 MTM zone 8."),
    )
    source_sector_column = models.CharField(_("source sector code column"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors.setdefault("time_zone", []).append(
                _("Unknown time zone “%(zone)s”.") % {"zone": self.time_zone}
            )
        from pyproj import CRS
        from pyproj.exceptions import CRSError

        try:
            CRS.from_epsg(self.coordinates_epsg)
        except CRSError:
            errors.setdefault("coordinates_epsg", []).append(
                _("EPSG:%(code)s is not a known coordinate system.") % {"code": self.coordinates_epsg}
            )
        fmt = (self.received_at_format or "").strip()
        if fmt.lower() != "iso" and "%" not in fmt:
            errors.setdefault("received_at_format", []).append(
                _("Give a strptime format (with % directives) or “iso”.")
            )
        for field in ("incident_number_column", "received_at_column", "call_type_code_column"):
            if not (getattr(self, field) or "").strip():
                errors.setdefault(field, []).append(_("This column is required."))
        if bool(self.x_column.strip()) != bool(self.y_column.strip()):
            errors.setdefault("y_column" if self.x_column.strip() else "x_column", []).append(
                _("Give both coordinate columns, or neither.")
            )
        mapping = self.origin_mapping
        allowed = set(Origin.values)
        if not isinstance(mapping, dict) or not all(
            isinstance(key, str) and value in allowed for key, value in mapping.items()
        ):
            errors.setdefault("origin_mapping", []).append(
                _("Map each value of the file to one of: %(allowed)s.")
                % {"allowed": ", ".join(Origin.values)}
            )
        if errors:
            raise ValidationError(errors)

    @property
    def delimiter_character(self) -> str | None:
        if self.delimiter == self.Delimiter.AUTO:
            return None
        return "\t" if self.delimiter == self.Delimiter.TAB else self.delimiter

    def required_columns(self) -> list[str]:
        columns = [self.incident_number_column, self.received_at_column, self.call_type_code_column]
        for optional in (
            self.call_type_label_column,
            self.priority_column,
            self.origin_column,
            self.x_column,
            self.y_column,
            self.source_sector_column,
        ):
            if optional:
                columns.append(optional)
        return columns


class ImportBatch(models.Model):
    """One import of one file: who, when, how it went, and the rows it could not read."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        REJECTED = "rejected", _("rejected")
        FAILED = "failed", _("failed")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("all or nothing")
        THRESHOLD = "threshold", _("skip bad rows up to a threshold")

    profile = models.ForeignKey(
        ImportProfile, verbose_name=_("import profile"), on_delete=models.PROTECT, related_name="batches"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    max_bad_percent = models.DecimalField(
        _("maximum bad rows (%)"), max_digits=5, decimal_places=2, default=0
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("calls created"), default=0)
    updated = models.PositiveIntegerField(_("calls updated"), default=0)
    unchanged = models.PositiveIntegerField(_("calls unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    without_coordinates = models.PositiveIntegerField(_("without coordinates"), default=0)
    outside_territory = models.PositiveIntegerField(_("outside the territory"), default=0)
    sector_disagreement = models.PositiveIntegerField(_("sector differs from the source's"), default=0)
    unplaced = models.PositiveIntegerField(_("unplaced"), default=0)
    sector_map_version = models.ForeignKey(
        "beats.SectorMapVersion",
        verbose_name=_("sector map version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The first and last received time of the batch's calls placed in a sector (none: null): the months an
    # import observed, so that a month no import covered reads as no data, never as zero calls. Calls outside
    # the territory or unplaced never extend it (calls.observed).
    placed_from = models.DateTimeField(_("first placed call"), null=True, blank=True)
    placed_until = models.DateTimeField(_("last placed call"), null=True, blank=True)
    error_report = models.TextField(
        _("error report"), blank=True, help_text=_("CSV: line, field, value, reason (first 10,000 problems).")
    )
    failure_message = models.TextField(_("failure message"), blank=True)
    # Where an uploaded file waits for the worker, in the default storage under calls/uploads/ (never served):
    # deleted once the batch succeeded or was rejected, kept after a failure so that it can be run again.
    upload = models.CharField(_("stored upload"), max_length=500, blank=True, editable=False)
    # The language of the error report and messages, fixed at upload (the uploader's); empty: the default.
    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def imported(self) -> int:
        """Rows of the file the calls table now holds as the file says: created, updated or already so."""
        return self.created + self.updated + self.unchanged

    def percent(self, count: int) -> float | None:
        """A counter as a share of the rows read; None when nothing was read."""
        return 100 * count / self.rows_read if self.rows_read else None
