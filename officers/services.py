"""Writes about officers and coverage: officers, assignments, absences. Every change is audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from beats.models import Sector

from .models import Absence, Assignment, CoverageChange, Officer
from .phones import normalise_phone
from .photos import check_photo, resized_versions

ONE_DAY = datetime.timedelta(days=1)


# --- officers ---------------------------------------------------------------------------------------------


def officer_save(*, officer: Officer, photo=None, languages=None) -> Officer:
    """Validate and save an officer; a new photo is checked by content, cleaned and resized first."""
    officer.work_phone = normalise_phone(officer.work_phone)
    if photo is not None:
        check_photo(photo)
    officer.full_clean(exclude=["photo", "photo_small", "photo_medium", "languages"])
    with transaction.atomic():
        if photo is not None:
            files = (officer.photo, officer.photo_small, officer.photo_medium)
            replaced = {f.name for f in files if f}
            versions = resized_versions(photo)
            stem = officer.badge_number.replace("/", "-")
            officer.photo.save(f"{stem}.jpg", versions["original"], save=False)
            officer.photo_small.save(f"{stem}.jpg", versions["small"], save=False)
            officer.photo_medium.save(f"{stem}.jpg", versions["medium"], save=False)
            # Old files go only once the new ones are committed (a failed save keeps the old photo), and never
            # a name the new files took over (the old file was already gone).
            stale = replaced - {f.name for f in files}
            transaction.on_commit(lambda: [officer.photo.storage.delete(name) for name in stale])
        officer.save()
        if languages is not None:
            officer.languages.set(languages)
    return officer


# --- assignments ------------------------------------------------------------------------------------------


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
    actor=None,
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
        _lock(officer=officer, sector=sector)
        conflicts = assignment_conflicts(
            officer=officer, sector=sector, role=role, starts_on=starts_on, ends_on=ends_on
        )
        if conflicts:
            raise ValidationError(conflicts, code="conflict")
        assignment = _saved(
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
        _audit(
            actor,
            CoverageChange.Action.ASSIGNMENT_CREATED,
            _describe(assignment),
            officer=officer,
            sector=sector,
            assignment=assignment,
        )
    return assignment


def assignment_end(*, assignment: Assignment, ends_on: datetime.date, actor=None) -> Assignment:
    """Set the last day of an assignment (history is kept: nothing else changes)."""
    if ends_on < assignment.starts_on:
        raise ValidationError(
            _("The last day (%(end)s) comes before the first day (%(start)s).")
            % {"end": ends_on.isoformat(), "start": assignment.starts_on.isoformat()},
            code="dates",
        )
    with transaction.atomic():
        _lock(officer=assignment.officer, sector=assignment.sector)
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
        _saved(assignment, update_fields=["ends_on"])
        _audit(
            actor,
            CoverageChange.Action.ASSIGNMENT_ENDED,
            _("%(assignment)s (last day was %(previous)s)")
            % {"assignment": _describe(assignment), "previous": previous.isoformat() if previous else "…"},
            officer=assignment.officer,
            sector=assignment.sector,
            assignment=assignment,
        )
    return assignment


def assignment_update_note(*, assignment: Assignment, note: str, actor=None) -> Assignment:
    """Change the note of an assignment (with the last day, the only thing that may change), audited."""
    previous = assignment.note
    if note == previous:
        return assignment
    with transaction.atomic():
        assignment.note = note
        _saved(assignment, update_fields=["note"])
        _audit(
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
    *, sector: Sector, officer: Officer, starts_on: datetime.date, actor=None, note: str = ""
) -> Assignment:
    """Give a sector to another primary officer from a date: the current primary's assignment ends the day
    before. Refused, naming it, if a primary assignment already starts later, or if the new officer is
    still the primary officer of another sector then."""
    with transaction.atomic():
        _lock(officer=officer, sector=sector)
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


# --- absences ---------------------------------------------------------------------------------------------


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
    actor=None,
) -> Absence:
    """Record that an officer will be away, and who covers meanwhile (who residents are shown)."""
    _check_absence_dates(starts_on, ends_on)
    with transaction.atomic():
        _lock(officer=officer, covering=covering_officer)
        conflicts = absence_conflicts(
            officer=officer, starts_on=starts_on, ends_on=ends_on, covering_officer=covering_officer
        )
        if conflicts:
            raise ValidationError(conflicts, code="conflict")
        absence = _saved(
            Absence(
                officer=officer,
                starts_on=starts_on,
                ends_on=ends_on,
                covering_officer=covering_officer,
                reason=reason,
                created_by=actor,
            )
        )
        _audit(
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
    actor=None,
) -> Absence:
    _check_absence_dates(starts_on, ends_on)
    with transaction.atomic():
        _lock(officer=absence.officer, covering=covering_officer)
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
        _saved(absence)
        _audit(
            actor,
            CoverageChange.Action.ABSENCE_CHANGED,
            _absence_summary(absence),
            officer=absence.officer,
            absence=absence,
        )
    return absence


def absence_cancel(*, absence: Absence, actor=None) -> None:
    with transaction.atomic():
        _audit(
            actor, CoverageChange.Action.ABSENCE_CANCELLED, _absence_summary(absence), officer=absence.officer
        )
        absence.delete()


# --- helpers ----------------------------------------------------------------------------------------------


def _check_absence_dates(starts_on, ends_on) -> None:
    if ends_on < starts_on:
        raise ValidationError(_("The last day comes before the first day."), code="dates")


def _lock(*, officer: Officer, sector: Sector | None = None, covering: Officer | None = None) -> None:
    # Serialise concurrent changes to the same officers and sector, so that the checks above hold at commit.
    officer_ids = [officer.pk] + ([covering.pk] if covering is not None else [])
    list(Officer.objects.select_for_update().filter(pk__in=sorted(officer_ids)).values_list("pk"))
    if sector is not None:
        list(Sector.objects.select_for_update().filter(pk=sector.pk).values_list("pk"))


def _saved(row, **kwargs):
    """Save; a database constraint that still fires (a concurrent writer) becomes a validation error."""
    try:
        with transaction.atomic():
            row.save(**kwargs)
    except IntegrityError as error:
        raise ValidationError(
            _(
                "This change contradicts another assignment or absence recorded meanwhile; reload and try again."
            ),
            code="conflict",
        ) from error
    return row


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


def _absence_summary(absence: Absence) -> str:
    # Never the reason: the audit trail is read more widely than the absence itself.
    cover = absence.covering_officer.full_name if absence.covering_officer else _("nobody")
    return _("%(absence)s, covered by %(cover)s") % {"absence": str(absence), "cover": cover}


def _audit(actor, action, summary, *, officer=None, sector=None, assignment=None, absence=None) -> None:
    CoverageChange.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        summary=summary[:400],
        officer=officer,
        sector=sector,
        assignment=assignment,
        absence=absence,
    )
