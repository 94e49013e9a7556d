"""The sector page's line chart of its months' urgent, non-urgent and other calls, as coordinates for inline SVG."""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy

from ..selectors import MonthPoint
from .formatting import axis_label, number

CHART_WIDTH, CHART_HEIGHT = 760, 320
CHART_MARGIN = {"left": 64, "right": 40, "top": 16, "bottom": 52}
SERIES_STYLE = (
    # (key, label, colour, dash pattern, marker): never colour alone — each line has its own dash and marker.
    ("urgent", gettext_lazy("Urgent"), "#a0001b", "", "circle"),
    ("non_urgent", gettext_lazy("Non-urgent"), "#0b4f8a", "8 4", "square"),
    ("other", gettext_lazy("Other or not mapped yet"), "#4a4a4a", "2 4", "triangle"),
)


def _nice_step(maximum: float, ticks: int = 5) -> int:
    raw = max(maximum, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return max(1, int(factor * magnitude))
    return max(1, int(10 * magnitude))


def chart(points: list[MonthPoint]) -> dict:
    """Coordinates of a line chart of the months' urgent, non-urgent and other calls (drawn as inline SVG).

    A month no import observed is a gap: each line is drawn as the segments between such months, never
    through a zero."""
    left, top = CHART_MARGIN["left"], CHART_MARGIN["top"]
    width = CHART_WIDTH - left - CHART_MARGIN["right"]
    height = CHART_HEIGHT - top - CHART_MARGIN["bottom"]
    highest = max((max(p.urgent, p.non_urgent, p.other) for p in points if p.observed), default=0)
    step = _nice_step(highest)
    top_value = max(step, math.ceil(highest / step) * step)
    count = len(points)

    def x(index: int) -> float:
        return round(left + (index * width / (count - 1) if count > 1 else width / 2), 1)

    def y(value: float) -> float:
        return round(top + height - value / top_value * height, 1)

    series = []
    for key, label, colour, dash, marker in SERIES_STYLE:
        segments: list[list[tuple[float, float]]] = [[]]
        for i, point in enumerate(points):
            if point.observed:
                segments[-1].append((x(i), y(getattr(point, key))))
            elif segments[-1]:
                segments.append([])
        segments = [segment for segment in segments if segment]
        coordinates = [coordinate for segment in segments for coordinate in segment]
        series.append(
            {
                "key": key,
                "label": label,
                "colour": colour,
                "dash": dash,
                "marker": marker,
                "segments": [" ".join(f"{cx},{cy}" for cx, cy in segment) for segment in segments],
                "markers": [
                    {
                        "x": cx,
                        "y": cy,
                        "square_x": round(cx - 3.5, 1),
                        "square_y": round(cy - 3.5, 1),
                        "triangle": f"{cx},{cy - 4.5:.1f} {cx - 4.5:.1f},{cy + 3.5:.1f} {cx + 4.5:.1f},{cy + 3.5:.1f}",
                    }
                    for cx, cy in coordinates
                ],
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": left,
        "right": left + width,
        "top": top,
        "bottom": top + height,
        "y_ticks": [
            {"y": y(value), "label": number(value)} for value in range(0, int(top_value) + 1, int(step))
        ],
        "x_labels": [
            {"x": x(i), "label": axis_label(point.month)}
            for i, point in enumerate(points)
            if i % 3 == (count - 1) % 3
        ],
        "series": series,
    }
