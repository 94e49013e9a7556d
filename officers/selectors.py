"""Who covers which sector, on a day or over the coming days."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from beats.models import Sector

from .models import Absence, Assignment, Officer


class CoverageStatus(models.TextChoices):
    COVERED = "covered", _("Covered")
    BACKUP = "backup", _("Covered by a backup")
    AWAY = "away", _("Officer away, no cover")
    VACANT = "vacant", _("Vacant")


# What residents would get: the gaps are the statuses where they reach nobody.
GAP_STATUSES = (CoverageStatus.AWAY, CoverageStatus.VACANT)


@dataclass
class SectorCoverage:
    sector: Sector
    status: str
    primary: Officer | None = None
    absence: Absence | None = None
    covering: Officer | None = None  # who residents reach instead of the primary officer
    secondary: list[Officer] = field(default_factory=list)

    @property
    def contact(self) -> Officer | None:
        """The officer a resident of this sector reaches on that day."""
        if self.status == CoverageStatus.COVERED:
            return self.primary
        return self.covering


@dataclass(frozen=True)
class CoverageGap:
    sector: Sector
    status: str
    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


def coverage_on(day: datetime.date, *, sector_id: int | None = None) -> list[SectorCoverage]:
    """The coverage of every active sector (or just one) on `day`, in code order (three queries, whatever
    the size)."""
    return coverage_between(day, day, sector_id=sector_id)[day]


def coverage_between(
    first: datetime.date, last: datetime.date, *, sector_id: int | None = None
) -> dict[datetime.date, list[SectorCoverage]]:
    sectors = Sector.objects.active().without_geometry().order_by("code")
    assignments = Assignment.objects.overlapping(first, last).filter(sector__is_active=True)
    if sector_id is not None:
        # A resident's lookup needs one sector: load its assignments only, not the whole unit's.
        sectors = sectors.filter(pk=sector_id)
        assignments = assignments.filter(sector_id=sector_id)
    sectors = list(sectors)
    assignments = list(assignments.select_related("officer").order_by("starts_on"))
    absences = list(Absence.objects.overlapping(first, last).select_related("covering_officer"))
    absences_by_officer = defaultdict(list)
    for absence in absences:
        absences_by_officer[absence.officer_id].append(absence)

    def away(officer_id: int, day: datetime.date) -> Absence | None:
        return next((a for a in absences_by_officer[officer_id] if a.starts_on <= day <= a.ends_on), None)

    by_sector = defaultdict(list)
    for assignment in assignments:
        by_sector[assignment.sector_id].append(assignment)

    days = {}
    day = first
    while day <= last:
        rows = []
        for sector in sectors:
            in_force = [
                a
                for a in by_sector[sector.pk]
                if a.starts_on <= day and (a.ends_on is None or a.ends_on >= day)
            ]
            primary = next((a.officer for a in in_force if a.role == Assignment.Role.PRIMARY), None)
            present_secondaries = [
                a.officer
                for a in in_force
                if a.role == Assignment.Role.SECONDARY and not away(a.officer_id, day)
            ]
            row = SectorCoverage(
                sector=sector, status=CoverageStatus.VACANT, primary=primary, secondary=present_secondaries
            )
            if primary is not None:
                row.absence = away(primary.pk, day)
                if row.absence is None:
                    row.status = CoverageStatus.COVERED
                else:
                    cover = row.absence.covering_officer
                    if cover is not None and away(cover.pk, day):
                        cover = None
                    row.covering = cover or (present_secondaries[0] if present_secondaries else None)
                    row.status = CoverageStatus.BACKUP if row.covering else CoverageStatus.AWAY
            rows.append(row)
        days[day] = rows
        day += datetime.timedelta(days=1)
    return days


def coverage_gaps(*, starting: datetime.date, days: int = 14) -> list[CoverageGap]:
    """Runs of days in the coming `days` when a sector's residents would reach nobody, soonest first."""
    last = starting + datetime.timedelta(days=days - 1)
    timeline = coverage_between(starting, last)
    gaps: list[CoverageGap] = []
    open_runs: dict[int, CoverageGap] = {}
    for day, rows in timeline.items():
        for row in rows:
            run = open_runs.get(row.sector.pk)
            if row.status in GAP_STATUSES:
                if run is not None and run.status == row.status:
                    open_runs[row.sector.pk] = CoverageGap(row.sector, row.status, run.starts_on, day)
                    continue
                if run is not None:
                    gaps.append(run)
                open_runs[row.sector.pk] = CoverageGap(row.sector, row.status, day, day)
            elif run is not None:
                gaps.append(open_runs.pop(row.sector.pk))
    gaps.extend(open_runs.values())
    return sorted(gaps, key=lambda gap: (gap.starts_on, gap.sector.code))
