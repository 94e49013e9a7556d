"""Realistic synthetic CAD (dispatch) exports for the demo territory, for the demo, the tests and benchmarks.

The file imitates a French-Canadian dispatch export: Windows-1252, `;` between fields, CRLF line ends,
local time (America/Toronto) without offset, projected coordinates in EPSG:32188 (NAD83 / MTM zone 8) with
a decimal comma. The import profile shipped for it relies on exactly this format.

Calls are drawn as an inhomogeneous Poisson process over the local hours of [start, end]: every call type
has a yearly season, a weekly × hourly profile and a weight per sector (population, and where the type
happens: shops, roads); all types share a slow upward trend. Non-urgent calls in a sector fall by
PROGRAMME_EFFECT over the months after its programme start date, urgent ones do not: that is the effect the
analysts' difference-in-differences must find. Everything comes from one numpy generator, so a seed gives
the same bytes every time.

Rows are produced in chunks of whole hours (about CHUNK_ROWS rows), so memory stays flat whatever the
number of rows: no array grows with `rows` except the per-hour counts (24 per day of the range).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import BinaryIO, NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from demo.territory import demo_sector_collection

HEADER = (
    "No_evenement;Date_heure_reception;Code_appel;Description_appel;Priorite;Origine;X_MTM8;Y_MTM8;Secteur"
)
ENCODING = "cp1252"
DELIMITER = ";"
LINE_END = "\r\n"
TIME_ZONE = "America/Toronto"
CRS = "EPSG:32188"  # NAD83 / MTM zone 8, metres
INCIDENT_PREFIX = "LGL"

CHUNK_ROWS = 10_000
PROGRAMME_EFFECT = 0.15  # non-urgent calls fall by this share ...
PROGRAMME_RAMP_DAYS = 182  # ... reached linearly over this many days after the start date
TREND_PER_YEAR = 0.03
NO_COORDINATES_RATE = 0.035
BLANK_SECTOR_RATE = 0.05
WRONG_SECTOR_RATE = 0.01
HOTSPOT_RATE = 0.25  # share of calls at one of a sector's busy addresses (malls, bars, stations)
HOTSPOTS_PER_SECTOR = 40
INSET_M = 5.0  # points stay this far inside their sector, so 1 cm rounding never moves them out
LEGACY_SECTOR_CODES = ("PDQ-4", "PDQ-6", "S-12", "S-21", "LONG-NORD", "BROS-2")

URGENT, NON_URGENT, OTHER = "urgent", "non_urgent", "other"
ORIGINS = ("911", "TEL", "INITIATIVE")


class DemoCallType(NamedTuple):
    """A call type of the demo exports and the urgency and category the import's mapping should give it."""

    code: str
    label_fr: str
    label_en: str
    urgency: str  # URGENT, NON_URGENT or OTHER
    category: str  # slug


class _Profile(NamedTuple):
    weight: float  # relative frequency
    season: str  # key of _SEASONS
    daily: str  # key of _DAILY
    affinity: tuple[tuple[str, float], ...] = ()  # (sector code, multiplier) where the type is common
    origins: tuple[float, float, float] | None = None  # shares of ORIGINS when not those of the urgency


