"""Celery entry points of the reports app: each calls a service of reports.services."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .services import monthly_reports_run, reports_generate


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
