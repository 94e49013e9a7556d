"""A report's row from request to file: queued → running (claimed by one worker) → figures → file → saved →
done, or failed with a message for the analyst.

A request creates (or resets) one GeneratedReport row per format × language and sends one Celery task for the
whole request once the rows are committed. The task writes each file (reports.selectors for the figures,
reports.exporters for the bytes) and, when it is done, sends one e-mail for the whole request (notices).

Safe to run twice: a row is claimed with a conditional update (queued → running) and a file is written under a
new name, the row switched to it, and only then the old file deleted, so that re-running a month replaces its
file and leaves none behind.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beats.models import Sector, SectorMapVersion
from common.months import month_start

from ..exporters import FORMATS, render
from ..models import GeneratedReport
from ..selectors import MonthlyReport, Scope, monthly_report
from .files import file_delete, file_write, report_file_name
from .notices import reports_notify

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

Status = GeneratedReport.Status
Step = GeneratedReport.Step


class ReportBusy(ValidationError):
    """The same report is being generated already: the request is refused, nothing is queued twice."""


def _scope_name(scope: Scope) -> str:
    if scope.kind == "sector":
        sector = Sector.objects.without_geometry().filter(code=scope.code).first()
        return str(sector) if sector else scope.code
    return scope.code


def _stale_before() -> datetime:
    """A row queued or running since before this was left by a worker that died: it may be claimed again."""
    return timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def reports_queue(
    *,
    month: date,
    scope: Scope,
    formats: Iterable[str],
    languages: Iterable[str],
    requested_by: AbstractBaseUser | None,
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
    *,
    month: date,
    scope: Scope,
    formats: Iterable[str],
    languages: Iterable[str],
    requested_by: AbstractBaseUser | None,
    start: Callable[[list[int]], None],
) -> list[GeneratedReport]:
    """Queue the month's report for the scope in each format and language; once the rows are committed,
    `start` sends the one task that writes them all and mails the requester when they are done
    (reports.tasks.generate_reports_later: the entry points pass it, so that services never import tasks).
    Raises ReportBusy when one of them is being generated already (then nothing is queued)."""
    with transaction.atomic():
        reports = reports_queue(
            month=month, scope=scope, formats=formats, languages=languages, requested_by=requested_by
        )
        transaction.on_commit(partial(start, [report.pk for report in reports]))
    return reports


def report_request_again(
    *, report: GeneratedReport, requested_by: AbstractBaseUser | None, start: Callable[[list[int]], None]
) -> GeneratedReport:
    """Run one report again (same month, scope, format and language)."""
    (again,) = reports_request(
        month=report.month,
        scope=Scope(report.scope_kind, report.scope_code),
        formats=[report.format],
        languages=[report.language],
        requested_by=requested_by,
        start=start,
    )
    return again


def reports_not_started(*, report_ids: list[int]) -> None:
    """The queued reports of a request whose task the broker refused: failed, with nothing left to run them."""
    GeneratedReport.objects.filter(pk__in=report_ids, status=Status.QUEUED).update(
        status=Status.FAILED,
        step=Step.FAILED,
        error_code="not_started",
        error_detail="",
        finished_at=timezone.now(),
    )


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


def _parameters(report: GeneratedReport, figures: MonthlyReport) -> dict[str, object]:
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
        new_file = file_write(month=report.month, file_name=file_name, data=data)
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
            file_delete(new_file)
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
            file_delete(new_file)
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
        file_delete(old_file)
    return report


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
