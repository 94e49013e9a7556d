"""Small counts that must not be found again by subtraction.

A count drawn from contact data from 1 to the threshold - 1 is hidden when written (`MonthlyReport.shown`).
Where a group of counts adds up to a shown total and exactly one of them is hidden, a second one is withheld
too (`withhold_complements`: the classic complementary suppression of statistical agencies), and written "x".
"""

from __future__ import annotations

from .figures import AreaFigures, MonthlyReport, ReferralFigures, Withheld


def _cells(area: AreaFigures) -> dict[tuple[str, str], int]:
    """Every count of an area drawn from contact data, by (metric, dimension)."""
    cells = {
        ("contacts", ""): area.contacts,
        ("contacts_avoided_911", ""): area.contacts_avoided_911,
        ("follow_ups_open", ""): area.follow_ups_open,
    }
    cells.update({("channel", key): n for key, n in area.contacts_by_channel.items()})
    cells.update({("category", key): n for key, n in area.contacts_by_category.items()})
    cells[("referrals_made", "")] = area.referrals_made
    cells[("referrals_completed", "")] = area.referrals_completed
    for key, figures in area.referrals.items():
        cells[("referrals_made", key)] = figures.made
        cells[("referrals_completed", key)] = figures.completed
    return cells


def _withhold(area: AreaFigures, cell: tuple[str, str]) -> None:
    metric, key = cell
    if metric in ("contacts", "contacts_avoided_911", "follow_ups_open") or not key:
        setattr(area, metric, Withheld(getattr(area, metric)))
    elif metric == "channel":
        area.contacts_by_channel[key] = Withheld(area.contacts_by_channel[key])
    elif metric == "category":
        area.contacts_by_category[key] = Withheld(area.contacts_by_category[key])
    else:
        figures = area.referrals[key]
        made, completed = figures.made, figures.completed
        if metric == "referrals_made":
            made = Withheld(made)
        else:
            completed = Withheld(completed)
        area.referrals[key] = ReferralFigures(made, completed)


def withhold_complements(report: MonthlyReport) -> None:
    """Withhold a second count wherever a hidden one could be recovered by subtraction.

    Groups that add up to a total written beside them: the scope's sectors for each contact count (the total
    row), an area's channels (its contacts: one channel per contact) and an area's referral types (its
    referrals of every type). Where a shown total has exactly one hidden part, the smallest other
    non-zero part is withheld too, and so is the smallest part of a withheld total whose parts are all shown;
    groups cross (a sector's channel is in two), so this runs until nothing
    changes. Categories are left out: a contact may have two, they do not add up to a total.
    """
    threshold = report.threshold

    def hidden(value: int) -> bool:
        return isinstance(value, Withheld) or 0 < value < threshold

    areas = [*report.sectors, report.total] if len(report.sectors) > 1 else [report.total]
    changed = True
    while changed:
        changed = False
        groups: list[tuple[int, list[tuple[AreaFigures, tuple[str, str], int]]]] = []  # (total, parts)
        cells = {id(area): _cells(area) for area in areas}
        if len(report.sectors) > 1:
            for cell, value in cells[id(report.total)].items():
                groups.append(
                    (value, [(area, cell, cells[id(area)].get(cell, 0)) for area in report.sectors])
                )
        for area in areas:
            mine = cells[id(area)]
            groups.append(
                (mine[("contacts", "")], [(area, c, v) for c, v in mine.items() if c[0] == "channel"])
            )
            for metric in ("referrals_made", "referrals_completed"):
                parts = [(area, c, v) for c, v in mine.items() if c[0] == metric and c[1]]
                groups.append((mine[(metric, "")], parts))
        for total, parts in groups:
            hidden_parts = sum(hidden(value) for _area, _cell, value in parts)
            # A shown total with one hidden part gives it away; so do the parts of a withheld total, all shown.
            exposed = (not hidden(total) and hidden_parts == 1) or (
                isinstance(total, Withheld) and hidden_parts == 0
            )
            if not exposed:
                continue
            candidates = [part for part in parts if part[2] > 0 and not hidden(part[2])]
            if candidates:
                area, cell, _value = min(candidates, key=lambda part: part[2])
                _withhold(area, cell)
                changed = True
                break  # the cells changed: read them again
