"""The analysts' choropleth: each sector's colour class and tooltip per comparison, the legend, and the map's
heading and accessible name for the script that switches between comparisons."""

from __future__ import annotations

import math

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..forms import COMPARISONS
from ..selectors import Delta, SectorDelta
from .formatting import number
from .table import comparison_cell, no_data

# Bins of the map's diverging scale, in % change; a significant change falls in the first bin whose upper
# bound it does not exceed. Blues for fewer calls, oranges for more: readable by most colour-blind readers.
MAP_BINS = (
    (-50.0, "down-3", gettext_lazy("−50 % or less")),
    (-20.0, "down-2", gettext_lazy("−50 % to −20 %")),
    (0.0, "down-1", gettext_lazy("−20 % to 0 %")),
    (20.0, "up-1", gettext_lazy("0 % to +20 %")),
    (50.0, "up-2", gettext_lazy("+20 % to +50 %")),
    (math.inf, "up-3", gettext_lazy("+50 % or more")),
)
MAP_SPECIAL = (
    ("noise", gettext_lazy("Change not significant (noise)")),
    # xgettext:no-python-format (a plain percent sign, never formatted)
    ("undefined", gettext_lazy("% change not defined (no calls in the reference)")),
    ("none", gettext_lazy("No comparison (no data for the reference months)")),
)


def map_class(delta: Delta | None) -> str:
    if delta is None:
        return "none"
    if delta.percent_change is None:
        return "undefined"
    if delta.is_noise:
        return "noise"
    return next(name for bound, name, _label in MAP_BINS if delta.percent_change <= bound)


def map_data(rows: list[SectorDelta]) -> dict:
    """Per sector code: its page and, per comparison, its colour class and the words of its tooltip."""
    data = {}
    for row in rows:
        if row.kind != "sector":
            continue
        entry = {
            "url": reverse("staff:call-analysis-sector", kwargs={"code": row.code}),
            "count": no_data() if row.count is None else number(row.count),
        }
        for attribute, _label in COMPARISONS:
            delta = getattr(row, attribute)
            cell = comparison_cell(delta)
            if delta is None:
                text = _("no comparison")
            elif cell["percent"] is None:
                # xgettext:no-python-format (a plain percent sign, never formatted)
                text = _("% change not defined")
            else:
                text = cell["percent"]
            if delta is not None and delta.is_noise:
                text = _("%(change)s, not significant") % {"change": text}
            entry[attribute] = {"class": map_class(delta), "text": text}
        data[row.code] = entry
    return data


def map_labels() -> dict:
    """The map's heading and accessible name for each comparison, for the script that switches between them."""
    return {
        attribute: {
            "heading": _("Change against the %(comparison)s") % {"comparison": label},
            "aria": _(
                "Map of the active sectors, coloured by their %% change in calls against the %(comparison)s. "
                "The table below gives the same figures."
            )
            % {"comparison": label},
        }
        for attribute, label in COMPARISONS
    }
