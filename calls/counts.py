"""Writes of the monthly call counts, and the re-placement of calls when the sector map moves on.

Counts are always *replaced*, a whole month at a time, from one GROUP BY over the calls of those months (month
of received_at in settings.TIME_ZONE × sector × urgency × category), inside one transaction: running any of
these twice gives the same rows, and a month is never half old and half new. Writers queue on the single
CallCountsState row (SELECT … FOR UPDATE), so two recomputations of the same month cannot interleave.

* `counts_recompute` — every month, or the months given (`manage.py recompute_call_stats`, the nightly task).
* `counts_update_for_batch` — the months an import touched, inside the import's own transaction.
* `counts_recompute_for_call_types` — the months holding calls of reclassified call types.
* `calls_replace` — re-place the calls placed with an older sector map, then recompute the months that moved.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from beats import index as sector_index
from beats.models import Sector
from common.months import add_months, month_bounds, month_start, service_zone

from .models import Call, CallCountsState, ImportBatch, MonthlyCallCount, Urgency
from .parsing import row_hash
from .placement import place_calls
from .services.batches import batch_periods_recompute

logger = logging.getLogger(__name__)

REPLACE_CHUNK_SIZE = 5000


def _runs(months: list[date]) -> list[tuple[date, date]]:
    """Sorted months as runs of consecutive months (first, last), so a filter needs one range per run."""
    runs: list[list[date]] = []
    for month in months:
        if runs and add_months(runs[-1][1], 1) == month:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    return [(first, last) for first, last in runs]


def _in_months(months: list[date]) -> Q:
    condition = Q()
    for first, last in _runs(months):
        condition |= Q(received_at__gte=month_bounds(first)[0], received_at__lt=month_bounds(last)[1])
    return condition


def _month_of_call() -> TruncMonth:
    return TruncMonth("received_at", tzinfo=service_zone())


def months_of_calls(calls: QuerySet[Call]) -> list[date]:
    """The distinct months (service zone) of a queryset of calls, oldest first."""
    moments = calls.annotate(month=_month_of_call()).order_by().values_list("month", flat=True).distinct()
    return sorted({moment.date() for moment in moments})


# --- recomputing ----------------------------------------------------------------------------------------------


def _state_for_update() -> CallCountsState:
    CallCountsState.objects.get_or_create(pk=1)
    return CallCountsState.objects.select_for_update().get(pk=1)


def _replace_months(months: list[date] | None) -> int:
    """Replace the counts of `months` (None: all) from the calls. Call inside a transaction holding the state."""
    calls = Call.objects.all()
    existing = MonthlyCallCount.objects.all()
    if months is not None:
        if not months:
            return 0
        calls = calls.filter(_in_months(months))
        existing = existing.filter(month__in=months)
    grouped = (
        calls.annotate(
            month=_month_of_call(),
            # A call without a type (none in the file) counts as unmapped, like a type not mapped yet.
            urgency_class=Coalesce("call_type__urgency", Value(Urgency.UNMAPPED)),
        )
        .order_by()
        .values_list("month", "sector_id", "urgency_class", "call_type__category_id")
        .annotate(n=Count("pk"))
    )
    rows = [
        MonthlyCallCount(
            month=moment.date(), sector_id=sector_id, urgency=urgency, category_id=category, count=n
        )
        for moment, sector_id, urgency, category, n in grouped.iterator(chunk_size=10_000)
    ]
    existing.delete()
    MonthlyCallCount.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def counts_recompute(*, months: Iterable[date] | None = None) -> int:
    """Recompute the counts of `months` (first days, or any day of them), or of every month when None.

    Returns the number of count rows written. Idempotent: same calls, same rows.
    """
    wanted = None if months is None else sorted({month_start(month) for month in months})
    with transaction.atomic():
        state = _state_for_update()
        written = _replace_months(wanted)
        now = timezone.now()
        state.updated_at = now
        fields = ["updated_at"]
        if wanted is None:
            state.recomputed_at = now
            fields.append("recomputed_at")
        state.save(update_fields=fields)
    return written


def counts_update_for_batch(batch: ImportBatch, *, months: Iterable[date] | None = None) -> list[date]:
    """After an import: recompute the months the batch's calls fall in; returns those months.

    `months`, when the importer knows them (the months of the calls it wrote, first days), saves looking them up
    among the batch's calls. Meant to run inside the import's transaction, so that counts and calls commit
    together. A re-imported call whose time moved to another month leaves its old month one too high; the check
    below notices (the counts then add up to more than the calls) and recomputes every month.
    """
    if months is None:
        months = months_of_calls(Call.objects.filter(batch=batch))
    else:
        months = sorted({month_start(month) for month in months})
    if not months:
        return []
    with transaction.atomic():
        state = _state_for_update()
        _replace_months(months)
        counted = MonthlyCallCount.objects.aggregate(total=Sum("count"))["total"] or 0
        if counted != Call.objects.count():
            logger.info("call counts out of step after batch %s: recomputing every month", batch.pk)
            _replace_months(None)
        state.updated_at = timezone.now()
        fields = ["updated_at"]
        if state.sector_map_version_id is None:
            state.sector_map_version_id = batch.sector_map_version_id
            fields.append("sector_map_version")
        state.save(update_fields=fields)
    return months


def counts_recompute_for_call_types(*, call_type_ids: Iterable[int]) -> list[date]:
    """A call type's urgency or category changed: recompute the months holding its calls."""
    ids = list(call_type_ids)
    months = months_of_calls(Call.objects.filter(call_type_id__in=ids)) if ids else []
    if months:
        counts_recompute(months=months)
    return months


