"""The outreach version: a token in the cache that moves whenever what the public sees of outreach may have
changed (activities, campaigns, sector priorities, partners), as officers.signals does for coverage.

The public sector page caches its outreach part under it (outreach.selectors.sector_outreach_public), so an
edit made anywhere (admin, services, shell) is seen by the next request.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from beats.models import Sector
from contacts.models import Partner

from .models import Activity, Campaign, SectorPriority

OUTREACH_VERSION_KEY = "outreach:version"


def outreach_version() -> str:
    """The current token (one cache read); a new one when the cache lost it."""
    version = cache.get(OUTREACH_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(OUTREACH_VERSION_KEY, version, timeout=None):
            version = cache.get(OUTREACH_VERSION_KEY) or version
    return version


def outreach_version_bump() -> None:
    cache.set(OUTREACH_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _changed(**kwargs) -> None:
    # Now, and again after the commit: a request running meanwhile may have cached what it read before the
    # commit under the token set now.
    outreach_version_bump()
    transaction.on_commit(outreach_version_bump)


def _m2m_changed(action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _changed()


for _model in (Activity, Campaign, SectorPriority, Partner, Sector):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"outreach_version_{_model.__name__}_saved")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"outreach_version_{_model.__name__}_deleted")

for _through in (Activity.sectors.through, Partner.sectors.through, Partner.languages.through):
    m2m_changed.connect(_m2m_changed, sender=_through, dispatch_uid=f"outreach_version_{_through.__name__}")
