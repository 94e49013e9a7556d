"""What every CSV or spreadsheet the app writes must do with text cells."""

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value) -> str:
    """A cell as text that a spreadsheet shows and never runs: a leading quote before a formula-looking value.

    None is an empty cell. Only text from outside (files, people) needs this: numbers the app computed itself
    are written as numbers, or a negative one would turn into text.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
