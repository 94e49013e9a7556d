"""Texts the app stores in both languages (names, titles, descriptions)."""

from django.utils.translation import get_language


def in_active_language(french: str, english: str) -> str:
    """The English text on English pages when there is one; the French one otherwise (French is the default)."""
    return english if (get_language() or "fr").startswith("en") and english else french
