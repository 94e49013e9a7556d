"""Staff pages of contacts: log a contact, my contacts, the team's, a contact's page (its identity shown on
request, each time audited), closing a referral, and the analysts' counts.

Who sees what is decided by contacts.selectors; a contact outside it answers 404, whatever the id.
"""

import csv
import datetime
import logging

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from common.months import add_months, month_start

from .forms import (
    SERVICE_FIELDS,
    ContactEditForm,
    ContactForm,
    ReferralStatusForm,
    StatisticsFilterForm,
    TeamFilterForm,
)
from .models import Channel, ContactCategory, Outcome, Referral
from .selectors import (
    StatisticsFilter,
    contact_counts_cross,
    contact_get_for,
    contact_statistics,
    contacts_visible_to,
    identity_visible_to,
    officer_of,
    officer_sector_on,
)
from .services.contacts import contact_create, contact_follow_up_done, contact_update
from .services.identities import IdentityInput, identity_read
from .services.referrals import ReferralInput, referral_set_status

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
FOLLOW_UP_HORIZON_DAYS = 7
DEFAULT_STATISTICS_MONTHS = 12


def _add_service_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages_ in error.message_dict.items():
        field = SERVICE_FIELDS.get(key, key)
        form.add_error(field if field in form.fields else None, messages_)


def _list_queryset(queryset):
    return (
        queryset.select_related("officer", "sector")
        .defer("sector__geometry", "summary")
        .prefetch_related("categories", "referrals__partner")
    )


