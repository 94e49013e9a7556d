"""Referrals: made to a partner or to the service's social worker, then moved on (made → accepted → completed,
or declined), each status stamped when it is reached."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.users import Actor

from ..models import OUTCOME_TEXT_MAX_LENGTH, Contact, Partner, Referral
from .identities import acting_user

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReferralInput:
    partner: Partner | None = None
    to_social_worker: bool = False
    status: str = Referral.Status.MADE
    outcome: str = ""


_STATUS_STAMP = {
    Referral.Status.ACCEPTED: "accepted_at",
    Referral.Status.COMPLETED: "completed_at",
    Referral.Status.DECLINED: "declined_at",
}


def _check_referral(
    *, partner: Partner | None, to_social_worker: bool, status: str, outcome: str | None
) -> None:
    errors = {}
    if (partner is None) != bool(to_social_worker):
        errors["partner"] = [_("Refer to a partner or to the service's social worker (one of them).")]
    if partner is not None and not partner.is_active:
        errors["partner"] = [_("The partner “%(name)s” is no longer active.") % {"name": partner.name}]
    if status not in Referral.Status.values:
        errors["status"] = [_("Choose the referral's status.")]
    if len(outcome or "") > OUTCOME_TEXT_MAX_LENGTH:
        errors["outcome"] = [
            _("The outcome is %(length)d characters long; keep it to %(limit)d.")
            % {"length": len(outcome), "limit": OUTCOME_TEXT_MAX_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def referral_create(
    *,
    contact: Contact,
    partner: Partner | None = None,
    to_social_worker: bool = False,
    status: str = Referral.Status.MADE,
    outcome: str = "",
    made_at: datetime.datetime | None = None,
    actor: Actor = None,
) -> Referral:
    """A referral of the contact; `made_at` (default now) is when it was made, each later status stamped then
    too (history loaded from elsewhere, the demo)."""
    _check_referral(partner=partner, to_social_worker=to_social_worker, status=status, outcome=outcome)
    now = made_at or timezone.now()
    referral = Referral(
        contact=contact,
        partner=partner,
        to_social_worker=partner is None,
        status=status,
        outcome=(outcome or "").strip(),
        made_at=now,
        created_by=acting_user(actor),
    )
    if status in _STATUS_STAMP:
        setattr(referral, _STATUS_STAMP[status], now)
    if status == Referral.Status.COMPLETED and referral.accepted_at is None:
        referral.accepted_at = now
    referral.save()
    return referral


@transaction.atomic
def referral_set_status(
    *, referral: Referral, status: str, outcome: str | None = None, actor: Actor = None
) -> Referral:
    """Move a referral on (made → accepted → completed, or declined); each status keeps when it was reached."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    new_outcome = referral.outcome if outcome is None else outcome
    # The partner is not checked again: a partner retired since still closes the referrals it holds.
    _check_referral(partner=None, to_social_worker=True, status=status, outcome=new_outcome)
    if referral.contact.anonymised_at and (outcome or "").strip():
        raise ValidationError(
            {"outcome": [_("This contact was anonymised: no free text can be added to it.")]}
        )
    now = timezone.now()
    if status != referral.status and status in _STATUS_STAMP:
        setattr(referral, _STATUS_STAMP[status], now)
        if status == Referral.Status.COMPLETED and referral.accepted_at is None:
            referral.accepted_at = now
    referral.status = status
    referral.outcome = new_outcome.strip()
    referral.save()
    logger.info("referral %s now %s (user %s)", referral.pk, status, getattr(acting_user(actor), "pk", None))
    return referral
