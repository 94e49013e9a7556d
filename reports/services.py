"""Generating the monthly report's files: requesting them, writing them, the monthly schedule, the notices.

A request creates (or resets) one GeneratedReport row per format × language and sends one Celery task for the
whole request once the rows are committed. The task writes each file (reports.selectors for the figures,
reports.exporters for the bytes) and, when it is done, sends one e-mail for the whole request.

Safe to run twice: a row is claimed with a conditional update (queued → running) and a file is written under a
new name, the row switched to it, and only then the old file deleted, so that re-running a month replaces its
file and leaves none behind.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from beats.models import Sector, SectorMapVersion
from calls.counts import add_months, month_start

from .exporters import FORMATS, render
from .models import GeneratedReport, ReportDownload
from .selectors import Scope, monthly_report

logger = logging.getLogger(__name__)

STORAGE_DIR = "reports"
ANALYST_GROUP = "Analyst"  # officers/migrations/0003_languages_and_roles.py
Status = GeneratedReport.Status
Step = GeneratedReport.Step


class ReportBusy(ValidationError):
    """The same report is being generated already: the request is refused, nothing is queued twice."""


# --- names -------------------------------------------------------------------------------------------------


def report_file_name(*, month: date, scope: Scope, fmt: str, language: str) -> str:
    """rapport-mensuel-territoire-2025-02.fr.pdf, monthly-report-longueuil-2025-02.en.csv, …"""
    with translation.override(language):
        if scope.kind == "territory":
            place = pgettext("report file name", "territory")
        elif scope.kind == "sector":
            place = pgettext("report file name", "sector") + f"-{scope.code}"
        else:
            place = scope.code
        # Outside the f-string: xgettext does not look inside one.
        title = pgettext("report file name", "monthly-report")
        stem = slugify(f"{title}-{place}") or "report"
    return f"{stem}-{month:%Y-%m}.{language}.{FORMATS[fmt].extension}"


def _scope_name(scope: Scope) -> str:
    if scope.kind == "sector":
        sector = Sector.objects.without_geometry().filter(code=scope.code).first()
        return str(sector) if sector else scope.code
    return scope.code


def _stale_before():
    """A row queued or running since before this was left by a worker that died: it may be claimed again."""
    return timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


# --- requests ----------------------------------------------------------------------------------------------


def _reports_queue(
    *, month: date, scope: Scope, formats: Iterable[str], languages: Iterable[str], requested_by
) -> list[GeneratedReport]:
    """Create or reset the rows of a request (queued), inside the caller's transaction."""
    formats, languages = list(dict.fromkeys(formats)), list(dict.fromkeys(languages))
    unknown = [f for f in formats if f not in FORMATS] + [
        code for code in languages if code not in GeneratedReport.Language.values
    ]
    if unknown or not formats or not languages:
        raise ValueError(f"unknown or missing formats or languages: {unknown}")
    month = month_start(month)
    now = timezone.now()
    name = _scope_name(scope)
    reports = []
    for fmt in formats:
        for language in languages:
            report, created = GeneratedReport.objects.select_for_update().get_or_create(
                month=month,
                scope_kind=scope.kind,
                scope_code=scope.code,
                format=fmt,
                language=language,
                defaults={"requested_at": now},
            )
            busy = report.status in (Status.QUEUED, Status.RUNNING) and not created
            if busy and (report.started_at or report.requested_at) > _stale_before():
                raise ReportBusy(
                    _(
                        "The report %(file)s is being generated already: wait until it is done, then run it "
                        "again if needed."
                    )
                    % {
                        "file": report.file_name
                        or report_file_name(month=month, scope=scope, fmt=fmt, language=language)
                    },
                    code="busy",
                )
            # The previous file (if any) stays until the new one is written, then goes (report_generate).
            report.scope_name = name
            report.status = Status.QUEUED
            report.progress = 0
            report.step = Step.QUEUED
            report.error_code = report.error_detail = ""
            report.requested_by = requested_by
            report.requested_at = now
            report.started_at = report.finished_at = None
            report.save()
            reports.append(report)
    return reports


def reports_request(
    *, month: date, scope: Scope, formats: Iterable[str], languages: Iterable[str], requested_by
) -> list[GeneratedReport]:
    """Queue the month's report for the scope in each format and language; one task writes them all, once the
    rows are committed, and mails the requester when they are done. Raises ReportBusy when one of them is being
    generated already (then nothing is queued)."""
    with transaction.atomic():
        reports = _reports_queue(
            month=month, scope=scope, formats=formats, languages=languages, requested_by=requested_by
        )
        transaction.on_commit(partial(_start, [report.pk for report in reports]))
    return reports


def report_request_again(*, report: GeneratedReport, requested_by) -> GeneratedReport:
    """Run one report again (same month, scope, format and language)."""
    (again,) = reports_request(
        month=report.month,
        scope=Scope(report.scope_kind, report.scope_code),
        formats=[report.format],
        languages=[report.language],
        requested_by=requested_by,
    )
    return again


