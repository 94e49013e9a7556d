"""Did calls move next door? The weighted displacement difference (Wheeler & Ratcliffe, Crime Science 2018).

The paper's statistic, on counts before and after the start in four areas: A the treated area, B its control,
D the displacement area (around A) and C the control of D:

    WDD = ΔA − ΔB + ΔD − ΔC,  with ΔX = X_after − X_before,

negative when the programme's fall in A is not undone by a rise in D (net of the controls' course). Treating
each of the eight counts as Poisson, the variance of WDD is the sum of the eight counts, so
z = WDD / √(A₀ + A₁ + B₀ + B₁ + C₀ + C₁ + D₀ + D₁) and the two-sided p-value is 2·Φ(−|z|).

On a territory (panel_displacement), A is a start cohort's programme sectors, D the sectors bordering them
that are not in the programme, and the control of both is the pool of sectors never in the programme that
border none. That pool is larger than A or D, so its counts are scaled to each area's size before the start
(×A₀/B₀ for A, ×D₀/B₀ for D): with equal-size areas this is the paper's formula exactly, and the variance
counts the shared pool once, scaled: (k_A + k_D)²·(B₀ + B₁). Windows are the 12 months before the start and
the 12 from it; a sector enters only if all 24 months were observed (an absent month is not a zero, and a
difference of counts over unequal months would be a made-up change). Cohorts are added up.
"""

import math
from dataclasses import dataclass

from scipy.stats import norm

from .panel import EvaluationPanel, SectorSeries, comparison_pool, month_index

DISPLACEMENT_WINDOW = 12


@dataclass(frozen=True)
class Displacement:
    """The WDD with its z and p-value; `areas` names the sectors of each area by role."""

    wdd: float
    z: float
    p_value: float
    areas: dict[str, tuple[str, ...]]


def weighted_displacement_difference(
    *,
    treated_before: float,
    treated_after: float,
    control_before: float,
    control_after: float,
    displacement_before: float,
    displacement_after: float,
    displacement_control_before: float,
    displacement_control_after: float,
) -> Displacement:
    """The paper's WDD, z and p-value from the eight counts (see the module docstring)."""
    counts = (
        treated_before,
        treated_after,
        control_before,
        control_after,
        displacement_before,
        displacement_after,
        displacement_control_before,
        displacement_control_after,
    )
    if any(count < 0 for count in counts):
        raise ValueError("counts cannot be negative")
    wdd = (
        (treated_after - treated_before)
        - (control_after - control_before)
        + (displacement_after - displacement_before)
        - (displacement_control_after - displacement_control_before)
    )
    return _tested(wdd, variance=math.fsum(counts), areas={})


def panel_displacement(panel: EvaluationPanel) -> Displacement | None:
    """The WDD of a territory's programme (module docstring), None without a displacement area or a control."""
    programme = [sector for sector in panel.sectors if sector.start is not None]
    programme_codes = {sector.code for sector in programme}
    bordering = {code for sector in programme for code in panel.neighbours.get(sector.code, frozenset())}
    pool = [
        sector for sector in comparison_pool(panel, exclude_neighbours=False) if sector.code not in bordering
    ]
    by_code = {sector.code: sector for sector in panel.sectors}
    cohorts: dict[int, list[SectorSeries]] = {}
    for sector in programme:
        cohorts.setdefault(month_index(sector.start), []).append(sector)
    wdd = variance = 0.0
    areas: dict[str, set[str]] = {"treated": set(), "displacement": set(), "control": set()}
    for start, members in cohorts.items():
        around = {code for sector in members for code in panel.neighbours.get(sector.code, frozenset())}
        displaced = [by_code[code] for code in sorted(around - programme_codes) if code in by_code]
        treated = _complete(members, start=start)
        displacement = _complete(displaced, start=start)
        control = _complete(pool, start=start)
        if not treated or not displacement or not control:
            continue
        a0, a1 = _window_sums(treated, start=start)
        d0, d1 = _window_sums(displacement, start=start)
        b0, b1 = _window_sums(control, start=start)
        if b0 == 0:
            continue
        scale = (a0 + d0) / b0
        wdd += (a1 - a0) + (d1 - d0) - scale * (b1 - b0)
        variance += a0 + a1 + d0 + d1 + scale**2 * (b0 + b1)
        areas["treated"] |= {sector.code for sector in treated}
        areas["displacement"] |= {sector.code for sector in displacement}
        areas["control"] |= {sector.code for sector in control}
    if not areas["treated"]:
        return None
    return _tested(
        wdd, variance=variance, areas={role: tuple(sorted(codes)) for role, codes in areas.items()}
    )


def _complete(sectors: list[SectorSeries], *, start: int) -> list[SectorSeries]:
    """The sectors observed in every month of both windows around `start`."""
    needed = set(range(start - DISPLACEMENT_WINDOW, start + DISPLACEMENT_WINDOW))
    return [sector for sector in sectors if needed <= {month_index(month) for month in sector.counts}]


def _window_sums(sectors: list[SectorSeries], *, start: int) -> tuple[float, float]:
    before = after = 0.0
    for sector in sectors:
        for month, count in sector.counts.items():
            relative = month_index(month) - start
            if -DISPLACEMENT_WINDOW <= relative < 0:
                before += count
            elif 0 <= relative < DISPLACEMENT_WINDOW:
                after += count
    return before, after


def _tested(wdd: float, *, variance: float, areas: dict[str, tuple[str, ...]]) -> Displacement:
    if variance <= 0:
        return Displacement(wdd=wdd, z=0.0, p_value=1.0, areas=areas)
    z = wdd / math.sqrt(variance)
    return Displacement(wdd=wdd, z=z, p_value=float(2.0 * norm.sf(abs(z))), areas=areas)
