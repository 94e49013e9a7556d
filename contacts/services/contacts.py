"""A contact logged or changed: checked field by field, placed in its sector, with the resident's identity
(with consent) and the referrals made. Log lines carry ids and counts only."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beats.index import get_sector_index
from beats.models import Sector
from common.users import Actor
from officers.models import Officer

from ..models import (
    SUMMARY_MAX_LENGTH,
    Channel,
    Contact,
    ContactCategory,
    IdentityAccess,
    Outcome,
    ResidentIdentity,
    Who,
)
from ..selectors import officer_sector_on
from .identities import IdentityInput, acting_user, identity_access_record, identity_clean
from .referrals import ReferralInput, referral_create

logger = logging.getLogger(__name__)

# A phone's clock may run a little ahead of the server's: a contact "now" is not refused as in the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)


# --- validation ------------------------------------------------------------------------------------------


def _check_contact(
    *,
    when: datetime.datetime,
    channel: str,
    who: str,
    outcome: str,
    categories: Sequence[ContactCategory],
    summary: str,
    follow_up_due: datetime.date | None,
    lon: float | None,
    lat: float | None,
    allowed_inactive: Iterable[int] = (),
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if when is None:
        add("when", _("Give the date and time of the contact."))
    elif when > timezone.now() + CLOCK_SKEW:
        add("when", _("The date of the contact is in the future."))
    if channel not in Channel.values:
        add("channel", _("Choose how the person reached you."))
    if who not in Who.values:
        add("who", _("Choose who reached you."))
    if outcome not in Outcome.values:
        add("outcome", _("Choose the outcome."))
    if not categories:
        add("categories", _("Choose at least one category."))
    allowed_inactive = set(allowed_inactive)
    for category in categories:
        if not category.is_active and category.pk not in allowed_inactive:
            add("categories", _("The category “%(name)s” is no longer in use.") % {"name": category.name})
    if len(summary or "") > SUMMARY_MAX_LENGTH:
        add(
            "summary",
            _("The summary is %(length)d characters long; keep it to %(limit)d.")
            % {"length": len(summary), "limit": SUMMARY_MAX_LENGTH},
        )
    if follow_up_due is not None and when is not None and follow_up_due < timezone.localdate(when):
        add("follow_up_due", _("The follow-up is due before the contact took place."))
    if (lon is None) != (lat is None):
        add("lon", _("Give both the longitude and the latitude, or neither."))
    elif lon is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        add("lon", _("These coordinates are not on Earth."))
    if errors:
        raise ValidationError(errors)


def _place(
    *, officer: Officer, when: datetime.datetime, sector: Sector | None, lon: float | None, lat: float | None
) -> Sector:
    """The contact's sector: the point's when given and on the territory, else the one chosen, else the
    officer's sector that day."""
    if lon is not None and lat is not None:
        match = get_sector_index().locate(lon, lat)
        if match is not None:
            return Sector.objects.defer("geometry").get(pk=match.sector_id)
    if sector is not None:
        return sector
    found = officer_sector_on(officer, timezone.localdate(when))
    if found is None:
        raise ValidationError(
            {
                "sector": [
                    _("No sector could be found for this contact (no location, no assignment): choose one.")
                ]
            }
        )
    return found


# --- contacts --------------------------------------------------------------------------------------------


@transaction.atomic
def contact_create(
    *,
    officer: Officer,
    when: datetime.datetime,
    channel: str,
    outcome: str,
    categories: Sequence[ContactCategory],
    who: str = Who.RESIDENT,
    summary: str = "",
    would_have_called_911: bool = False,
    follow_up_due: datetime.date | None = None,
    sector: Sector | None = None,
    lon: float | None = None,
    lat: float | None = None,
    identity: IdentityInput | None = None,
    referrals: Sequence[ReferralInput] = (),
    actor: Actor = None,
) -> Contact:
    categories = list(categories)
    _check_contact(
        when=when,
        channel=channel,
        who=who,
        outcome=outcome,
        categories=categories,
        summary=summary,
        follow_up_due=follow_up_due,
        lon=lon,
        lat=lat,
    )
    identity_fields = None
    if identity is not None and not (identity.is_empty and not identity.consent):
        if identity.is_empty:
            identity = None  # consent ticked, nothing to record
        else:
            identity_fields = identity_clean(identity)
    contact = Contact.objects.create(
        officer=officer,
        when=when,
        sector=_place(officer=officer, when=when, sector=sector, lon=lon, lat=lat),
        lon=lon,
        lat=lat,
        channel=channel,
        who=who,
        summary=summary.strip(),
        would_have_called_911=would_have_called_911,
        outcome=outcome,
        follow_up_due=follow_up_due,
        created_by=acting_user(actor),
    )
    contact.categories.set(categories)
    if identity_fields is not None:
        ResidentIdentity.objects.create(
            contact=contact, consent_given=True, consent_at=timezone.now(), **identity_fields
        )
        identity_access_record(contact=contact, user=actor, action=IdentityAccess.Action.CREATE)
    for referral in referrals:
        referral_create(
            contact=contact,
            partner=referral.partner,
            to_social_worker=referral.to_social_worker,
            status=referral.status,
            outcome=referral.outcome,
            actor=actor,
        )
    logger.info(
        "contact %s logged (officer %s, sector %s, %d referral(s), identity: %s)",
        contact.pk,
        officer.pk,
        contact.sector_id,
        len(referrals),
        "yes" if identity_fields else "no",
    )
    return contact


CONTACT_EDITABLE = (
    "when",
    "channel",
    "who",
    "outcome",
    "summary",
    "would_have_called_911",
    "follow_up_due",
    "follow_up_done",
)


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    actor: Actor = None,
    categories: Sequence[ContactCategory] | None = None,
    **fields: Any,
) -> Contact:
    """Change what was recorded; a category retired since stays allowed on the contact that has it."""
    unknown = set(fields) - set(CONTACT_EDITABLE)
    if unknown:
        raise TypeError(f"contact_update cannot change {sorted(unknown)}")
    if contact.anonymised_at and fields.get("summary"):
        raise ValidationError(
            {"summary": [_("This contact was anonymised: its summary cannot be written again.")]}
        )
    current = list(contact.categories.all())
    wanted = list(categories) if categories is not None else current
    values = {name: fields.get(name, getattr(contact, name)) for name in CONTACT_EDITABLE}
    _check_contact(
        when=values["when"],
        channel=values["channel"],
        who=values["who"],
        outcome=values["outcome"],
        categories=wanted,
        summary=values["summary"],
        follow_up_due=values["follow_up_due"],
        lon=contact.lon,
        lat=contact.lat,
        allowed_inactive=[category.pk for category in current],
    )
    for name, value in values.items():
        setattr(contact, name, value.strip() if name == "summary" else value)
    contact.save()
    if categories is not None:
        contact.categories.set(wanted)
    logger.info("contact %s changed by user %s", contact.pk, getattr(acting_user(actor), "pk", None))
    return contact


@transaction.atomic
def contact_follow_up_done(*, contact: Contact, actor: Actor = None) -> Contact:
    Contact.objects.filter(pk=contact.pk).update(follow_up_done=True, updated_at=timezone.now())
    contact.follow_up_done = True
    return contact