def _start(report_ids: list[int]) -> None:
    # Without Redis (the demo) Celery runs the task right here, inside the request: the page then shows the
    # finished reports. Only a broker that refused the message leaves rows queued, with nothing to run them.
    from .tasks import generate_reports_task

    try:
        generate_reports_task.delay(report_ids, True)
    except Exception:
        logger.exception("reports %s could not be started", report_ids)
        GeneratedReport.objects.filter(pk__in=report_ids, status=Status.QUEUED).update(
            status=Status.FAILED,
            step=Step.FAILED,
            error_code="not_started",
            error_detail="",
            finished_at=timezone.now(),
        )


# --- generation --------------------------------------------------------------------------------------------


def _progress(report: GeneratedReport, step: str, progress: int) -> None:
    # Outside the worker's transactions (there are none: autocommit), so that the page sees it at once.
    report.step, report.progress = step, progress
    GeneratedReport.objects.filter(pk=report.pk).update(step=step, progress=progress)


def _claim(report: GeneratedReport) -> bool:
    """Queued → running, by one worker only (a redelivered task finds it running and leaves it)."""
    now = timezone.now()
    claimable = GeneratedReport.objects.filter(
        pk=report.pk, status=Status.QUEUED
    ) | GeneratedReport.objects.filter(pk=report.pk, status=Status.RUNNING, started_at__lt=_stale_before())
    claimed = claimable.update(
        status=Status.RUNNING, step=Step.FIGURES, progress=5, started_at=now, finished_at=None
    )
    if not claimed:  # another worker got there first, or the report is already done
        return False
    report.refresh_from_db()
    return True


def _failure(report: GeneratedReport, error: BaseException) -> tuple[str, str]:
    """The error code and its detail (a code or a name, never personal data) for an exception."""
    if isinstance(error, Sector.DoesNotExist):
        if report.scope_kind == GeneratedReport.ScopeKind.SECTOR:
            return "sector_gone", report.scope_code
        return "municipality_empty", report.scope_code
    if isinstance(error, ImportError):
        return "format_unavailable", report.format.upper()
    if isinstance(error, SoftTimeLimitExceeded):
        return "time_limit", ""
    if isinstance(error, OSError):
        return "storage", ""
    return "unexpected", ""


def _parameters(report: GeneratedReport, figures) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    from calls.selectors import call_counts_state

    try:
        app_version = version("proximity")
    except PackageNotFoundError:
        app_version = ""
    state = call_counts_state()
    map_version = SectorMapVersion.objects.order_by("-id").values_list("id", flat=True).first()
    return {
        "month": report.month.isoformat(),
        "scope": {"kind": report.scope_kind, "code": report.scope_code, "name": figures.scope_name},
        "format": report.format,
        "language": report.language,
        "small_count_threshold": figures.threshold,
        "sectors": [area.code for area in figures.sectors],
        "app_version": app_version,
        "sector_map_version": map_version,
        "call_counts": {
            "sector_map_version": state.sector_map_version_id if state else None,
            "updated_at": state.updated_at.isoformat() if state and state.updated_at else None,
            "recomputed_at": state.recomputed_at.isoformat() if state and state.recomputed_at else None,
        },
    }


def report_generate(report: GeneratedReport) -> GeneratedReport:
    """Write the report's file: running → figures → file → saved → done; any error leaves it failed, with a
    message for the analyst and the traceback in the log. A report not queued (done, or taken by another
    worker) is left as it is."""
    if not _claim(report):
        return report
    new_file = ""
    try:
        scope = Scope(report.scope_kind, report.scope_code)
        with translation.override(report.language):
            figures = monthly_report(month=report.month, scope=scope)
            _progress(report, Step.RENDER, 40)
            data = render(figures, fmt=report.format, language=report.language)
        _progress(report, Step.SAVE, 80)
        file_name = report_file_name(
            month=report.month, scope=scope, fmt=report.format, language=report.language
        )
        new_file = default_storage.save(
            f"{STORAGE_DIR}/{report.month:%Y-%m}/{uuid.uuid4().hex}/{file_name}", ContentFile(data)
        )
        old_file = report.file
        done = {
            "file": new_file,
            "file_name": file_name,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "parameters": _parameters(report, figures),
            "status": Status.DONE,
            "step": Step.DONE,
            "progress": 100,
            "error_code": "",
            "error_detail": "",
            "finished_at": timezone.now(),
        }
        # Only while the claim is still ours: a worker that took over a stale claim owns the row now.
        if not GeneratedReport.objects.filter(
            pk=report.pk, status=Status.RUNNING, started_at=report.started_at
        ).update(**done):
            logger.warning("report %s was taken over by another worker: its file is discarded", report.pk)
            _delete_file(new_file)
            report.refresh_from_db()
            return report
        for name, value in done.items():
            setattr(report, name, value)
        new_file = ""  # the row holds it now
    except BaseException as error:  # every failure must show on the row (time limits too)
        logger.exception(
            "report %s (%s %s %s, %s) failed",
            report.pk,
            report.month,
            report.scope_kind,
            report.format,
            report.language,
        )
        if new_file:
            _delete_file(new_file)
        code, detail = _failure(report, error)
        GeneratedReport.objects.filter(pk=report.pk).update(
            status=Status.FAILED,
            step=Step.FAILED,
            error_code=code,
            error_detail=detail[:200],
            finished_at=timezone.now(),
        )
        report.refresh_from_db()
        if not isinstance(error, Exception):
            raise  # a worker shutting down, a hard interrupt: let it go on
        return report
    if old_file and old_file != report.file:
        _delete_file(old_file)
    return report


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("report file %s not deleted", name, exc_info=True)


