"""Staff pages about officers and coverage."""

import datetime

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from .models import Officer
from .selectors import GAP_STATUSES, CoverageStatus, coverage_gaps, coverage_on

# The gaps list looks this many days ahead of the chosen day, the day itself included.
GAP_HORIZON_DAYS = 14

# Gaps first (residents reach nobody), then sectors held by a backup, then the normal case.
TABLE_ORDER = {
    CoverageStatus.VACANT: 0,
    CoverageStatus.AWAY: 1,
    CoverageStatus.BACKUP: 2,
    CoverageStatus.COVERED: 3,
}

# The summary at the top of the board, in the order a supervisor reads it.
SUMMARY_ORDER = (CoverageStatus.COVERED, CoverageStatus.BACKUP, CoverageStatus.AWAY, CoverageStatus.VACANT)


def _summary_text(status: str, count: int) -> str:
    if status == CoverageStatus.COVERED:
        text = ngettext("%(count)d covered", "%(count)d covered", count)
    elif status == CoverageStatus.BACKUP:
        text = ngettext("%(count)d by backup", "%(count)d by backup", count)
    elif status == CoverageStatus.AWAY:
        text = ngettext("%(count)d away without cover", "%(count)d away without cover", count)
    else:
        text = ngettext("%(count)d vacant", "%(count)d vacant", count)
    return text % {"count": count}


def _chosen_day(request, today: datetime.date) -> datetime.date:
    """The day asked for in ?on=YYYY-MM-DD; today when absent or not a usable date."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return today
    try:
        day = parse_date(raw)
    except ValueError:  # well formed but impossible, e.g. 2026-02-30
        day = None
    # The board steps one day back and looks GAP_HORIZON_DAYS ahead: stay clear of the calendar's ends.
    if (
        day is None
        or day <= datetime.date.min
        or day > datetime.date.max - datetime.timedelta(days=GAP_HORIZON_DAYS)
    ):
        messages.error(
            request,
            _("“%(value)s” is not a valid date (expected YYYY-MM-DD); showing today instead.")
            % {"value": raw[:40]},
        )
        return today
    return day


def _reach_note(row) -> str:
    """Why residents reach the contact officer, when it is not the primary officer."""
    if row.status != CoverageStatus.BACKUP or row.covering is None:
        return ""
    if row.absence is not None and row.absence.covering_officer_id == row.covering.pk:
        return _("designated cover")
    return _("secondary officer of the sector")


@never_cache
@staff_member_required
@permission_required("officers.view_coverage", raise_exception=True)
def coverage_board(request):
    """Where residents would reach nobody on a chosen day, on a map and in tables, and the gaps ahead."""
    today = timezone.localdate()  # in the site's time zone, not UTC
    day = _chosen_day(request, today)
    labels = dict(CoverageStatus.choices)

    rows = coverage_on(day)
    counts = {status: 0 for status in SUMMARY_ORDER}
    for row in rows:
        counts[row.status] += 1
    table = [
        {
            "coverage": row,
            "label": labels[row.status],
            "is_gap": row.status in GAP_STATUSES,
            "reach_note": _reach_note(row),
        }
        for row in sorted(rows, key=lambda row: (TABLE_ORDER[row.status], row.sector.code))
    ]

    horizon_end = day + datetime.timedelta(days=GAP_HORIZON_DAYS - 1)
    gaps = [
        {"gap": gap, "label": labels[gap.status], "may_last_longer": gap.ends_on == horizon_end}
        for gap in coverage_gaps(starting=day, days=GAP_HORIZON_DAYS)
    ]

    status_data = {
        row.sector.code: {
            "status": row.status,
            "label": str(labels[row.status]),
            "contact": row.contact.full_name if row.contact else None,
        }
        for row in rows
    }
    board_url = reverse("staff:coverage")
    return render(
        request,
        "staff/coverage.html",
        {
            "day": day,
            "today": today,
            "is_today": day == today,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "board_url": board_url,
            "rows": table,
            "summary": [
                {"status": status, "count": counts[status], "text": _summary_text(status, counts[status])}
                for status in SUMMARY_ORDER
            ],
            "legend": [(status, labels[status]) for status in SUMMARY_ORDER],
            "gaps": gaps,
            "horizon_days": GAP_HORIZON_DAYS,
            "horizon_end": horizon_end,
            "status_data": status_data,
            "features_url": reverse("api:sector-features"),
        },
    )


def officer_photo(request, name):
    """Officer photos, in production as in development: a published officer's to everyone, the others' only
    to staff who may see officers (their photos must not be reachable by guessing a file name)."""
    path = f"officers/photos/{name}"
    officer = Officer.objects.filter(Q(photo=path) | Q(photo_small=path) | Q(photo_medium=path)).first()
    if officer is None:
        raise Http404
    public = officer.is_active and officer.is_published
    if not public and not request.user.has_perm("officers.view_officer"):
        raise Http404
    try:
        response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    except FileNotFoundError as error:
        raise Http404 from error
    # A new photo gets a new file name, so a published one may be cached a day; staff-only ones never.
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return response