@never_cache
@staff_member_required
@permission_required("contacts.add_contact", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contact_new(request):
    officer = officer_of(request.user)
    today = timezone.localdate()
    if officer is None and not request.user.has_perm("contacts.view_all_contacts"):
        # Only those who see the team's contacts log one for another officer; an officer's account must be
        # linked to their officer record first.
        return render(request, "contacts/form.html", {"form": None, "unlinked": True})
    if request.method == "POST":
        form = ContactForm(request.POST, officer=officer)
        if form.is_valid():
            data = form.cleaned_data
            referral = form.referral_partner()
            identity = IdentityInput(
                name=data["identity_name"],
                phone=data["identity_phone"],
                email=data["identity_email"],
                consent=data["identity_consent"],
            )
            try:
                contact = contact_create(
                    officer=officer or data["officer"],
                    when=data["when"],
                    sector=data["sector"],
                    lon=data["lon"],
                    lat=data["lat"],
                    channel=data["channel"],
                    who=data["who"],
                    categories=data["categories"],
                    summary=data["summary"],
                    would_have_called_911=data["would_have_called_911"],
                    outcome=data["outcome"],
                    follow_up_due=data["follow_up_due"],
                    identity=None if identity.is_empty and not identity.consent else identity,
                    referrals=[
                        ReferralInput(
                            partner=referral[0],
                            to_social_worker=referral[1],
                            status=data["referral_status"] or Referral.Status.MADE,
                        )
                    ]
                    if referral
                    else [],
                    actor=request.user,
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Contact logged."))
                if contacts_visible_to(request.user).filter(pk=contact.pk).exists():
                    return redirect("staff:contact", pk=contact.pk)
                return redirect("staff:contacts")
    else:
        sector = officer_sector_on(officer, today) if officer else None
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = ContactForm(officer=officer, initial={"when": now, "sector": sector})
    return render(
        request,
        "contacts/form.html",
        {"form": form, "officer": officer, "errors": _error_summary(form)},
    )


def _field_message(label, message) -> str:
    if not label:
        return str(message)
    return _("%(field)s: %(message)s") % {"field": label, "message": message}


def _error_summary(form) -> list[tuple[str, str, str]]:
    """(field id, field label, message) of every error, for the summary at the top of the form."""
    if not form.is_bound or not form.errors:
        return []
    rows = []
    for name, errors in form.errors.items():
        if name == "__all__":
            rows.extend(("", "", str(message)) for message in errors)
            continue
        field = form[name]
        rows.extend((field.auto_id, str(field.label), str(message)) for message in errors)
    return rows


@never_cache
@staff_member_required
@permission_required("contacts.view_contact", raise_exception=True)
def contact_list(request):
    """The contacts the signed-in officer logged or holds, with their follow-ups due first."""
    today = timezone.localdate()
    mine = contacts_visible_to(request.user).filter(
        Q(officer__user=request.user) | Q(created_by=request.user)
    )
    due = _list_queryset(
        mine.follow_ups_due(today + datetime.timedelta(days=FOLLOW_UP_HORIZON_DAYS))
    ).order_by("follow_up_due", "when")
    page = Paginator(_list_queryset(mine), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contacts/list.html",
        {"page": page, "due": due, "today": today, "team": False, "horizon": FOLLOW_UP_HORIZON_DAYS},
    )


@never_cache
@staff_member_required
@permission_required(["contacts.view_contact", "contacts.view_all_contacts"], raise_exception=True)
def contact_team(request):
    """The team's contacts (every officer's), filtered by sector, officer and follow-up."""
    today = timezone.localdate()
    form = TeamFilterForm(request.GET or None)
    contacts = contacts_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["sector"]:
            contacts = contacts.filter(sector=data["sector"])
        if data["officer"]:
            contacts = contacts.filter(officer=data["officer"])
        if data["follow_up"] == "due":
            contacts = contacts.follow_ups_due(today)
        elif data["follow_up"] == "open":
            contacts = contacts.open_follow_ups()
    page = Paginator(_list_queryset(contacts), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "contacts/list.html",
        {"page": page, "form": form, "today": today, "team": True, "query": query.urlencode()},
    )


@never_cache
@staff_member_required
@permission_required("contacts.view_contact", raise_exception=True)
def contact_detail(request, pk: int):
    contact = contact_get_for(request.user, pk)
    may_see_identity = identity_visible_to(request.user, contact)
    identity = None
    has_identity = may_see_identity and hasattr(contact, "identity")
    if has_identity and request.GET.get("identity") == "1":
        # Shown only on request, and each showing is written to the audit trail.
        identity = identity_read(contact=contact, user=request.user)
    referrals = contact.referrals.select_related("partner").order_by("made_at", "pk")
    can_close = request.user.has_perm("contacts.change_referral")
    return render(
        request,
        "contacts/detail.html",
        {
            "contact": contact,
            "categories": contact.categories.all(),
            "identity": identity,
            "has_identity": has_identity,
            "referrals": [
                (referral, ReferralStatusForm(initial={"status": referral.status}, prefix=f"r{referral.pk}"))
                for referral in referrals
            ],
            "can_close": can_close,
            "can_change": request.user.has_perm("contacts.change_contact"),
            "today": timezone.localdate(),
        },
    )


@never_cache
@staff_member_required
@permission_required("contacts.change_contact", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int):
    """Correct a contact (not its officer, place or identity); same rules as logging it."""
    contact = contact_get_for(request.user, pk)
    if request.method == "POST":
        form = ContactEditForm(request.POST, contact=contact)
        if form.is_valid():
            data = dict(form.cleaned_data)
            categories = data.pop("categories")
            if contact.anonymised_at:
                data.pop("summary")
            try:
                contact_update(contact=contact, categories=categories, actor=request.user, **data)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Contact updated."))
                return redirect("staff:contact", pk=contact.pk)
    else:
        initial = {
            name: getattr(contact, name)
            for name in ContactEditForm.base_fields
            if name != "categories" and hasattr(contact, name)
        }
        initial["when"] = timezone.localtime(contact.when)
        initial["categories"] = list(contact.categories.all())
        form = ContactEditForm(initial=initial, contact=contact)
    return render(
        request, "contacts/edit.html", {"form": form, "contact": contact, "errors": _error_summary(form)}
    )


@never_cache
@staff_member_required
@permission_required("contacts.change_referral", raise_exception=True)
@require_POST
def referral_update(request, pk: int, referral_pk: int):
    contact = contact_get_for(request.user, pk)
    referral = contact.referrals.filter(pk=referral_pk).first()
    if referral is None:
        raise Http404
    form = ReferralStatusForm(request.POST, prefix=f"r{referral.pk}")
    if form.is_valid():
        try:
            referral_set_status(
                referral=referral,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"] or None,
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Referral updated."))
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for message in errors:
                messages.error(request, _field_message(label, message))
    return redirect("staff:contact", pk=contact.pk)


@never_cache
@staff_member_required
@permission_required("contacts.change_contact", raise_exception=True)
@require_POST
def follow_up_done(request, pk: int):
    contact = contact_get_for(request.user, pk)
    contact_follow_up_done(contact=contact, actor=request.user)
    messages.success(request, _("Follow-up marked as done."))
    return redirect("staff:contact", pk=contact.pk)


def _statistics_period(request) -> tuple[StatisticsFilterForm, StatisticsFilter]:
    today = month_start(timezone.localdate())
    # This month and the DEFAULT_STATISTICS_MONTHS before it (what the former 31-day steps always gave).
    default_first = add_months(today, -DEFAULT_STATISTICS_MONTHS)
    form = StatisticsFilterForm(request.GET or None)
    first, last, sector = default_first, today, None
    if form.is_valid():
        first = form.cleaned_data["first_month"] or first
        last = form.cleaned_data["last_month"] or last
        sector = form.cleaned_data["sector"]
        if last < first:
            first, last = default_first, today
    elif form.is_bound:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for message in errors:
                messages.error(request, _field_message(label, message))
    return form, StatisticsFilter(first.replace(day=1), last.replace(day=1), sector.pk if sector else None)


@never_cache
@staff_member_required
@permission_required("contacts.view_contact_statistics", raise_exception=True)
def contact_statistics_page(request):
    """Counts only: never a summary, never an identity."""
    form, period = _statistics_period(request)
    figures = contact_statistics(period)
    categories = {c.slug: c.name for c in ContactCategory.objects.all()}
    for row in figures["by_category"]:
        row["name"] = categories.get(row["categories__slug"], row["categories__slug"])
    channels, outcomes = dict(Channel.choices), dict(Outcome.choices)
    for row in figures["by_channel"]:
        row["name"] = channels.get(row["channel"], row["channel"])
    for row in figures["by_outcome"]:
        row["name"] = outcomes.get(row["outcome"], row["outcome"])
    return render(
        request,
        "contacts/statistics.html",
        {"form": form, "period": period, "figures": figures, "query": request.GET.urlencode()},
    )


@never_cache
@staff_member_required
@permission_required("contacts.view_contact_statistics", raise_exception=True)
def contact_statistics_csv(request):
    _form, period = _statistics_period(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="contacts-{period.first_month:%Y-%m}-{period.last_month:%Y-%m}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["month", "sector", "category", "channel", "contacts", "would_have_called_911"])
    for row in contact_counts_cross(period):
        month = row["month"]
        writer.writerow(
            [
                f"{month:%Y-%m}",
                row["sector__code"],
                row["categories__slug"] or "",
                row["channel"],
                row["count"],
                row["avoided"],
            ]
        )
    return response
