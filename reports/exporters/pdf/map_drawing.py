"""The briefing's map: the scope's sectors coloured by a % change, drawn with reportlab.graphics.

Language-free: the caller gives every word (legend title and class labels). Boundaries are the simplified
GeoJSON of the report (lon/lat). The projection is equirectangular, longitudes scaled by the cosine of the
mean latitude: at the scale of a city the distortion is invisible, and it needs no projection library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from reportlab.graphics.shapes import Drawing, Line, Path, Rect, String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from shapely.affinity import affine_transform
from shapely.geometry import MultiLineString, box, shape

# Upper bounds of the 4 first classes (%); the 5th is everything above. Symmetric around "no change".
CLASS_BREAKS = (-25.0, -10.0, 10.0, 25.0)
# ColorBrewer RdBu, 5 classes: falls in blues, rises in reds (colour-blind safe, prints in grey).
PALETTE = [colors.HexColor(c) for c in ("#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b")]
DARK_CLASSES = {0, 4}  # white labels on these
NO_COMPARISON = colors.HexColor("#c8c8c8")
NOISE = colors.white
HATCH = colors.HexColor("#8c8c8c")
OUTLINE = colors.HexColor("#404040")


@dataclass(frozen=True, slots=True)
class MapArea:
    code: str
    geometry: dict | None  # GeoJSON Polygon or MultiPolygon, lon/lat
    change: float | None  # % change; None: nothing to compare with
    noise: bool  # the change is not significant


def change_class(change: float) -> int:
    """0 (largest falls) to 4 (largest rises)."""
    for index, bound in enumerate(CLASS_BREAKS):
        if change < bound or (index < 2 and change == bound):
            return index
    return len(CLASS_BREAKS)


def _fill(area: MapArea):
    if area.change is None:
        return NO_COMPARISON, False
    if area.noise:
        return NOISE, True
    return PALETTE[change_class(area.change)], False


def _path(geometry, fill, stroke_width: float) -> Path:
    path = Path(fillColor=fill, strokeColor=OUTLINE, strokeWidth=stroke_width, strokeLineJoin=1)
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in [polygon.exterior, *polygon.interiors]:
            (x, y), *rest = ring.coords
            path.moveTo(x, y)
            for x, y in rest[:-1]:
                path.lineTo(x, y)
            path.closePath()
    return path


def _hatch(geometry, spacing: float = 3.5) -> list[Line]:
    """Diagonal lines clipped to the shape (by shapely: PDF clipping paths do not survive every viewer)."""
    minx, miny, maxx, maxy = geometry.bounds
    span = (maxx - minx) + (maxy - miny)
    lines = [
        ((minx + offset, miny), (minx + offset - (maxy - miny), maxy))
        for offset in [i * spacing for i in range(int(span / spacing) + 2)]
    ]
    clipped = geometry.intersection(MultiLineString(lines))
    segments = []
    for part in getattr(clipped, "geoms", [clipped]):
        if part.geom_type == "LineString" and not part.is_empty:
            (x1, y1), (x2, y2) = part.coords[0], part.coords[-1]
            segments.append(Line(x1, y1, x2, y2, strokeColor=HATCH, strokeWidth=0.4))
    return segments


def _swatch(x: float, y: float, size: float, fill, hatched: bool) -> list:
    shapes = [Rect(x, y, size, size, fillColor=fill, strokeColor=OUTLINE, strokeWidth=0.5)]
    if hatched:
        shapes += _hatch(box(x, y, x + size, y + size), spacing=2.5)
    return shapes


def sector_map(
    areas: list[MapArea],
    *,
    width: float,
    height: float,
    font: str,
    bold: str,
    legend_title: list[str],
    class_labels: list[str],
    noise_label: str,
    none_label: str,
    legend_width: float = 150.0,
) -> Drawing:
    """The map on the left, its legend on the right, in a Drawing of `width` × `height` points."""
    drawing = Drawing(width, height)
    shapes = [(area, shape(area.geometry)) for area in areas if area.geometry]
    box_w, box_h, pad = width - legend_width - 10, height, 4.0
    if shapes:
        minx, miny, maxx, maxy = shapely.GeometryCollection([g for _a, g in shapes]).bounds
        k = math.cos(math.radians((miny + maxy) / 2))
        dx, dy = max((maxx - minx) * k, 1e-9), max(maxy - miny, 1e-9)
        scale = min((box_w - 2 * pad) / dx, (box_h - 2 * pad) / dy)
        xoff = pad + (box_w - 2 * pad - dx * scale) / 2 - minx * k * scale
        yoff = pad + (box_h - 2 * pad - dy * scale) / 2 - miny * scale
        projected = [(area, affine_transform(g, [k * scale, 0, 0, scale, xoff, yoff])) for area, g in shapes]
        stroke = 0.6 if len(projected) < 30 else 0.4
        for area, geometry in projected:
            fill, hatched = _fill(area)
            drawing.add(_path(geometry, fill, stroke))
            for line in _hatch(geometry) if hatched else []:
                drawing.add(line)
        for area, geometry in projected:
            _label(drawing, area, geometry, bold)

    # Legend
    x, y, size, step = width - legend_width, height - 10, 9.0, 13.0
    # French runs longer than English: the title wraps inside the legend's width.
    for line in (part for title in legend_title for part in simpleSplit(title, bold, 7.5, legend_width)):
        drawing.add(String(x, y, line, fontName=bold, fontSize=7.5))
        y -= 10
    y -= 4
    entries = [(PALETTE[i], False, label) for i, label in enumerate(class_labels)]
    entries += [(NOISE, True, noise_label), (NO_COMPARISON, False, none_label)]
    for fill, hatched, label in entries:
        for item in _swatch(x, y - 2, size, fill, hatched):
            drawing.add(item)
        drawing.add(String(x + size + 5, y, label, fontName=font, fontSize=7))
        y -= step
    return drawing


def _label(drawing: Drawing, area: MapArea, geometry, font: str) -> None:
    """The sector's code inside its shape, when it fits."""
    size = 6.5
    w, h = stringWidth(area.code, font, size), size
    biggest = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
    point = biggest.representative_point()
    label_box = box(point.x - w / 2 - 1, point.y - 2, point.x + w / 2 + 1, point.y + h)
    if not biggest.contains(label_box):
        centre = biggest.centroid
        label_box = box(centre.x - w / 2 - 1, centre.y - 2, centre.x + w / 2 + 1, centre.y + h)
        if not biggest.contains(label_box):
            return
        point = centre
    dark = area.change is not None and not area.noise and change_class(area.change) in DARK_CLASSES
    drawing.add(
        String(
            point.x,
            point.y,
            area.code,
            fontName=font,
            fontSize=size,
            textAnchor="middle",
            fillColor=colors.white if dark else colors.black,
        )
    )
