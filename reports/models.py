"""The files of the monthly report: one row per month × scope × format × language, rewritten when run again.

A report's figures are computed from other apps' rows (reports.selectors); this row records the file written
from them, how its generation went, and the parameters it was built with (reports.services).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.models import AppendOnlyModel

from .exporters import FORMATS

# Why a generation failed, as shown to the analyst in the language of the page (never personal data: the detail
# is a sector code, a municipality's name or a format).
ERRORS = {
    "sector_gone": _("Sector %(detail)s no longer exists."),
    "municipality_empty": _("The municipality %(detail)s has no active sector any more."),
    "format_unavailable": _("The %(detail)s format cannot be produced on this server yet."),
    "storage": _("The file could not be saved: the file storage is unavailable."),
    "time_limit": _("The report took too long and was stopped."),
    "not_started": _("The report could not be started: try again later."),
    "unexpected": _("An unexpected error stopped the report; the details are in the server's log."),
}


class GeneratedReport(models.Model):
    """One file of the monthly report, its generation's status and progress, and what it was built from."""

    class ScopeKind(models.TextChoices):
        TERRITORY = "territory", _("whole territory")
        MUNICIPALITY = "municipality", _("municipality")
        SECTOR = "sector", _("sector")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Step(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        FIGURES = "figures", _("computing the figures")
        RENDER = "render", _("writing the file")
        SAVE = "save", _("saving the file")
        DONE = "done", _("ready")
        FAILED = "failed", _("stopped")

    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    scope_kind = models.CharField(_("scope"), max_length=12, choices=ScopeKind.choices)
    scope_code = models.CharField(
        _("scope code"),
        max_length=120,
        blank=True,
        help_text=_("The municipality's name or the sector's code; empty for the whole territory."),
    )
    scope_name = models.CharField(_("scope name"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=8, choices=Step.choices, default=Step.QUEUED)
    error_code = models.CharField(_("error"), max_length=20, blank=True, choices=[(k, k) for k in ERRORS])
    error_detail = models.CharField(_("error detail"), max_length=200, blank=True)
    # In the default storage under reports/ (never served by a URL: only reports.views.report_download reads it).
    file = models.CharField(_("stored file"), max_length=500, blank=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the monthly schedule."),
    )
    requested_at = models.DateTimeField(_("requested"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-month", "scope_kind", "scope_code", "format", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "scope_kind", "scope_code", "format", "language"],
                name="generated_report_unique",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.month:%Y-%m} {self.scope_kind} {self.scope_code} {self.format} {self.language}".replace(
                "  ", " "
            )
        )

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def scope_label(self) -> str:
        """The scope as people name it, in the active language."""
        if self.scope_kind == self.ScopeKind.TERRITORY:
            return gettext("Whole territory")
        if self.scope_kind == self.ScopeKind.SECTOR:
            return gettext("Sector %(name)s") % {"name": self.scope_name or self.scope_code}
        return self.scope_name or self.scope_code

    @property
    def content_type(self) -> str:
        return FORMATS[self.format].content_type

    @property
    def error_message(self) -> str:
        """Why the generation failed, in the active language; empty when it did not."""
        if not self.error_code:
            return ""
        return str(ERRORS.get(self.error_code, ERRORS["unexpected"])) % {"detail": self.error_detail}


class ReportDownload(AppendOnlyModel):
    """Who downloaded which report file, and when: the audit trail of the reports' exports (their contact
    figures are drawn from residents' records). Written once, never changed or deleted by the application."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The report row may be deleted, or its file replaced by a new run: the name and checksum say which file.
    report = models.ForeignKey(
        GeneratedReport,
        verbose_name=_("report"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="downloads",
    )
    file_name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("report download")
        verbose_name_plural = _("report downloads")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.file_name}"
