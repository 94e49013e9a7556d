"""Benchmarks. A package so that gunicorn can load bench.settings and bench.urls (see public_lookup.py)."""
