"""A fixed-window request limit per client, counted in the Django cache.

The window is a key per client and per period (`ratelimit:<scope>:<client>:<period>:<window>`), shared by all
processes in Redis and counted with one INCRBY (`TolerantRedisCache.incr_window`; `cache.add` and
`cache.incr` elsewhere, e.g. the embedded demo's local memory). Each process sends its hits in small batches
(`_LocalCounts`): exact under 40 requests per window, within a few requests per process above. When the
cache is down, nothing is counted and nobody is refused: the limit protects the service, and refusing
everyone because Redis is away would do the opposite.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class RateLimit:
    limit: int
    period: int  # seconds


@dataclass(frozen=True)
class RateLimitState:
    limit: RateLimit
    count: int
    reset: int  # seconds until the window ends

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit.limit - self.count)

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.limit.limit};w={self.limit.period}",
        }


@functools.lru_cache(maxsize=16)
def parse_rate(text: str) -> RateLimit | None:
    """ "120/m", "10/s", "1000/h", "5000/d", "600/5m"; "" or "0/m" turns the limit off (None)."""
    if not text or not text.strip():
        return None
    match = _RATE.match(text)
    if not match:
        raise ImproperlyConfigured(
            f"API_RATE_LIMIT must look like 120/m (requests per s, m, h or d), not {text!r}."
        )
    count, multiple, unit = int(match[1]), int(match[2] or 1), match[3]
    if count == 0:
        return None
    return RateLimit(limit=count, period=multiple * _PERIODS[unit])


def client_address(request) -> str:
    """REMOTE_ADDR; behind our TLS proxy (settings.BEHIND_TLS_PROXY, as for django-axes), the address our
    proxy wrote into X-Forwarded-For.

    With AXES_PROXY_COUNT proxies of ours in front, that is the entry that many places from the right: the
    first hop counted from us. Entries further left are whatever the client sent, and reading them would let
    anyone pick a new identity per request.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not settings.BEHIND_TLS_PROXY:
        return remote
    proxies = max(1, settings.AXES_IPWARE_PROXY_COUNT)
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def rate_limit_hit(request, *, scope: str = "api") -> RateLimitState | None:
    """Count this request against its client's window; None when there is no limit or no cache."""
    limit = parse_rate(settings.API_RATE_LIMIT)
    if limit is None:
        return None
    now = time.time()
    window = int(now // limit.period)
    reset = max(1, math.ceil((window + 1) * limit.period - now))
    key = f"ratelimit:{scope}:{client_address(request)}:{limit.period}:{window}"
    try:
        count = _local_counts.hit(key, window=window, limit=limit, now=now)
    except Exception:
        # Any cache failure means "no limit", never an error page.
        logger.warning("rate limit skipped: the cache is unavailable")
        return None
    if not isinstance(count, int):
        return None
    return RateLimitState(limit=limit, count=count, reset=reset)


def batch_size(limit: RateLimit) -> int:
    """How many of a client's hits a process may count before telling the shared counter: 1 (every hit, an
    exact count) up to limits of 39 per window, then a twentieth of the limit, at most 64."""
    return max(1, min(64, limit.limit // 20))


class _LocalCounts:
    """Each process counts its clients' hits and adds them to the shared Redis counter in batches.

    A client's hits go to Redis every `batch_size(limit)` hits in this process, at once when the client nears
    its limit, and at the latest with its first hit a second after the last flush. The shared count is then
    exact to within (batch − 1) hits per process: a client may get that many more answers than the limit
    (for 120/m and 4 processes, at most 20 more), in exchange for a Redis round trip on one request in a
    batch instead of on every one. Under 40 per window every hit is counted at once, exactly.
    """

    FLUSH_AFTER_SECONDS = 1.0

    def __init__(self):
        self._lock = threading.Lock()
        self._window: int | None = None
        # key → [shared count last seen, hits not yet sent, monotonic time of the last flush]
        self._entries: dict[str, list] = {}

    def forget(self) -> None:
        """Drop this process's counts (when the shared counters are emptied, e.g. between tests)."""
        with self._lock:
            self._window, self._entries = None, {}

    def hit(self, key: str, *, window: int, limit: RateLimit, now: float) -> int | None:
        batch = batch_size(limit)
        clock = time.monotonic()
        with self._lock:
            if window != self._window:  # a new window: the old one's counts are of no use any more
                self._window, self._entries = window, {}
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = [0, 0, clock]
            entry[1] += 1
            shared, pending, flushed_at = entry
            flush = (
                pending >= batch
                or shared + pending + batch > limit.limit
                or clock - flushed_at >= self.FLUSH_AFTER_SECONDS
            )
            if not flush:
                return shared + pending
            entry[1] = 0
        total = _count(key, timeout=limit.period + 1, delta=pending)
        with self._lock:
            if total is None:
                entry[1] += pending  # not sent: keep them for the next flush
                return None
            entry[0], entry[2] = total, clock
            return total + entry[1]


_local_counts = _LocalCounts()
forget_local_counts = _local_counts.forget


def _count(key: str, *, timeout: int, delta: int = 1) -> int | None:
    if hasattr(cache, "incr_window"):
        return cache.incr_window(key, timeout, delta=delta)  # Redis (config/cache.py): one round trip
    try:
        return cache.incr(key, delta)
    except ValueError:
        pass  # a new window
    if cache.add(key, delta, timeout=timeout):
        return delta
    try:
        return cache.incr(key, delta)  # another request created the window first
    except ValueError:
        return None  # the key can be neither created nor counted: the cache is not working
