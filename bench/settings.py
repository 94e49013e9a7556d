"""Settings for benchmarks served over HTTP: the project's own, plus a trivial view to measure against.

The trivial view lives in bench/urls.py only; production URLs never carry it.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
