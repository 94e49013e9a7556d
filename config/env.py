"""How config/settings.py reads the environment (django-environ), with the checks that stop the service at
start-up on a wrong value instead of letting it fail later, on the first request that uses it."""

from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()


def env_at_least_one(name: str, *, default: int) -> int:
    value = env.int(name, default=default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1.")
    return value


def env_some_of(name: str, *, choices: list[str]) -> list[str]:
    """A comma-separated subset of `choices`, all of them by default."""
    values = env.list(name, default=choices)
    if not values or not set(values) <= set(choices):
        raise ImproperlyConfigured(f"{name} must list some of: {', '.join(choices)}.")
    return values


def env_web_address(name: str, *, default: str) -> str:
    """An http:// or https:// address; empty only if the default is."""
    value = env(name, default=default)
    parts = urlsplit(value)
    if (value or default) and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise ImproperlyConfigured(
            f"{name} must be an http:// or https:// address, e.g. https://host.example."
        )
    return value


def env_viewbox(name: str) -> str:
    """ "lon1,lat1,lon2,lat2" in degrees, or empty."""
    value = env(name, default="")
    numbers = value.split(",") if value.strip() else []
    try:
        if numbers and (len(numbers) != 4 or not all(abs(float(number)) <= 180 for number in numbers)):
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be four numbers: lon1,lat1,lon2,lat2.") from None
    return value
