"""The e-mail that says a request's reports are written: to whoever asked, or for the schedule's to every
active analyst; in French then English; names and statuses only, never a figure."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from ..models import GeneratedReport

logger = logging.getLogger(__name__)

ANALYST_GROUP = "Analyst"  # officers/migrations/0003_languages_and_roles.py
Status = GeneratedReport.Status


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
