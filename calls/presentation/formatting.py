"""Numbers, p-values and months written for the reader's language (12 345,6 in French, 12,345.6 in English)."""

from __future__ import annotations

from datetime import date

from django.utils import dateformat, formats


def number(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """A localised number with thousands separators (12 345,6 in French, 12,345.6 in English)."""
    if value is None:
        return "—"
    if decimals == 0:
        value = round(value)
    text = formats.number_format(value, decimals, force_grouping=True)
    if text.startswith("-"):
        text = "−" + text[1:]  # the minus sign, not a hyphen
    elif signed and value > 0:
        text = "+" + text
    return text


def trimmed(value: float) -> int:
    """Decimals to show a reference: none for whole numbers (a month's count), one for a baseline's mean."""
    return 0 if float(value).is_integer() else 1


def p_value_text(p_value: float) -> str:
    """The p-value as "p = 0.042", or "p < 0.001" below what three decimals show (localised)."""
    if p_value < 0.001:
        return "p\u00a0<\u00a0" + formats.number_format(0.001, 3)
    return "p\u00a0=\u00a0" + formats.number_format(p_value, 3)


def month_label(month: date) -> str:
    """A month in full, in the reader's language ("janvier 2025")."""
    return dateformat.format(month, "F Y")


def axis_label(month: date) -> str:
    """A month abridged for the chart's axis ("janv. 2025", "Jan. 2025"): Django's "N", unambiguous in French
    where "M" writes both June and July "jui"."""
    return dateformat.format(month, "N Y")