def report_download_record(*, report: GeneratedReport, user) -> ReportDownload:
    """Write the audit row of a download (who, when, which file)."""
    return ReportDownload.objects.create(
        user=user, report=report, file_name=report.file_name, sha256=report.sha256
    )


def reports_delete(reports: Iterable[GeneratedReport]) -> int:
    """Delete reports and, once that is committed, their files (none is left behind). Returns how many."""
    reports = list(reports)
    files = [report.file for report in reports if report.file]
    with transaction.atomic():
        deleted, _per_model = GeneratedReport.objects.filter(pk__in=[r.pk for r in reports]).delete()
        transaction.on_commit(lambda: [_delete_file(name) for name in files])
    return deleted


def reports_generate(*, report_ids: list[int], notify: bool) -> list[GeneratedReport]:
    """Write each report (in the order given) and, when `notify`, send one notice for those written now."""
    written = []
    for report in GeneratedReport.objects.filter(pk__in=report_ids).select_related("requested_by"):
        before = report.status
        report = report_generate(report)
        if before in (Status.QUEUED, Status.RUNNING) and report.finished:
            written.append(report)
    written.sort(key=lambda r: report_ids.index(r.pk))
    if notify and written:
        reports_notify(written)
    return written


# --- the monthly schedule ----------------------------------------------------------------------------------


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
                reports = _reports_queue(
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


# --- notices -----------------------------------------------------------------------------------------------


def _recipients(reports: list[GeneratedReport]) -> list[str]:
    """The requester(s) of the reports; for the schedule's (nobody asked), every active analyst."""
    requesters = {r.requested_by.email for r in reports if r.requested_by and r.requested_by.email}
    if requesters or any(r.requested_by_id for r in reports):
        return sorted(requesters)
    analysts = get_user_model().objects.filter(is_active=True, groups__name=ANALYST_GROUP).exclude(email="")
    return sorted(set(analysts.values_list("email", flat=True)))


def _notice_part(reports: list[GeneratedReport], language: str) -> tuple[str, str]:
    """(subject, body) in one language: each report's name and status, and where to get them; no figures."""
    with translation.override(language):
        failed = sum(r.status == Status.FAILED for r in reports)
        subject = (
            _("Monthly reports ready")
            if not failed
            else _("Monthly reports: %(count)d failed") % {"count": failed}
        )
        lines = [_("The monthly reports you are waiting for have been generated:"), ""]
        for report in reports:
            month = dateformat.format(report.month, "F Y")
            status = report.get_status_display()
            line = f"- {report.scope_label}, {month}, {report.format.upper()}, {report.get_language_display()}: {status}"
            if report.status == Status.FAILED:
                line += f" ({report.error_message})"
            lines.append(line)
        url = settings.SITE_URL.rstrip("/") + reverse("staff:reports")
        lines += ["", _("Download them from the reports page (sign-in required): %(url)s") % {"url": url}]
    return str(subject), "\n".join(str(line) for line in lines)


def reports_notify(reports: list[GeneratedReport]) -> int:
    """One e-mail, in French then English (staff have no language preference), to whoever waits for these
    reports. Returns the number of messages sent (0 or 1)."""
    recipients = _recipients(reports)
    if not recipients:
        return 0
    subject_fr, body_fr = _notice_part(reports, "fr")
    subject_en, body_en = _notice_part(reports, "en")
    # Several analysts: each gets the message without seeing the others' addresses.
    message = EmailMessage(
        subject=f"{subject_fr} / {subject_en}",
        body=f"{body_fr}\n\n---\n\n{body_en}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients if len(recipients) == 1 else [],
        bcc=recipients if len(recipients) > 1 else [],
    )
    try:
        return message.send()
    except Exception:  # the reports exist whatever happens to the mail: the page shows them
        logger.exception("notice of reports %s not sent", [r.pk for r in reports])
        return 0