# (type, profile). Frequencies are loosely those of a suburban police service.
_TYPES: tuple[tuple[DemoCallType, _Profile], ...] = (
    (DemoCallType("ACCB", "Accident avec blessés", "Collision with injuries", URGENT, "traffic"),
     _Profile(2.2, "winter", "commute", (("BR-02", 1.6), ("SH-02", 1.3)))),
    (DemoCallType("VIOCJ", "Violence conjugale", "Domestic violence", URGENT, "violence"),
     _Profile(2.4, "mild_summer", "evening")),
    (DemoCallType("VDF", "Voies de fait", "Assault", URGENT, "violence"),
     _Profile(2.0, "summer", "night", (("VL-01", 1.5), ("BR-01", 1.3)))),
    (DemoCallType("INTRO", "Introduction par effraction", "Break and enter", URGENT, "property"),
     _Profile(1.8, "flat", "late")),
    (DemoCallType("SANTM", "Personne en détresse (santé mentale)", "Person in crisis (mental health)", URGENT,
                  "wellbeing"), _Profile(3.0, "flat", "evening")),
    (DemoCallType("VOLQ", "Vol qualifié", "Robbery", URGENT, "property"),
     _Profile(0.5, "flat", "night", (("BR-02", 2.0), ("VL-01", 1.4)))),
    (DemoCallType("ARME", "Personne armée", "Armed person", URGENT, "violence"), _Profile(0.3, "flat", "night")),
    (DemoCallType("DISP", "Personne disparue", "Missing person", URGENT, "wellbeing"),
     _Profile(0.8, "flat", "evening")),
    (DemoCallType("FACAF", "Conduite avec facultés affaiblies", "Impaired driving", URGENT, "traffic"),
     _Profile(0.9, "mild_summer", "night")),
    (DemoCallType("MENAC", "Menaces", "Threats", URGENT, "violence"), _Profile(1.2, "flat", "day")),
    (DemoCallType("BRUIT", "Bruit excessif", "Noise complaint", NON_URGENT, "nuisance"),
     _Profile(6.0, "summer", "night")),
    (DemoCallType("CHICA", "Chicane de voisins", "Neighbour dispute", NON_URGENT, "nuisance"),
     _Profile(3.5, "summer", "evening")),
    (DemoCallType("VOLET", "Vol à l'étalage", "Shoplifting", NON_URGENT, "property"),
     _Profile(3.0, "flat", "shops", (("BR-02", 4.0), ("BR-01", 2.0), ("VL-02", 1.5), ("SH-01", 1.5)))),
    (DemoCallType("VOLV", "Vol dans un véhicule", "Theft from a vehicle", NON_URGENT, "property"),
     _Profile(2.5, "mild_summer", "late")),
    (DemoCallType("MEFAI", "Méfait (graffitis, vandalisme)", "Mischief (graffiti, vandalism)", NON_URGENT,
                  "property"), _Profile(2.2, "summer", "night")),
    (DemoCallType("ACCMA", "Accident avec dommages matériels", "Collision, property damage only", NON_URGENT,
                  "traffic"), _Profile(5.0, "winter", "commute", (("BR-02", 1.6), ("SH-02", 1.3)))),
    (DemoCallType("SUSP", "Personne suspecte", "Suspicious person", NON_URGENT, "prevention"),
     _Profile(3.0, "mild_summer", "evening")),
    (DemoCallType("ATTRO", "Attroupement de jeunes", "Youth gathering", NON_URGENT, "nuisance"),
     _Profile(1.5, "summer", "night")),
    (DemoCallType("FRAUD", "Fraude", "Fraud", NON_URGENT, "property"), _Profile(2.0, "flat", "day")),
    (DemoCallType("CIRC", "Plainte de circulation (vitesse)", "Traffic complaint (speeding)", NON_URGENT,
                  "traffic"), _Profile(2.5, "mild_summer", "commute")),
    (DemoCallType("BIENE", "Vérification de bien-être", "Wellness check", NON_URGENT, "wellbeing"),
     _Profile(2.5, "winter", "day")),
    (DemoCallType("ALARM", "Alarme", "Alarm", OTHER, "alarm"),
     _Profile(5.0, "flat", "late", (("BR-02", 1.8), ("BO-02", 1.8)), (0.1, 0.9, 0.0))),  # alarm companies
    (DemoCallType("STAT", "Stationnement illégal", "Illegal parking", OTHER, "parking"),
     _Profile(3.0, "snow", "day", (), (0.1, 0.5, 0.4))),
    (DemoCallType("ANIM", "Animal errant", "Stray animal", OTHER, "animals"), _Profile(1.2, "summer", "day")),
    (DemoCallType("OBJT", "Objet trouvé", "Found property", OTHER, "administrative"),
     _Profile(1.0, "flat", "day")),
    (DemoCallType("911AB", "Appel 911 abandonné", "Abandoned 911 call", OTHER, "administrative"),
     _Profile(4.0, "flat", "flat", (), (1.0, 0.0, 0.0))),
    (DemoCallType("ASSIS", "Assistance au public", "Assistance to the public", OTHER, "assistance"),
     _Profile(2.0, "flat", "day")),
)  # fmt: skip

