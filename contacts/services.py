"""Every write to contacts, identities and referrals; keyword-only and transactional.

Nothing here logs a summary, a name, a phone number or an e-mail: log lines carry ids and counts only.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beats.index import get_sector_index
from beats.models import Sector
from common.months import shift_months
from officers.phones import normalise_phone

from .models import (
    OUTCOME_TEXT_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    Channel,
    Contact,
    ContactCategory,
    IdentityAccess,
    Outcome,
    Partner,
    Referral,
    ResidentIdentity,
    Who,
)
from .selectors import officer_sector_on

logger = logging.getLogger(__name__)

# A phone's clock may run a little ahead of the server's: a contact "now" is not refused as in the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class IdentityInput:
    name: str = ""
    phone: str = ""
    email: str = ""
    consent: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.phone.strip() or self.email.strip())


@dataclass(frozen=True)
class ReferralInput:
    partner: Partner | None = None
    to_social_worker: bool = False
    status: str = Referral.Status.MADE
    outcome: str = ""


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _audit(*, contact: Contact | None, user, action: str, note: str = "") -> None:
    IdentityAccess.objects.create(contact=contact, user=_actor(user), action=action, note=note[:200])


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


def _clean_identity(identity: IdentityInput) -> dict:
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


def _place(*, officer, when, sector: Sector | None, lon, lat) -> Sector:
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
    officer,
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
    actor=None,
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
            identity_fields = _clean_identity(identity)
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
        created_by=_actor(actor),
    )
    contact.categories.set(categories)
    if identity_fields is not None:
        ResidentIdentity.objects.create(
            contact=contact, consent_given=True, consent_at=timezone.now(), **identity_fields
        )
        _audit(contact=contact, user=actor, action=IdentityAccess.Action.CREATE)
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
    *, contact: Contact, actor=None, categories: Sequence[ContactCategory] | None = None, **fields
):
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
    logger.info("contact %s changed by user %s", contact.pk, getattr(_actor(actor), "pk", None))
    return contact


@transaction.atomic
def contact_follow_up_done(*, contact: Contact, actor=None) -> Contact:
    Contact.objects.filter(pk=contact.pk).update(follow_up_done=True, updated_at=timezone.now())
    contact.follow_up_done = True
    return contact


# --- referrals -------------------------------------------------------------------------------------------

_STATUS_STAMP = {
    Referral.Status.ACCEPTED: "accepted_at",
    Referral.Status.COMPLETED: "completed_at",
    Referral.Status.DECLINED: "declined_at",
}


def _check_referral(*, partner, to_social_worker, status, outcome) -> None:
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
    actor=None,
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
        created_by=_actor(actor),
    )
    if status in _STATUS_STAMP:
        setattr(referral, _STATUS_STAMP[status], now)
    if status == Referral.Status.COMPLETED and referral.accepted_at is None:
        referral.accepted_at = now
    referral.save()
    return referral


@transaction.atomic
def referral_set_status(
    *, referral: Referral, status: str, outcome: str | None = None, actor=None
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
    logger.info("referral %s now %s (user %s)", referral.pk, status, getattr(_actor(actor), "pk", None))
    return referral


# --- identities ------------------------------------------------------------------------------------------


@transaction.atomic
def identity_read(*, contact: Contact, user) -> ResidentIdentity | None:
    """The contact's identity, with a "read" row in the audit trail; None (and no row) when there is none.

    The caller has checked that `user` may see it (contacts.selectors.identity_visible_to).
    """
    identity = ResidentIdentity.objects.filter(contact=contact).first()
    if identity is not None:
        _audit(contact=contact, user=user, action=IdentityAccess.Action.READ)
    return identity


@transaction.atomic
def identity_save(*, contact: Contact, identity: IdentityInput, actor=None) -> ResidentIdentity | None:
    """Record or change the identity of a contact's resident (consent required)."""
    if contact.anonymised_at:
        raise ValidationError({"name": [_("This contact was anonymised: no identity can be added to it.")]})
    fields = _clean_identity(identity)
    existing = ResidentIdentity.objects.filter(contact=contact).first()
    if existing is None:
        row = ResidentIdentity.objects.create(
            contact=contact, consent_given=True, consent_at=timezone.now(), **fields
        )
        _audit(contact=contact, user=actor, action=IdentityAccess.Action.CREATE)
        return row
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    _audit(contact=contact, user=actor, action=IdentityAccess.Action.CHANGE)
    return existing


@transaction.atomic
def identity_purge(*, identity: ResidentIdentity, actor=None, note: str = "") -> None:
    contact = identity.contact
    identity.delete()
    _audit(contact=contact, user=actor, action=IdentityAccess.Action.PURGE, note=note)
    logger.info("identity of contact %s purged (user %s)", contact.pk, getattr(_actor(actor), "pk", None))


@transaction.atomic
def identities_export(*, identities: Iterable[ResidentIdentity], actor) -> list[dict]:
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
        _audit(contact=contact, user=actor, action=IdentityAccess.Action.EXPORT)
    logger.info("%d identities exported (user %s)", len(rows), getattr(_actor(actor), "pk", None))
    return rows


# --- retention -------------------------------------------------------------------------------------------


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
