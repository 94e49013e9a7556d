"""Assignments of officers to sectors: created when nothing in force contradicts them, ended, annotated, and a
sector given to another primary officer. Assignments are history: ended, never deleted."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beats.models import Sector
from common.users import Actor

from ..models import Assignment, CoverageChange, Officer
from .audit import coverage_change_record, coverage_lock, coverage_save

ONE_DAY = datetime.timedelta(days=1)


def assignment_conflicts(
    *,
    officer: Officer,
    sector: Sector,
    role: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    exclude: Assignment | None = None,
) -> list[str]:
    """Why this assignment would contradict the ones in force, one message per conflicting assignment."""
    overlapping = Assignment.objects.overlapping(starts_on, ends_on).select_related("officer", "sector")
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    messages = []
    if role == Assignment.Role.PRIMARY:
        for other in overlapping.filter(sector=sector, role=Assignment.Role.PRIMARY).exclude(officer=officer):
            messages.append(
                _("Sector %(sector)s already has a primary officer on those dates: %(other)s.")
                % {"sector": sector.code, "other": _describe(other)}
            )
        for other in overlapping.filter(officer=officer, role=Assignment.Role.PRIMARY).exclude(sector=sector):
            messages.append(
                _("%(officer)s is already the primary officer of another sector on those dates: %(other)s.")
                % {"officer": officer.full_name, "other": _describe(other)}
            )
    for other in overlapping.filter(officer=officer, sector=sector):
        messages.append(
            _("%(officer)s is already assigned to %(sector)s on those dates: %(other)s.")
            % {"officer": officer.full_name, "sector": sector.code, "other": _describe(other)}
        )
    return messages


def assignment_create(
    *,
    officer: Officer,
    sector: Sector,
    role: str = Assignment.Role.PRIMARY,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    actor: Actor = None,
    note: str = "",
) -> Assignment:
    """Assign an officer to a sector, refusing any assignment that contradicts those in force."""
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("The last day comes before the first day."), code="dates")
    if not officer.is_active:
        raise ValidationError(
            _("%(officer)s is not active.") % {"officer": officer.full_name}, code="inactive"
        )
    if not sector.is_active:
        raise ValidationError(
            _("Sector %(sector)s is not active.") % {"sector": sector.code}, code="inactive"
        )
    with transaction.atomic():
        coverage_lock(officer=officer, sector=sector)
        conflicts = assignment_conflicts(
            officer=officer, sector=sector, role=role, starts_on=starts_on, ends_on=ends_on
        )
        if conflicts:
            raise ValidationError(conflicts, code="conflict")
        assignment = coverage_save(
            Assignment(
                officer=officer,
                sector=sector,
                role=role,
                starts_on=starts_on,
                ends_on=ends_on,
                assigned_by=actor,
                note=note,
            )
        )
        coverage_change_record(
            actor,
            CoverageChange.Action.ASSIGNMENT_CREATED,
            _describe(assignment),
            officer=officer,
            sector=sector,
            assignment=assignment,
        )
    return assignment


def assignment_end(*, assignment: Assignment, ends_on: datetime.date, actor: Actor = None) -> Assignment:
    """Set the last day of an assignment (history is kept: nothing else changes)."""
    if ends_on < assignment.starts_on:
        raise ValidationError(
            _("The last day (%(end)s) comes before the first day (%(start)s).")
            % {"end": ends_on.isoformat(), "start": assignment.starts_on.isoformat()},
            code="dates",
        )
    with transaction.atomic():
        coverage_lock(officer=assignment.officer, sector=assignment.sector)
        if assignment.ends_on is None or ends_on > assignment.ends_on:
            # Lengthening may run into a later assignment.
            conflicts = assignment_conflicts(
                officer=assignment.officer,
                sector=assignment.sector,
                role=assignment.role,
                starts_on=assignment.starts_on,
                ends_on=ends_on,
                exclude=assignment,
            )
            if conflicts:
                raise ValidationError(conflicts, code="conflict")
        previous = assignment.ends_on
        assignment.ends_on = ends_on
        coverage_save(assignment, update_fields=["ends_on"])
        coverage_change_record(
            actor,
            CoverageChange.Action.ASSIGNMENT_ENDED,
            _("%(assignment)s (last day was %(previous)s)")
            % {"assignment": _describe(assignment), "previous": previous.isoformat() if previous else "…"},
            officer=assignment.officer,
            sector=assignment.sector,
            assignment=assignment,
        )
    return assignment


def assignment_update_note(*, assignment: Assignment, note: str, actor: Actor = None) -> Assignment:
    """Change the note of an assignment (with the last day, the only thing that may change), audited."""
    previous = assignment.note
    if note == previous:
        return assignment
    with transaction.atomic():
        assignment.note = note
        coverage_save(assignment, update_fields=["note"])
        coverage_change_record(
            actor,
            CoverageChange.Action.ASSIGNMENT_CHANGED,
            _("%(assignment)s: note changed from “%(previous)s” to “%(note)s”")
            % {"assignment": _describe(assignment), "previous": previous, "note": note},
            officer=assignment.officer,
            sector=assignment.sector,
            assignment=assignment,
        )
    return assignment


def sector_reassign(
    *, sector: Sector, officer: Officer, starts_on: datetime.date, actor: Actor = None, note: str = ""
) -> Assignment:
    """Give a sector to another primary officer from a date: the current primary's assignment ends the day
    before. Refused, naming it, if a primary assignment already starts later, or if the new officer is
    still the primary officer of another sector then."""
    with transaction.atomic():
        coverage_lock(officer=officer, sector=sector)
        primaries = Assignment.objects.filter(sector=sector, role=Assignment.Role.PRIMARY)
        later = primaries.filter(starts_on__gte=starts_on).select_related("officer", "sector").first()
        if later is not None:
            raise ValidationError(
                _(
                    "Sector %(sector)s already has a primary assignment starting on or after %(date)s: %(other)s."
                )
                % {"sector": sector.code, "date": starts_on.isoformat(), "other": _describe(later)},
                code="conflict",
            )
        current = primaries.on(starts_on).first()
        if current is not None and current.officer_id == officer.pk:
            raise ValidationError(
                _("%(officer)s is already the primary officer of %(sector)s on %(date)s.")
                % {"officer": officer.full_name, "sector": sector.code, "date": starts_on.isoformat()},
                code="conflict",
            )
        if current is not None:
            assignment_end(assignment=current, ends_on=starts_on - ONE_DAY, actor=actor)
        return assignment_create(
            officer=officer,
            sector=sector,
            role=Assignment.Role.PRIMARY,
            starts_on=starts_on,
            actor=actor,
            note=note,
        )


# --- helpers ----------------------------------------------------------------------------------------------


def _describe(assignment: Assignment) -> str:
    return _("%(officer)s, %(role)s in %(sector)s from %(start)s %(end)s (assignment #%(id)s)") % {
        "officer": assignment.officer.full_name,
        "role": assignment.get_role_display().lower(),
        "sector": assignment.sector.code,
        "start": assignment.starts_on.isoformat(),
        "end": (_("to %(date)s") % {"date": assignment.ends_on.isoformat()})
        if assignment.ends_on
        else _("until further notice"),
        "id": assignment.pk,
    }
