"""Generating the monthly report's files: requesting them, writing them, the monthly schedule, the notices.

* `lifecycle`: a report's row from request to file (queued → running → done or failed), the one place that
  moves it from one status to the next;
* `files`: the file's name, where it is written, deleting reports with their files, the download audit;
* `schedule`: the monthly run (last month's reports for the territory and each municipality);
* `notices`: the e-mail sent once a request's reports are written.
"""

from .files import report_download_record, report_file_name, reports_delete
from .lifecycle import (
    ReportBusy,
    report_generate,
    report_request_again,
    reports_generate,
    reports_not_started,
    reports_request,
)
from .notices import reports_notify
from .schedule import monthly_reports_due, monthly_reports_run

__all__ = [
    "ReportBusy",
    "monthly_reports_due",
    "monthly_reports_run",
    "report_download_record",
    "report_file_name",
    "report_generate",
    "report_request_again",
    "reports_delete",
    "reports_generate",
    "reports_not_started",
    "reports_notify",
    "reports_request",
]
