"""The bottom layer: helpers every app may use (texts in two languages, spreadsheet cells, the append-only
model base, the management command base, month arithmetic, the user types of the services' signatures).

It imports no app of ours, only Django and the standard library, so any app can import it without an arrow
pointing up. It is a plain package, not a Django app: it holds no concrete model (AppendOnlyModel is
abstract) and needs no INSTALLED_APPS entry.
"""
