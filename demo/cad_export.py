"""Realistic synthetic CAD (dispatch) exports for the demo territory, for the demo, the tests and benchmarks.

The file imitates a French-Canadian dispatch export: Windows-1252, `;` between fields, CRLF line ends,
local time (America/Toronto) without offset, projected coordinates in EPSG:32188 (NAD83 / MTM zone 8) with
a decimal comma. The import profile shipped for it relies on exactly this format.

Calls are drawn as an inhomogeneous Poisson process over the local hours of [start, end], with the call types,
seasons, hours, places and programme effect of demo.cad_model. Everything comes from one numpy generator, so a
seed gives the same bytes every time.

Rows are produced in chunks of whole hours (about CHUNK_ROWS rows), so memory stays flat whatever the
number of rows: no array grows with `rows` except the per-hour counts (24 per day of the range).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

import numpy as np
import shapely

from .cad_model import (
    HOTSPOT_RATE,
    HOTSPOTS_PER_SECTOR,
    NON_URGENT,
    ORIGINS,
    OTHER,
    PRIORITIES,
    URGENT,
    CallRates,
    valid_local_hours,
)

HEADER = (
    "No_evenement;Date_heure_reception;Code_appel;Description_appel;Priorite;Origine;X_MTM8;Y_MTM8;Secteur"
)
ENCODING = "cp1252"
DELIMITER = ";"
LINE_END = "\r\n"
INCIDENT_PREFIX = "LGL"

CHUNK_ROWS = 10_000
NO_COORDINATES_RATE = 0.035
BLANK_SECTOR_RATE = 0.05
WRONG_SECTOR_RATE = 0.01
LEGACY_SECTOR_CODES = ("PDQ-4", "PDQ-6", "S-12", "S-21", "LONG-NORD", "BROS-2")

BAD_KINDS = ("bad_date", "missing_id", "far_coordinates", "non_numeric_coordinates", "empty_line")
QUOTED = "quoted_description"  # valid CSV with `;`, `""` and a newline inside a quoted field


@dataclass
class GenerationSummary:
    """What a generated file holds, so that tests and benchmarks can check what they import.

    `rows` counts the records after the header (an empty line is one, a record with a quoted newline is one).
    `bad_rows` must be rejected or skipped by a correct reader; `quoted_rows` are valid records that only a
    naive line-splitting reader breaks on; `duplicates` repeat an earlier incident (same No_evenement).
    `valid_rows` (= rows - bad_rows - duplicates) are the distinct incidents; `per_sector` counts them by the
    sector their point was drawn in, coordinates or not.
    """

    rows: int = 0
    bad_rows: int = 0
    quoted_rows: int = 0
    duplicates: int = 0
    valid_rows: int = 0
    without_coordinates: int = 0
    blank_sector: int = 0
    wrong_sector: int = 0
    per_sector: Counter = field(default_factory=Counter)
    bad_kinds: Counter = field(default_factory=Counter)
    first_received: datetime | None = None
    last_received: datetime | None = None


def write_demo_cad(
    out: BinaryIO,
    *,
    rows: int,
    start: date,
    end: date,
    seed: int = 2026,
    bad_row_rate: float = 0.0,
    duplicate_rate: float = 0.0,
) -> GenerationSummary:
    """Write a CAD export of `rows` records received between `start` and `end` (both days included)."""
    summary = GenerationSummary()
    for chunk in iter_demo_cad_chunks(
        summary,
        rows=rows,
        start=start,
        end=end,
        seed=seed,
        bad_row_rate=bad_row_rate,
        duplicate_rate=duplicate_rate,
    ):
        out.write(chunk)
    return summary


def iter_demo_cad_chunks(
    summary: GenerationSummary,
    *,
    rows: int,
    start: date,
    end: date,
    seed: int = 2026,
    bad_row_rate: float = 0.0,
    duplicate_rate: float = 0.0,
) -> Iterator[bytes]:
    """The file as encoded chunks (the header first); `summary` is filled in as they are produced."""
    if rows < 0 or end < start:
        raise ValueError("rows must be ≥ 0 and end on or after start")
    if not (bad_row_rate >= 0 and duplicate_rate >= 0 and bad_row_rate + duplicate_rate <= 0.5):
        raise ValueError("bad_row_rate and duplicate_rate must be ≥ 0 and add up to at most 0.5")
    yield (HEADER + LINE_END).encode(ENCODING)
    yield from _Generator(summary, rows, start, end, seed, bad_row_rate, duplicate_rate).chunks()


class _Generator:
    def __init__(self, summary, rows, start, end, seed, bad_row_rate, duplicate_rate):
        self.summary, self.rng = summary, np.random.default_rng(seed)
        self.start, self.days = start, (end - start).days + 1
        self.bad_row_rate = bad_row_rate
        rates = CallRates(start, self.days)
        self.codes, self.polygons, self.types = rates.codes, rates.polygons, rates.types
        self.urgency, self.non_urgent, self.origin_shares = (
            rates.urgency,
            rates.non_urgent,
            rates.origin_shares,
        )
        self.type_sector, self.programme = rates.type_sector, rates.programme
        self.valid = valid_local_hours(start, self.days)
        self._type_weights = rates.type_weights
        day = np.arange(self.days)

        self.duplicates = int(self.rng.binomial(rows, duplicate_rate)) if duplicate_rate else 0
        self.new_rows = rows - self.duplicates
        hourly = np.concatenate(
            [self._type_weights(block).sum(axis=2) for block in np.array_split(day, max(1, self.days // 366))]
        )
        hourly = (hourly * self.valid).ravel()
        self.hour_counts = (
            self.rng.multinomial(self.new_rows, hourly / hourly.sum())
            if self.new_rows
            else np.zeros(hourly.size, dtype=int)
        )
        self.hotspots = [self._points_in(p, HOTSPOTS_PER_SECTOR) for p in self.polygons]
        self.sequence: Counter = Counter()
        self._last: tuple | None = None

    def _points_in(self, polygon: shapely.Polygon, n: int) -> np.ndarray:
        minx, miny, maxx, maxy = polygon.bounds
        found, total = [np.empty((0, 2))], 0
        while total < n:
            draw = max(16, int((n - total) * 1.6))
            x, y = self.rng.uniform(minx, maxx, draw), self.rng.uniform(miny, maxy, draw)
            inside = shapely.contains_xy(polygon, x, y)
            found.append(np.column_stack([x[inside], y[inside]]))
            total += int(inside.sum())
        return np.concatenate(found)[:n]

    def _sample(self, weights: np.ndarray) -> np.ndarray:
        """One column index per row of `weights` (rows × k), drawn in proportion to the row."""
        cumulative = np.cumsum(weights, axis=1)
        u = self.rng.random(len(weights)) * cumulative[:, -1]
        return np.minimum((u[:, None] > cumulative).sum(axis=1), weights.shape[1] - 1)

    def chunks(self):
        counts, pending, hour = self.hour_counts, [], 0
        bounds = np.cumsum(counts)
        while hour < counts.size:
            last = int(np.searchsorted(bounds, (bounds[hour - 1] if hour else 0) + CHUNK_ROWS, side="left"))
            last = min(last + 1, counts.size)
            fields, sources = self._rows(np.arange(hour, last), counts[hour:last])
            hour = last
            final = hour >= counts.size
            # Overlapping exports: some incidents come again later, sometimes with a changed priority.
            lines = list(fields)
            if pending:
                at = np.sort(self.rng.integers(0, len(lines) + 1, len(pending)))
                for position, line in zip(at[::-1], pending[::-1], strict=True):
                    lines.insert(int(position), line)
            pending = []
            if sources:
                self._last = (fields, sources)
            elif final and self._last:
                fields, sources = self._last  # a quiet last hour: repeat from the last chunk with calls
            if self.duplicates and sources:
                share = min(1.0, self.duplicates / max(1, self.new_rows))
                k = (
                    self.duplicates - self.summary.duplicates
                    if final
                    else int(self.rng.binomial(len(fields), share))
                )
                k = min(k, self.duplicates - self.summary.duplicates)
                for index in self.rng.choice(sources, size=k, replace=True) if k > 0 else ():
                    row = fields[index].split(DELIMITER)
                    if self.rng.random() < 0.3:
                        row[4] = {"1": "2", "2": "1", "3": "4", "4": "3", "5": "4"}[row[4]]
                    pending.append(DELIMITER.join(row))
                self.summary.duplicates += max(k, 0)
            if final:
                lines.extend(pending)
            self.summary.rows += len(lines)
            if lines:
                yield (LINE_END.join(lines) + LINE_END).encode(ENCODING)
        self.summary.valid_rows = self.summary.rows - self.summary.bad_rows - self.summary.duplicates

    def _rows(self, hours: np.ndarray, counts: np.ndarray) -> tuple[list[str], list[int]]:
        """Lines of the new calls in these local hours (in time order) and the indices fit to duplicate."""
        n = int(counts.sum())
        if n == 0:
            return [], []
        rng, summary = self.rng, self.summary
        hour_of_row = np.repeat(hours, counts)
        seconds = np.sort(hour_of_row * 3600 + rng.integers(0, 3600, n))  # time order
        hour_of_row = seconds // 3600
        days = hour_of_row // 24
        per_hour = np.cumsum(self._type_weights(hours // 24, hours % 24), axis=1)  # the chunk's hours × types
        cumulative = per_hour[hour_of_row - hours[0]]
        u = rng.random(n) * cumulative[:, -1]
        kind = np.minimum((u[:, None] > cumulative).sum(axis=1), len(self.types) - 1)
        sector_weights = self.type_sector[kind] * np.where(
            self.non_urgent[kind, None], self.programme[days], 1.0
        )
        sector = self._sample(sector_weights)

        xy = np.empty((n, 2))
        for s in np.unique(sector):
            rows = np.flatnonzero(sector == s)
            at_hotspot = rng.random(rows.size) < HOTSPOT_RATE
            xy[rows[~at_hotspot]] = self._points_in(self.polygons[s], int((~at_hotspot).sum()))
            xy[rows[at_hotspot]] = self.hotspots[s][
                rng.integers(0, HOTSPOTS_PER_SECTOR, int(at_hotspot.sum()))
            ]
        cents = np.rint(xy * 100).astype(np.int64)
        no_coordinates = rng.random(n) < NO_COORDINATES_RATE

        urgency = self.urgency[kind]
        priority = np.empty(n, dtype=np.int64)
        for level in (URGENT, NON_URGENT, OTHER):
            rows = np.flatnonzero(urgency == level)
            values, shares = zip(*PRIORITIES[level], strict=True)
            priority[rows] = rng.choice(values, size=rows.size, p=shares)
        origin = self._sample(self.origin_shares[kind])

        received = np.datetime64(self.start, "s") + seconds.astype("timedelta64[s]")
        years = received.astype("datetime64[Y]").astype(np.int64) + 1970
        numbers = np.empty(n, dtype=np.int64)
        for year in np.unique(years):
            rows = np.flatnonzero(years == year)
            numbers[rows] = self.sequence[int(year)] + 1 + np.arange(rows.size)
            self.sequence[int(year)] += rows.size

        sector_field = np.array(self.codes, dtype=object)[sector]
        draw = rng.random(n)
        blank, wrong = (
            draw < BLANK_SECTOR_RATE,
            (draw >= BLANK_SECTOR_RATE) & (draw < BLANK_SECTOR_RATE + WRONG_SECTOR_RATE),
        )
        sector_field[blank] = ""
        others = (sector[wrong] + rng.integers(1, len(self.codes), int(wrong.sum()))) % len(self.codes)
        legacy = np.array(LEGACY_SECTOR_CODES, dtype=object)[
            rng.integers(0, len(LEGACY_SECTOR_CODES), others.size)
        ]
        sector_field[wrong] = np.where(
            rng.random(others.size) < 0.5, np.array(self.codes, dtype=object)[others], legacy
        )

        # One f-string per row: the hot loop of the generator (a few µs per row).
        type_fields = [f"{t.code};{t.label_fr}" for t in self.types]
        times = np.datetime_as_string(received, unit="s").tolist()
        lines = [
            f"{INCIDENT_PREFIX}-{year}-{number:07d};{time[:10]} {time[11:]};{type_fields[k]};{p};{ORIGINS[o]};"
            + (";" if missing else f"{cx // 100},{cx % 100:02d};{cy // 100},{cy % 100:02d}")
            + f";{code}"
            for year, number, time, k, p, o, missing, (cx, cy), code in zip(
                years.tolist(), numbers.tolist(), times, kind.tolist(), priority.tolist(), origin.tolist(),
                no_coordinates.tolist(), cents.tolist(), sector_field.tolist(), strict=True,
            )
        ]  # fmt: skip

        # Bad rows on demand: each kind as often as the others; a quoted description stays a valid row.
        valid = np.ones(n, dtype=bool)
        special = np.flatnonzero(rng.random(n) < self.bad_row_rate) if self.bad_row_rate else np.empty(0, int)
        kinds = (*BAD_KINDS, QUOTED)
        for index, k in zip(
            special.tolist(), rng.integers(0, len(kinds), special.size).tolist(), strict=True
        ):
            row = lines[index].split(DELIMITER)
            valid[index] = self._spoil(row, kinds[k])
            lines[index] = DELIMITER.join(row)
        good = valid.copy()
        good[special] = False  # duplicates repeat plain rows only
        summary.per_sector.update(np.array(self.codes)[sector[valid]].tolist())
        summary.without_coordinates += int((no_coordinates & valid).sum())
        summary.blank_sector += int((blank & valid).sum())
        summary.wrong_sector += int((wrong & valid).sum())
        first, last = np.flatnonzero(valid)[[0, -1]] if valid.any() else (None, None)
        if first is not None:
            if summary.first_received is None:
                summary.first_received = datetime.fromisoformat(times[first])
            summary.last_received = datetime.fromisoformat(times[last])
        return lines, np.flatnonzero(good).tolist()

    def _spoil(self, row: list[str], kind: str) -> bool:
        """Make `row` a bad row of this kind; return whether it is still a valid record."""
        rng, summary = self.rng, self.summary
        summary.bad_kinds[kind] += 1
        variant = int(rng.integers(0, 4))
        if kind == QUOTED:
            # Valid CSV: a quoted description with a `;`, doubled quotes and a newline inside.
            row[3] = f'"{row[3]}; rappel du plaignant, il dit ""c\'est urgent""\nvoir l\'appel précédent"'
            summary.quoted_rows += 1
            return True
        summary.bad_rows += 1
        if kind == "bad_date":
            row[1] = ("2024-02-30 25:61:00", "N/D", "", "31/13/2024 8h15")[variant]
        elif kind == "missing_id":
            row[0] = ""
        elif kind == "far_coordinates":
            # Null island, degrees in metre columns, a point some 500 km away.
            row[6], row[7] = (
                ("0,00", "0,00"),
                ("-73,45", "45,52"),
                ("812345,67", "4587654,32"),
                ("9999999,99", "0,00"),
            )[variant]
        elif kind == "non_numeric_coordinates":
            row[6], row[7] = (
                ("N/D", "N/D"),
                ("#VALEUR!", "5041234,10"),
                ("301234,56", "inconnu"),
                ("x", "y"),
            )[variant]
        elif kind == "empty_line":
            row[:] = [""]  # joins to an empty line
        return False
