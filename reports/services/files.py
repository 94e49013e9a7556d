"""A report's file: its name, where it is written, its deletion (with its row), and the audit of downloads."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import pgettext

from ..exporters import FORMATS
from ..models import GeneratedReport, ReportDownload
from ..selectors import Scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

STORAGE_DIR = "reports"


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


def file_write(*, month: date, file_name: str, data: bytes) -> str:
    """Write a report's bytes under a folder of their own (a new one each time: the file it replaces is
    deleted only once the row points to this one); returns the name it was saved under."""
    return default_storage.save(
        f"{STORAGE_DIR}/{month:%Y-%m}/{uuid.uuid4().hex}/{file_name}", ContentFile(data)
    )


def file_delete(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("report file %s not deleted", name, exc_info=True)


def report_download_record(*, report: GeneratedReport, user: AbstractBaseUser) -> ReportDownload:
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
        transaction.on_commit(lambda: [file_delete(name) for name in files])
    return deleted
