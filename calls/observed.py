"""Which months the imports observed: a month is observed only when a succeeded import that covers it placed
calls in the territory (ImportBatch.placed_from … placed_until, the first to last received time of its calls
placed in a sector). Before the first observed month, and in a gap between imports, there is no data: never
zero calls, never in a baseline, a trend test or an evaluation.
"""

from __future__ import annotations

from datetime import date

from common.months import month_range, service_zone

from .models import ImportBatch


def observed_months() -> list[date]:
    """The observed months (first days, in the service's zone), oldest first: the union of the months of the
    succeeded batches' periods. One query, over batches (never the calls)."""
    zone = service_zone()
    periods = ImportBatch.objects.filter(
        status=ImportBatch.Status.SUCCEEDED, placed_from__isnull=False, placed_until__isnull=False
    ).values_list("placed_from", "placed_until")
    months: set[date] = set()
    for first, last in periods:
        months.update(month_range(first.astimezone(zone).date(), last.astimezone(zone).date()))
    return sorted(months)
