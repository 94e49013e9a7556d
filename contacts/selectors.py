"""Who sees which contacts, and the counts analysts read.

The rules, row by row (the model permissions of contacts/migrations/0004_roles.py come first):

- an officer (`view_contact` alone) sees the contacts they logged or that are theirs (their officer record),
  in every sector: a contact follows the officer who took it, not the sector, so an officer covering another
  sector keeps their own follow-ups, and never reads a colleague's contact, even in their own sector;
- `view_all_contacts` (supervisors, the privacy officer; administrators) sees the team's: every contact, the
  unit being one team;
- an identity is shown to those who see the contact and hold `view_residentidentity`: the contact's officer,
  the supervisors, the privacy officer (and administrators); analysts never (they see no contact at all);
- a contact looked up by id outside what one may see is "not found" (404), never "forbidden": an id says
  nothing about whether it exists.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404

from common.months import add_months
from common.users import AnyUser

from .models import Contact, Referral

if TYPE_CHECKING:
    from beats.models import Sector
    from officers.models import Officer


def contacts_visible_to(user: AnyUser) -> QuerySet[Contact]:
    if not user.is_authenticated or not user.is_staff or not user.has_perm("contacts.view_contact"):
        return Contact.objects.none()
    if user.has_perm("contacts.view_all_contacts"):
        return Contact.objects.all()
    return Contact.objects.filter(Q(officer__user=user) | Q(created_by=user))


def contact_get_for(user: AnyUser, pk: int) -> Contact:
    """The contact `pk` if `user` may see it; Http404 otherwise (whether it exists or not)."""
    contact = (
        contacts_visible_to(user)
        .select_related("officer", "sector", "created_by")
        .defer("sector__geometry")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404
    return contact


def identity_visible_to(user: AnyUser, contact: Contact) -> bool:
    return (
        user.has_perm("contacts.view_residentidentity")
        and contacts_visible_to(user).filter(pk=contact.pk).exists()
    )


def officer_of(user: AnyUser) -> Officer | None:
    """The officer record of a staff account, or None."""
    return getattr(user, "officer", None) if user.is_authenticated else None


# --- counts (analysts) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsFilter:
    first_month: datetime.date
    last_month: datetime.date  # its first day; the whole month is included
    sector_id: int | None = None


def _contacts_in(period: StatisticsFilter) -> QuerySet[Contact]:
    queryset = Contact.objects.filter(
        when__date__gte=period.first_month, when__date__lt=add_months(period.last_month, 1)
    )
    if period.sector_id:
        queryset = queryset.filter(sector_id=period.sector_id)
    return queryset


def contact_statistics(period: StatisticsFilter) -> dict:
    """Counts only — no summary, no identity: totals, by month, sector, category and channel, the contacts
    that avoided a 911 call, and referrals made, closed and completed per partner and per sector.

    A contact with two categories counts once in every table but the categories', where it counts in each.
    """
    contacts = _contacts_in(period)
    by_month = list(
        contacts.annotate(month=TruncMonth("when"))
        .values("month")
        .annotate(count=Count("id"), avoided=Count("id", filter=Q(would_have_called_911=True)))
        .order_by("month")
    )
    by_sector = list(
        contacts.values("sector__code", "sector__name")
        .annotate(count=Count("id"), avoided=Count("id", filter=Q(would_have_called_911=True)))
        .order_by("sector__code")
    )
    by_category = list(
        contacts.values("categories__slug", "categories__name_fr", "categories__name_en")
        .annotate(count=Count("id"))
        .order_by("-count", "categories__slug")
    )
    by_channel = list(contacts.values("channel").annotate(count=Count("id")).order_by("-count", "channel"))
    by_outcome = list(contacts.values("outcome").annotate(count=Count("id")).order_by("-count", "outcome"))
    referrals = Referral.objects.filter(contact__in=contacts)
    referral_counts = {
        "made": Count("id"),
        "accepted": Count("id", filter=Q(status=Referral.Status.ACCEPTED)),
        "completed": Count("id", filter=Q(status=Referral.Status.COMPLETED)),
        "declined": Count("id", filter=Q(status=Referral.Status.DECLINED)),
    }
    by_partner = list(
        referrals.values("partner__name", "to_social_worker")
        .annotate(**referral_counts)
        .order_by("partner__name")
    )
    referrals_by_sector = list(
        referrals.values("contact__sector__code")
        .annotate(**referral_counts)
        .order_by("contact__sector__code")
    )
    return {
        "total": contacts.count(),
        "avoided": contacts.filter(would_have_called_911=True).count(),
        "by_month": by_month,
        "by_sector": by_sector,
        "by_category": by_category,
        "by_channel": by_channel,
        "by_outcome": by_outcome,
        "by_partner": by_partner,
        "referrals_by_sector": referrals_by_sector,
    }


def contact_counts_cross(period: StatisticsFilter) -> list[dict]:
    """Month × sector × category × channel counts (the CSV), with the 911-avoided count of each cell."""
    return list(
        _contacts_in(period)
        .annotate(month=TruncMonth("when"))
        .values("month", "sector__code", "categories__slug", "channel")
        .annotate(count=Count("id"), avoided=Count("id", filter=Q(would_have_called_911=True)))
        .order_by("month", "sector__code", "categories__slug", "channel")
    )


def monthly_counts() -> dict[tuple[datetime.date, int], int]:
    """(month, sector id) → contacts: what retention must leave intact."""
    return {
        (row["month"].date() if hasattr(row["month"], "date") else row["month"], row["sector_id"]): row[
            "count"
        ]
        for row in Contact.objects.annotate(month=TruncMonth("when"))
        .values("month", "sector_id")
        .annotate(count=Count("id"))
    }


def officer_sector_on(officer: Officer, day: datetime.date) -> Sector | None:
    """The officer's sector on `day`: their primary assignment's, else their first secondary one's; None when
    they had none."""
    from officers.models import Assignment

    assignment = (
        Assignment.objects.on(day)
        .filter(officer=officer, sector__is_active=True)
        .select_related("sector")
        .defer("sector__geometry")
        .order_by("role", "sector__code")  # "primary" sorts before "secondary"
        .first()
    )
    return assignment.sector if assignment else None
