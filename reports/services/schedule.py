"""The monthly schedule: on the 1st of each month, last month's reports for the whole territory and each
municipality, written in the worker that runs the schedule, then one notice to the analysts."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction

from beats.models import Sector
from common.months import add_months, month_start

from ..models import GeneratedReport
from ..selectors import Scope
from .lifecycle import ReportBusy, reports_generate, reports_queue

logger = logging.getLogger(__name__)


def monthly_reports_due(today: date) -> tuple[date, list[Scope]]:
    """Last month (in the service's calendar) and the scopes the schedule builds for it: the whole territory
    and each municipality that has active sectors."""
    month = add_months(month_start(today), -1)
    municipalities = (
        Sector.objects.active().order_by("municipality").values_list("municipality", flat=True).distinct()
    )
    return month, [Scope.territory(), *(Scope.municipality(name) for name in municipalities)]


def monthly_reports_run(*, today: date) -> list[GeneratedReport]:
    """The schedule's run: queue last month's reports (settings.REPORTS_SCHEDULED_FORMATS × _LANGUAGES) for
    each scope due, write them here (the schedule's task is already in a worker) and mail the analysts once.
    A report being generated at that moment is left to its own run."""
    month, scopes = monthly_reports_due(today=today)
    ids = []
    for scope in scopes:
        try:
            with transaction.atomic():
                reports = reports_queue(
                    month=month,
                    scope=scope,
                    formats=settings.REPORTS_SCHEDULED_FORMATS,
                    languages=settings.REPORTS_SCHEDULED_LANGUAGES,
                    requested_by=None,
                )
        except ReportBusy:
            logger.warning("monthly report of %s for %s skipped: being generated already", month, scope)
            continue
        ids.extend(report.pk for report in reports)
    return reports_generate(report_ids=ids, notify=True)
