"""Celery entry points of the reports app: each calls a service of reports.services."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .services import monthly_reports_run, reports_generate, reports_not_started

logger = logging.getLogger(__name__)


# acks_late: a worker lost mid-report leaves the message to another one. Safe, since generating a report twice
# is: a row is claimed by one worker only (a stale claim is taken over), and its file is replaced, not added.
@shared_task(
    acks_late=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def generate_reports_task(report_ids: list[int], notify: bool = True) -> dict[int, str]:
    """Write the queued reports of one request; with `notify`, one e-mail when they are done. Returns each
    written report's status by id."""
    return {report.pk: report.status for report in reports_generate(report_ids=report_ids, notify=notify)}


@shared_task(soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT, time_limit=settings.CELERY_TASK_TIME_LIMIT)
def monthly_reports_task() -> int:
    """The schedule's run (the 1st of each month): last month's reports, then one notice to the analysts.
    Returns how many files were written."""
    return len(monthly_reports_run(today=timezone.localdate()))


def generate_reports_later(report_ids: list[int]) -> None:
    """Send the task that writes a request's reports (what the views pass to reports_request as `start`).

    Without Redis (the demo) Celery runs the task right here, inside the request: the page then shows the
    finished reports. Only a broker that refused the message leaves rows queued, with nothing to run them:
    those are marked failed.
    """
    try:
        generate_reports_task.delay(report_ids, True)
    except Exception:
        logger.exception("reports %s could not be started", report_ids)
        reports_not_started(report_ids=report_ids)
