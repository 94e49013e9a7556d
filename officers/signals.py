"""The coverage version: a token in the cache that moves whenever who-answers-where may have changed.

Public answers (public/selectors.py) are cached under it, so an edit made anywhere (services, admin, shell,
fixtures) is seen by the next request: nothing waits for a timeout. A token rather than a counter, so that a
token evicted from the cache can never come back to a value that old cached answers still carry.
"""

import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from beats.models import Sector

from .models import Absence, Assignment, CoverageChange, Language, Officer

COVERAGE_VERSION_KEY = "officers:coverage-version"


# This process's last reading of the token: (token, monotonic time read).
_last_read: list = [None, 0.0]


def coverage_version(*, max_age: float = 0.0) -> str:
    """The current token (one cache read); a new one when the cache lost it or is down.

    With max_age, a reading this process made less than max_age seconds ago is reused without asking the
    cache: another process's edit is then seen up to max_age seconds late (this process's own, at once).
    """
    if max_age and _last_read[0] is not None and time.monotonic() - _last_read[1] < max_age:
        return _last_read[0]
    version = _read_version()
    _last_read[:] = [version, time.monotonic()]
    return version


def _read_version() -> str:
    version = cache.get(COVERAGE_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add(): of two processes starting a version at once, both end up using the first one's.
        if not cache.add(COVERAGE_VERSION_KEY, version, timeout=None):
            version = cache.get(COVERAGE_VERSION_KEY) or version
    return version


def coverage_version_bump() -> None:
    _last_read[:] = [None, 0.0]
    cache.set(COVERAGE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _changed(**kwargs) -> None:
    # Now, so that this process never serves its own stale answer; and again after the commit, because a
    # request running meanwhile may have cached what it read before the commit under the token set now.
    coverage_version_bump()
    transaction.on_commit(coverage_version_bump)


# Sectors too: their names and boundaries are in the answers, and the API keeps its point → sector index
# while this version holds.
for _model in (Officer, Assignment, Absence, CoverageChange, Language, Sector):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"coverage_version_{_model.__name__}_saved")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"coverage_version_{_model.__name__}_deleted")


@receiver(m2m_changed, sender=Officer.languages.through, dispatch_uid="coverage_version_officer_languages")
def officer_languages_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _changed()
