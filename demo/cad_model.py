"""What the demo's 911 calls are like, for the synthetic CAD export (demo.cad_export) that draws them.

Every call type has a yearly season, a weekly × hourly profile and a weight per sector (population, and where
the type happens: shops, roads); all types share a slow upward trend. Non-urgent calls in a sector fall by
PROGRAMME_EFFECT over the months after its programme start date, urgent ones do not: that is the effect the
analysts' difference-in-differences must find. Points are drawn inside the demo sectors, projected to the
export's coordinates (EPSG:32188).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from .territory import demo_sector_collection

TIME_ZONE = "America/Toronto"
CRS = "EPSG:32188"  # NAD83 / MTM zone 8, metres

PROGRAMME_EFFECT = 0.15  # non-urgent calls fall by this share ...
PROGRAMME_RAMP_DAYS = 182  # ... reached linearly over this many days after the start date
TREND_PER_YEAR = 0.03
HOTSPOT_RATE = 0.25  # share of calls at one of a sector's busy addresses (malls, bars, stations)
HOTSPOTS_PER_SECTOR = 40
INSET_M = 5.0  # points stay this far inside their sector, so 1 cm rounding never moves them out

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
    season: str  # key of SEASONS
    daily: str  # key of DAILY_PROFILES
    affinity: tuple[tuple[str, float], ...] = ()  # (sector code, multiplier) where the type is common
    origins: tuple[float, float, float] | None = None  # shares of ORIGINS when not those of the urgency


# (type, profile). Frequencies are loosely those of a suburban police service.
CALL_TYPE_PROFILES: tuple[tuple[DemoCallType, _Profile], ...] = (
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

DEMO_CALL_TYPES: tuple[DemoCallType, ...] = tuple(call_type for call_type, _ in CALL_TYPE_PROFILES)

# Priority bands by urgency: (priority, probability). Priorite 1 is the most urgent.
PRIORITIES = {URGENT: ((1, 0.55), (2, 0.45)), NON_URGENT: ((3, 0.5), (4, 0.5)), OTHER: ((5, 0.8), (4, 0.2))}
# Origin shares by urgency, in the order of ORIGINS.
ORIGIN_SHARES = {URGENT: (0.88, 0.09, 0.03), NON_URGENT: (0.55, 0.35, 0.10), OTHER: (0.35, 0.35, 0.30)}


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
DAILY_PROFILES = {
    "night": _weekly(_daily(0.15, (23.5, 2.5, 1.0)), (0.8, 0.8, 0.85, 0.9, 1.1, 1.3, 1.1), 1.8),
    "evening": _weekly(_daily(0.2, (19.0, 3.0, 1.0)), (1.0, 0.95, 0.95, 1.0, 1.05, 1.1, 1.05), 1.2),
    "late": _weekly(_daily(0.35, (3.0, 3.0, 0.8), (14.0, 4.0, 0.5)), (1.0,) * 7),
    "day": _weekly(_daily(0.05, (14.0, 3.5, 1.0)), _WORKWEEK),
    "shops": _weekly(_daily(0.02, (15.0, 3.0, 1.0)), (0.9, 0.9, 0.95, 1.0, 1.15, 1.3, 0.8)),
    "commute": _weekly(_daily(0.1, (8.0, 1.2, 0.8), (16.5, 1.8, 1.0)), _WORKWEEK),
    "flat": _weekly(_daily(0.6, (15.0, 5.0, 0.4)), (1.0,) * 7),
}
# Yearly seasons: 1 + amplitude × cos(2π (day of year - peak day) / 365.25).
SEASONS = {
    "summer": (0.35, 196),
    "mild_summer": (0.15, 196),
    "winter": (0.3, 20),
    "snow": (0.5, 30),
    "flat": (0, 0),
}


@cache
def demo_territory() -> tuple[
    tuple[str, ...], np.ndarray, tuple[date | None, ...], tuple[shapely.Polygon, ...]
]:
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


class CallRates:
    """The expected calls of each type, sector, day and local hour over `days` days from `start` (no randomness:
    the export draws its calls from these)."""

    def __init__(self, start: date, days: int):
        self.codes, populations, starts, self.polygons = demo_territory()
        self.types = DEMO_CALL_TYPES
        profiles = [profile for _, profile in CALL_TYPE_PROFILES]
        self.urgency = np.array([t.urgency for t in self.types])
        self.non_urgent = self.urgency == NON_URGENT
        self.origin_shares = np.array(
            [p.origins or ORIGIN_SHARES[t.urgency] for t, p in zip(self.types, profiles, strict=True)]
        )

        # Weight of each (type, sector): population × where the type happens.
        self.type_sector = np.tile(populations / populations.sum(), (len(self.types), 1))
        for t, profile in enumerate(profiles):
            for code, multiplier in profile.affinity:
                self.type_sector[t, self.codes.index(code)] *= multiplier
        self.type_sector /= self.type_sector.sum(axis=1, keepdims=True)
        self.type_sector *= np.array([p.weight for p in profiles])[:, None]

        day = np.arange(days)
        dates = np.datetime64(start, "D") + day
        day_of_year = (dates - dates.astype("datetime64[Y]")).astype(int) + 1
        self.weekday = (dates.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
        self.trend = 1 + TREND_PER_YEAR * day / 365.25
        self.season = np.array(
            [
                1 + a * np.cos(2 * np.pi * (day_of_year - peak) / 365.25)
                for a, peak in (SEASONS[p.season] for p in profiles)
            ]
        ).T  # days × types
        self.daily = np.stack([DAILY_PROFILES[p.daily] for p in profiles])  # types × 7 × 24
        # Programme effect on non-urgent calls: days × sectors multipliers, 1 before the start date.
        since = np.array([(day - (s - start).days) if s else np.full(days, -1) for s in starts]).T
        self.programme = 1 - PROGRAMME_EFFECT * np.clip(since / PROGRAMME_RAMP_DAYS, 0, 1) * (since >= 0)

    def type_weights(self, days: np.ndarray, hours: np.ndarray | None = None) -> np.ndarray:
        """Expected calls of each type in the given local hours: days × 24 × types, or n × types with `hours`."""
        per_type = self.type_sector.sum(axis=1)
        non_urgent = self.programme[days] @ self.type_sector.T  # days × types
        sectors = np.where(self.non_urgent[None, :], non_urgent, per_type[None, :])
        per_day = self.trend[days, None] * self.season[days] * sectors  # days × types
        if hours is None:
            return per_day[:, None, :] * self.daily[:, self.weekday[days], :].transpose(1, 2, 0)
        return per_day * self.daily[:, self.weekday[days], hours].T


def valid_local_hours(start: date, days: int) -> np.ndarray:
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
