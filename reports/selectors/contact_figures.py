"""The report's contacts and referrals: grouped counts of contacts.models (no free text, no identity).

"Follow-ups open" are the month's contacts whose follow-up is not done when the report is built (the model
keeps no date for "done"); referrals are counted per partner type (contacts.models.PartnerType), the social
worker apart. These are true counts: small ones are hidden only when written (see small_counts).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from common.months import month_bounds
from contacts.models import Contact, Referral

from .figures import SOCIAL_WORKER, Areas, ReferralFigures


def contact_figures(*, month: date, areas: Areas, scope_filter: Q, sector_ids: set[int]) -> None:
    start, end = month_bounds(month)
    contacts = Contact.objects.filter(scope_filter, when__gte=start, when__lt=end)
    total = areas["total"]
    rows = contacts.values("sector_id").annotate(
        n=Count("id"),
        avoided=Count("id", filter=Q(would_have_called_911=True)),
        open=Count("id", filter=Q(follow_up_done=False, follow_up_due__isnull=False)),
    )
    for row in rows:
        for area in (areas.get(row["sector_id"]), total):
            if area is not None:
                area.contacts += row["n"]
                area.contacts_avoided_911 += row["avoided"]
                area.follow_ups_open += row["open"]
    for sector_id, channel, n in (
        contacts.order_by().values_list("sector_id", "channel").annotate(Count("id"))
    ):
        for area in (areas.get(sector_id), total):
            if area is not None:
                area.contacts_by_channel[channel] = area.contacts_by_channel.get(channel, 0) + n
    # A contact with two categories counts in each (and once in every other figure).
    by_category = contacts.order_by().values_list("sector_id", "categories__slug").annotate(Count("id"))
    for sector_id, slug, n in by_category:
        for area in (areas.get(sector_id), total):
            if area is not None and slug:
                area.contacts_by_category[slug] = area.contacts_by_category.get(slug, 0) + n

    # Referrals made in the month, and referrals completed in the month (whenever they were made).
    referrals = Referral.objects.filter(
        Q(made_at__gte=start, made_at__lt=end) | Q(completed_at__gte=start, completed_at__lt=end),
    )
    if scope_filter:
        referrals = referrals.filter(contact__sector_id__in=sector_ids)
    rows = (
        referrals.order_by()
        .values_list("contact__sector_id", "partner__kind", "to_social_worker")
        .annotate(
            made=Count("id", filter=Q(made_at__gte=start, made_at__lt=end)),
            completed=Count(
                "id",
                filter=Q(status=Referral.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end),
            ),
        )
    )
    for sector_id, partner_type, social_worker, made, completed in rows:
        key = SOCIAL_WORKER if social_worker else partner_type
        for area in (areas.get(sector_id), total):
            if area is not None:
                before = area.referrals.get(key, ReferralFigures())
                area.referrals[key] = ReferralFigures(before.made + made, before.completed + completed)
                area.referrals_made += made
                area.referrals_completed += completed