DEMO_CALL_TYPES: tuple[DemoCallType, ...] = tuple(call_type for call_type, _ in _TYPES)

# Priority bands by urgency: (priority, probability). Priorite 1 is the most urgent.
_PRIORITIES = {URGENT: ((1, 0.55), (2, 0.45)), NON_URGENT: ((3, 0.5), (4, 0.5)), OTHER: ((5, 0.8), (4, 0.2))}
# Origin shares by urgency, in the order of ORIGINS.
_ORIGIN_SHARES = {URGENT: (0.88, 0.09, 0.03), NON_URGENT: (0.55, 0.35, 0.10), OTHER: (0.35, 0.35, 0.30)}

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


# --- the model ----------------------------------------------------------------------------------------------


def _daily(floor: float, *peaks: tuple[float, float, float]) -> np.ndarray:
    """24 hourly weights: a floor plus circular Gaussian bumps (centre hour, width in hours, height)."""
    hours = np.arange(24) + 0.5
    weights = np.full(24, floor)
    for centre, width, height in peaks:
        distance = np.abs((hours - centre + 12) % 24 - 12)
        weights += height * np.exp(-0.5 * (distance / width) ** 2)
    return weights


def _weekly(daily: np.ndarray, days: tuple[float, ...], weekend_nights: float = 1.0) -> np.ndarray:
    """7 × 24 weights (Monday first): `days` scales each day; `weekend_nights` Friday and Saturday nights."""
    weights = daily[None, :] * np.asarray(days)[:, None]
    weights[[4, 5], 19:] *= weekend_nights  # Friday and Saturday evenings ...
    weights[[5, 6], :5] *= weekend_nights  # ... and the small hours after them
    return weights / weights.mean()


_WORKWEEK = (1.1, 1.05, 1.05, 1.05, 1.1, 0.85, 0.8)
_DAILY = {
    "night": _weekly(_daily(0.15, (23.5, 2.5, 1.0)), (0.8, 0.8, 0.85, 0.9, 1.1, 1.3, 1.1), 1.8),
    "evening": _weekly(_daily(0.2, (19.0, 3.0, 1.0)), (1.0, 0.95, 0.95, 1.0, 1.05, 1.1, 1.05), 1.2),
    "late": _weekly(_daily(0.35, (3.0, 3.0, 0.8), (14.0, 4.0, 0.5)), (1.0,) * 7),
    "day": _weekly(_daily(0.05, (14.0, 3.5, 1.0)), _WORKWEEK),
    "shops": _weekly(_daily(0.02, (15.0, 3.0, 1.0)), (0.9, 0.9, 0.95, 1.0, 1.15, 1.3, 0.8)),
    "commute": _weekly(_daily(0.1, (8.0, 1.2, 0.8), (16.5, 1.8, 1.0)), _WORKWEEK),
    "flat": _weekly(_daily(0.6, (15.0, 5.0, 0.4)), (1.0,) * 7),
}
# Yearly seasons: 1 + amplitude × cos(2π (day of year - peak day) / 365.25).
_SEASONS = {
    "summer": (0.35, 196),
    "mild_summer": (0.15, 196),
    "winter": (0.3, 20),
    "snow": (0.5, 30),
    "flat": (0, 0),
}


@cache
def _territory() -> tuple[tuple[str, ...], np.ndarray, tuple[date | None, ...], tuple[shapely.Polygon, ...]]:
    """Codes, populations, programme start dates and inset MTM8 polygons of the demo sectors."""
    to_mtm8 = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    codes, populations, starts, polygons = [], [], [], []
    for feature in demo_sector_collection()["features"]:
        properties = feature["properties"]
        codes.append(properties["code"])
        populations.append(properties["population"])
        started = properties.get("programme_started_on")
        starts.append(date.fromisoformat(started) if started else None)
        projected = shapely.transform(
            shape(feature["geometry"]), lambda xy: np.column_stack(to_mtm8.transform(xy[:, 0], xy[:, 1]))
        )
        inset = projected.buffer(-INSET_M)
        shapely.prepare(inset)
        polygons.append(inset)
    return tuple(codes), np.asarray(populations, dtype=float), tuple(starts), tuple(polygons)


