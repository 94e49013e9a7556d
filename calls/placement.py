"""Which sector a call belongs to: the one rule shared by the import and the re-placement after a map change."""

from __future__ import annotations

import numpy as np

from beats import index as sector_index

from .models import Placement

# The point → sector index's own rules (beats.index), kept with the same numbers on each call.
PLACED_RULES = (sector_index.INSIDE, sector_index.BOUNDARY, sector_index.NEARBY)


def place_calls(
    index: sector_index.SectorIndex,
    sector_by_code: dict[str, int],
    lons: list[float | None],
    lats: list[float | None],
    source_codes: list[str],
) -> tuple[list[int | None], list[int]]:
    """Sector and placement of each call: the index's boundary rule first; a call without coordinates falls
    back on the source's own sector code when it names an active sector (`sector_by_code`, upper-case codes);
    the rest is unplaced (counted, never dropped)."""
    xs = np.array([np.nan if lon is None else lon for lon in lons], dtype=float)
    ys = np.array([np.nan if lat is None else lat for lat in lats], dtype=float)
    found = index.locate_many(xs, ys)
    sector_ids: list[int | None] = []
    placements: list[int] = []
    for lon, code, sector_id, rule in zip(
        lons, source_codes, found.sector_ids.tolist(), found.rules.tolist(), strict=True
    ):
        if rule in PLACED_RULES and sector_id:
            sector_ids.append(sector_id)
            placements.append(rule)
        elif lon is None and code and (fallback := sector_by_code.get(code.upper())):
            sector_ids.append(fallback)
            placements.append(Placement.SOURCE_CODE)
        else:
            sector_ids.append(None)
            placements.append(Placement.UNPLACED)
    return sector_ids, placements