# --- re-placing -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplaceResult:
    sector_map_version_id: int | None
    examined: int
    moved: int
    months: list[date]


def calls_replace(*, chunk_size: int = REPLACE_CHUNK_SIZE) -> ReplaceResult:
    """Place again, with the current sector map, every call placed with another one; recompute what moved.

    Works in chunks of `chunk_size` calls, each in its own transaction with its rows locked (an import writing
    the same calls waits, or is waited for): a run stopped half-way has lost nothing, and the next run carries
    on where it stopped, since re-placed calls carry the new map version. The months whose calls changed
    sector are recomputed at the end, with the import batches' periods of placed calls (calls.observed), and
    the state records the map version.
    """
    index = sector_index.get_sector_index()
    version = index.version
    sector_by_code = {code.upper(): pk for pk, code in Sector.objects.active().values_list("pk", "code")}
    if version is None:
        stale = Call.objects.filter(sector_map_version__isnull=False)
    else:
        stale = Call.objects.filter(Q(sector_map_version__isnull=True) | ~Q(sector_map_version=version))
    fields = (
        "pk",
        "lon",
        "lat",
        "source_sector_code",
        "sector_id",
        "placement",
        "received_at",
        "call_type_id",
        "priority",
        "origin",
    )
    examined = moved = 0
    months: set[date] = set()
    zone = service_zone()
    last_pk = 0
    while True:
        with transaction.atomic():
            rows = list(
                stale.filter(pk__gt=last_pk)
                .order_by("pk")
                .select_for_update()
                .values_list(*fields)[:chunk_size]
            )
            if not rows:
                break
            last_pk = rows[-1][0]
            examined += len(rows)
            sector_ids, placements = place_calls(
                index,
                sector_by_code,
                [row[1] for row in rows],
                [row[2] for row in rows],
                [row[3] for row in rows],
            )
            same, changed = [], []
            for row, sector_id, placement in zip(rows, sector_ids, placements, strict=True):
                (
                    pk,
                    lon,
                    lat,
                    source_code,
                    old_sector,
                    old_placement,
                    received_at,
                    type_id,
                    priority,
                    origin,
                ) = row
                if (sector_id, placement) == (old_sector, old_placement):
                    same.append(pk)
                    continue
                if sector_id != old_sector:
                    months.add(month_start(received_at.astimezone(zone).date()))
                    moved += 1
                facts = SimpleNamespace(
                    received_at=received_at,
                    priority=priority,
                    origin=origin,
                    lon=lon,
                    lat=lat,
                    source_sector_code=source_code,
                )
                changed.append(
                    Call(
                        pk=pk,
                        sector_id=sector_id,
                        placement=placement,
                        sector_map_version_id=version,
                        # As the import computes it, so that re-importing the file finds the call unchanged.
                        row_hash=row_hash(
                            facts, call_type_id=type_id, sector_id=sector_id, placement=placement
                        ),
                    )
                )
            if same:
                Call.objects.filter(pk__in=same).update(sector_map_version_id=version)
            if changed:
                Call.objects.bulk_update(
                    changed, ["sector", "placement", "sector_map_version", "row_hash"], batch_size=1000
                )
    with transaction.atomic():
        state = _state_for_update()
        _replace_months(sorted(months))
        if moved:
            batch_periods_recompute()
        state.sector_map_version_id = version
        state.replaced_at = state.updated_at = timezone.now()
        state.save(update_fields=["sector_map_version", "replaced_at", "updated_at"])
    return ReplaceResult(sector_map_version_id=version, examined=examined, moved=moved, months=sorted(months))
