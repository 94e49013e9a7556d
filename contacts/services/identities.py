"""A resident's identity: checked before it is recorded, read, purged and exported, each access leaving a
row in the audit trail (IdentityAccess). Log lines carry ids and counts only."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.users import Actor, AnyUser
from officers.phones import normalise_phone

from ..models import Contact, IdentityAccess, ResidentIdentity

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdentityInput:
    name: str = ""
    phone: str = ""
    email: str = ""
    consent: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.phone.strip() or self.email.strip())


def acting_user(user: Actor) -> User | None:
    """The user who acts, or None for anonymous and missing users (a command, a task)."""
    return user if getattr(user, "is_authenticated", False) else None


def identity_access_record(*, contact: Contact | None, user: Actor, action: str, note: str = "") -> None:
    """One row of the identity audit trail."""
    IdentityAccess.objects.create(contact=contact, user=acting_user(user), action=action, note=note[:200])


def identity_clean(identity: IdentityInput) -> dict:
    if not identity.consent:
        raise ValidationError(
            {
                "consent": [
                    _("The person's identity is recorded only with their consent: tick the consent box.")
                ]
            }
        )
    errors = {}
    fields = {"name": identity.name.strip(), "email": identity.email.strip(), "phone": ""}
    if len(fields["name"]) > 200:
        errors["name"] = [_("The name is too long (200 characters at most).")]
    try:
        fields["phone"] = normalise_phone(identity.phone)
    except ValidationError:
        # Not the number itself in the message: it would travel to logs with the error.
        errors["phone"] = [_("This is not a valid phone number.")]
    if fields["email"]:
        from django.core.validators import validate_email

        try:
            validate_email(fields["email"])
        except ValidationError:
            errors["email"] = [_("This is not a valid e-mail address.")]
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def identity_read(*, contact: Contact, user: AnyUser) -> ResidentIdentity | None:
    """The contact's identity, with a "read" row in the audit trail; None (and no row) when there is none.

    The caller has checked that `user` may see it (contacts.selectors.identity_visible_to).
    """
    identity = ResidentIdentity.objects.filter(contact=contact).first()
    if identity is not None:
        identity_access_record(contact=contact, user=user, action=IdentityAccess.Action.READ)
    return identity


@transaction.atomic
def identity_purge(*, identity: ResidentIdentity, actor: Actor = None, note: str = "") -> None:
    contact = identity.contact
    identity.delete()
    identity_access_record(contact=contact, user=actor, action=IdentityAccess.Action.PURGE, note=note)
    logger.info(
        "identity of contact %s purged (user %s)", contact.pk, getattr(acting_user(actor), "pk", None)
    )


@transaction.atomic
def identities_export(*, identities: Iterable[ResidentIdentity], actor: Actor) -> list[dict]:
    """What is held about the people of these identities (an access request): their identity, their contacts
    and referrals. Each exported record leaves an "export" row in the audit trail."""
    rows = []
    for identity in identities:
        contact = identity.contact
        rows.append(
            {
                "contact": contact.pk,
                "when": timezone.localtime(contact.when).isoformat(),
                "sector": contact.sector.code,
                "officer": contact.officer.full_name,
                "name": identity.name,
                "phone": identity.phone,
                "email": identity.email,
                "consent_at": timezone.localtime(identity.consent_at).isoformat(),
                "channel": contact.get_channel_display(),
                "categories": ", ".join(category.name for category in contact.categories.all()),
                "summary": contact.summary,
                "outcome": contact.get_outcome_display(),
                "referrals": "; ".join(
                    f"{referral.target}: {referral.get_status_display()} {referral.outcome}".strip()
                    for referral in contact.referrals.all()
                ),
            }
        )
        identity_access_record(contact=contact, user=actor, action=IdentityAccess.Action.EXPORT)
    logger.info("%d identities exported (user %s)", len(rows), getattr(acting_user(actor), "pk", None))
    return rows
