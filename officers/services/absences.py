"""Absences: an officer away, and who covers meanwhile (who residents are shown)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.users import Actor

from ..models import Absence, CoverageChange, Officer
from .audit import coverage_change_record, coverage_lock, coverage_save


def absence_conflicts(
    *,
    officer: Officer,
    starts_on: datetime.date,
    ends_on: datetime.date,
    covering_officer: Officer | None,
    exclude: Absence | None = None,
) -> list[str]:
    absences = Absence.objects.overlapping(starts_on, ends_on).select_related("officer")
    if exclude is not None:
        absences = absences.exclude(pk=exclude.pk)
    messages = [
        _("%(officer)s is already away on some of those days: %(other)s.")
        % {"officer": officer.full_name, "other": str(other)}
        for other in absences.filter(officer=officer)
    ]
    if covering_officer is not None:
        if covering_officer.pk == officer.pk:
            messages.append(_("An officer cannot cover their own absence."))
        elif not covering_officer.is_active:
            messages.append(_("%(officer)s is not active.") % {"officer": covering_officer.full_name})
        messages.extend(
            _("The covering officer is away on some of those days: %(other)s.") % {"other": str(other)}
            for other in absences.filter(officer=covering_officer)
        )
    return messages


def absence_plan(
    *,
    officer: Officer,
    starts_on: datetime.date,
    ends_on: datetime.date,
    covering_officer: Officer | None = None,
    reason: str = "",
    actor: Actor = None,
) -> Absence:
    """Record that an officer will be away, and who covers meanwhile (who residents are shown)."""
    _check_absence_dates(starts_on, ends_on)
    with transaction.atomic():
        coverage_lock(officer=officer, covering=covering_officer)
        conflicts = absence_conflicts(
            officer=officer, starts_on=starts_on, ends_on=ends_on, covering_officer=covering_officer
        )
        if conflicts:
            raise ValidationError(conflicts, code="conflict")
        absence = coverage_save(
            Absence(
                officer=officer,
                starts_on=starts_on,
                ends_on=ends_on,
                covering_officer=covering_officer,
                reason=reason,
                created_by=actor,
            )
        )
        coverage_change_record(
            actor,
            CoverageChange.Action.ABSENCE_PLANNED,
            _absence_summary(absence),
            officer=officer,
            absence=absence,
        )
    return absence


def absence_update(
    *,
    absence: Absence,
    starts_on: datetime.date,
    ends_on: datetime.date,
    covering_officer: Officer | None,
    reason: str,
    actor: Actor = None,
) -> Absence:
    _check_absence_dates(starts_on, ends_on)
    with transaction.atomic():
        coverage_lock(officer=absence.officer, covering=covering_officer)
        conflicts = absence_conflicts(
            officer=absence.officer,
            starts_on=starts_on,
            ends_on=ends_on,
            covering_officer=covering_officer,
            exclude=absence,
        )
        if conflicts:
            raise ValidationError(conflicts, code="conflict")
        absence.starts_on, absence.ends_on = starts_on, ends_on
        absence.covering_officer, absence.reason = covering_officer, reason
        coverage_save(absence)
        coverage_change_record(
            actor,
            CoverageChange.Action.ABSENCE_CHANGED,
            _absence_summary(absence),
            officer=absence.officer,
            absence=absence,
        )
    return absence


def absence_cancel(*, absence: Absence, actor: Actor = None) -> None:
    with transaction.atomic():
        coverage_change_record(
            actor, CoverageChange.Action.ABSENCE_CANCELLED, _absence_summary(absence), officer=absence.officer
        )
        absence.delete()


# --- helpers ----------------------------------------------------------------------------------------------


def _check_absence_dates(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise ValidationError(_("The last day comes before the first day."), code="dates")


def _absence_summary(absence: Absence) -> str:
    # Never the reason: the audit trail is read more widely than the absence itself.
    cover = absence.covering_officer.full_name if absence.covering_officer else _("nobody")
    return _("%(absence)s, covered by %(cover)s") % {"absence": str(absence), "cover": cover}
