"""Civic addresses: normalising what residents type, importing address files, finding an address."""
