"""The counted calls every figure is read from, and the state of those counts."""

from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .choices import Urgency
from .classification import CallCategory


class MonthlyCallCount(models.Model):
    """Calls of one month in one sector, urgency class and category: the rows every figure is read from.

    Months are calendar months of settings.TIME_ZONE. Unplaced calls (sector null) and calls of unmapped
    types (category null) have rows of their own, so totals never drop them. Written only by calls.counts,
    which replaces whole months; nothing else adds to these rows.
    """

    # PROTECT like Call.sector: sectors are deactivated, not deleted.
    sector = models.ForeignKey(
        "beats.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices)
    # A deleted category's rows go with it; calls.signals recomputes their months (now unmapped).
    category = models.ForeignKey(
        CallCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    count = models.PositiveIntegerField(_("calls"))

    class Meta:
        verbose_name = _("monthly call count")
        verbose_name_plural = _("monthly call counts")
        ordering = ["-month", "sector", "urgency", "category"]
        constraints = [
            # Coalesce: a plain unique constraint lets NULLs repeat (unplaced, unmapped), on PostgreSQL and
            # SQLite alike; NULLS NOT DISTINCT would not hold on SQLite (the demo).
            models.UniqueConstraint(
                Coalesce("sector", models.Value(0)),
                "month",
                "urgency",
                Coalesce("category", models.Value(0)),
                name="monthly_call_count_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["month"], name="monthly_count_month"),
            models.Index(fields=["sector", "month"], name="monthly_count_sector_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.sector_id or '-'} {self.urgency}: {self.count}"


class CallCountsState(models.Model):
    """One row (pk 1): which sector map the counted calls were placed with, and when counts were written."""

    sector_map_version = models.ForeignKey(
        "beats.SectorMapVersion",
        verbose_name=_("sector map version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Every call was placed with this map when the calls were last re-placed."),
    )
    replaced_at = models.DateTimeField(_("calls last re-placed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("counts last updated"), null=True, blank=True)
    recomputed_at = models.DateTimeField(_("counts last fully recomputed"), null=True, blank=True)

    class Meta:
        verbose_name = _("state of the call counts")
        verbose_name_plural = _("state of the call counts")

    def __str__(self) -> str:
        return str(_("Call counts"))
