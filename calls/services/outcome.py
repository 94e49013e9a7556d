"""What an import tells of itself: its counters (the batch's figures and live progress) and its error report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..parsing import RowError

MAX_REPORTED_PROBLEMS = 10_000
MAX_REPORTED_VALUE = 100


@dataclass
class ImportCounters:
    """The batch's counters as the import goes: rows read and rejected, calls written, the quality panel."""

    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    without_coordinates: int = 0
    outside_territory: int = 0
    sector_disagreement: int = 0
    unplaced: int = 0

    def outcome(self, *, kept: bool) -> dict[str, int]:
        """The counters the batch keeps: created/updated/unchanged are zero when nothing was kept."""
        return {
            name: 0 if not kept and name in ("created", "updated", "unchanged") else value
            for name, value in vars(self).items()
        }


@dataclass
class ErrorReport:
    """The batch's bad rows as CSV (line, field, value, reason), the first MAX_REPORTED_PROBLEMS of them."""

    problems: int = 0
    buffer: io.StringIO = field(default_factory=io.StringIO)

    def __post_init__(self) -> None:
        self.writer = csv.writer(self.buffer)
        self.writer.writerow([_("line"), _("field"), _("value"), _("reason")])

    def add(self, errors: list[RowError]) -> None:
        for error in errors:
            self.problems += 1
            if self.problems <= MAX_REPORTED_PROBLEMS:
                value = error.value
                if len(value) > MAX_REPORTED_VALUE:
                    value = value[: MAX_REPORTED_VALUE - 1] + "…"
                self.writer.writerow([error.line, error.field, value, error.reason])

    def text(self) -> str:
        if not self.problems:
            return ""
        text = self.buffer.getvalue()
        if self.problems > MAX_REPORTED_PROBLEMS:
            more = self.problems - MAX_REPORTED_PROBLEMS
            text += ngettext(
                "(%(count)s more problem not listed)\n", "(%(count)s more problems not listed)\n", more
            ) % {"count": more}
        return text
