"""Retention: what identifies people is destroyed once their contacts are older than
CONTACTS_RETENTION_MONTHS; the counts stay whole."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.months import shift_months

from ..models import Contact, IdentityAccess, Referral, ResidentIdentity

logger = logging.getLogger(__name__)


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return shift_months(now or timezone.now(), -settings.CONTACTS_RETENTION_MONTHS)


@transaction.atomic
def contacts_apply_retention(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Destroy what identifies people in contacts older than CONTACTS_RETENTION_MONTHS: the identities, the
    summaries, the referral outcomes and the location point (the sector stays). Counts stay whole: no contact
    or referral is deleted. Each destroyed identity leaves a "purge" row in the audit trail (the record, not
    its content); running it again finds nothing more to do.
    """
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    old = Contact.objects.older_than(cutoff).filter(anonymised_at__isnull=True)
    contact_ids = list(old.select_for_update().values_list("pk", flat=True))
    identity_contacts = list(
        ResidentIdentity.objects.filter(contact_id__in=contact_ids).values_list("contact_id", flat=True)
    )
    identities, _by_model = ResidentIdentity.objects.filter(contact_id__in=contact_ids).delete()
    IdentityAccess.objects.bulk_create(
        IdentityAccess(contact_id=contact_id, user=None, action=IdentityAccess.Action.PURGE, note="retention")
        for contact_id in identity_contacts
    )
    referrals = (
        Referral.objects.filter(contact_id__in=contact_ids)
        .exclude(outcome="")
        .update(outcome="", updated_at=now)
    )
    summaries = Contact.objects.filter(pk__in=contact_ids).exclude(summary="").count()
    Contact.objects.filter(pk__in=contact_ids).update(
        summary="", lon=None, lat=None, anonymised_at=now, updated_at=now
    )
    counts = {
        "contacts_anonymised": len(contact_ids),
        "identities_destroyed": identities,
        "summaries_blanked": summaries,
        "referral_outcomes_blanked": referrals,
    }
    logger.info(
        "contacts retention (older than %s): %s",
        cutoff.date().isoformat(),
        ", ".join(f"{name}={value}" for name, value in counts.items()),
    )
    return counts