def _valid_local_hours(start: date, days: int) -> np.ndarray:
    """days × 24 booleans: False for the local hour skipped when clocks go forward (the spring gap)."""
    zone, valid = ZoneInfo(TIME_ZONE), np.ones((days, 24), dtype=bool)
    for day in range(days):
        local_noon = datetime.combine(start + timedelta(days=day), datetime.min.time()).replace(hour=12)
        if (
            local_noon.replace(tzinfo=zone).utcoffset()
            == (local_noon - timedelta(days=1)).replace(tzinfo=zone).utcoffset()
        ):
            continue  # no change of offset on this day
        for hour in range(24):
            wall = local_noon.replace(hour=hour)
            back = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
            valid[day, hour] = back == wall
    return valid


class _Generator:
    def __init__(self, summary, rows, start, end, seed, bad_row_rate, duplicate_rate):
        self.summary, self.rng = summary, np.random.default_rng(seed)
        self.start, self.days = start, (end - start).days + 1
        self.bad_row_rate = bad_row_rate
        self.codes, populations, starts, self.polygons = _territory()
        self.types = DEMO_CALL_TYPES
        profiles = [profile for _, profile in _TYPES]
        self.urgency = np.array([t.urgency for t in self.types])
        self.non_urgent = self.urgency == NON_URGENT
        self.origin_shares = np.array(
            [p.origins or _ORIGIN_SHARES[t.urgency] for t, p in zip(self.types, profiles, strict=True)]
        )

        # Weight of each (type, sector): population × where the type happens.
        self.type_sector = np.tile(populations / populations.sum(), (len(self.types), 1))
        for t, profile in enumerate(profiles):
            for code, multiplier in profile.affinity:
                self.type_sector[t, self.codes.index(code)] *= multiplier
        self.type_sector /= self.type_sector.sum(axis=1, keepdims=True)
        self.type_sector *= np.array([p.weight for p in profiles])[:, None]

        day = np.arange(self.days)
        dates = np.datetime64(start, "D") + day
        day_of_year = (dates - dates.astype("datetime64[Y]")).astype(int) + 1
        self.weekday = (dates.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
        self.trend = 1 + TREND_PER_YEAR * day / 365.25
        self.season = np.array(
            [
                1 + a * np.cos(2 * np.pi * (day_of_year - peak) / 365.25)
                for a, peak in (_SEASONS[p.season] for p in profiles)
            ]
        ).T  # days × types
        self.daily = np.stack([_DAILY[p.daily] for p in profiles])  # types × 7 × 24
        # Programme effect on non-urgent calls: days × sectors multipliers, 1 before the start date.
        since = np.array([(day - (s - start).days) if s else np.full(self.days, -1) for s in starts]).T
        self.programme = 1 - PROGRAMME_EFFECT * np.clip(since / PROGRAMME_RAMP_DAYS, 0, 1) * (since >= 0)
        self.valid = _valid_local_hours(start, self.days)

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

    def _type_weights(self, days: np.ndarray, hours: np.ndarray | None = None) -> np.ndarray:
        """Expected calls of each type in the given local hours: days × 24 × types, or n × types with `hours`."""
        per_type = self.type_sector.sum(axis=1)
        non_urgent = self.programme[days] @ self.type_sector.T  # days × types
        sectors = np.where(self.non_urgent[None, :], non_urgent, per_type[None, :])
        per_day = self.trend[days, None] * self.season[days] * sectors  # days × types
        if hours is None:
            return per_day[:, None, :] * self.daily[:, self.weekday[days], :].transpose(1, 2, 0)
        return per_day * self.daily[:, self.weekday[days], hours].T

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
            values, shares = zip(*_PRIORITIES[level], strict=True)
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
