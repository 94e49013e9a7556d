"""What every change to coverage shares: it locks the officers and the sector it touches, saves (a database
constraint that still fires becomes a validation error) and leaves a row in the audit trail (CoverageChange)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from beats.models import Sector
from common.users import Actor

from ..models import Absence, Assignment, CoverageChange, Officer

Row = TypeVar("Row", bound=models.Model)


def coverage_lock(*, officer: Officer, sector: Sector | None = None, covering: Officer | None = None) -> None:
    # Serialise concurrent changes to the same officers and sector, so that the caller's checks hold at commit.
    officer_ids = [officer.pk] + ([covering.pk] if covering is not None else [])
    list(Officer.objects.select_for_update().filter(pk__in=sorted(officer_ids)).values_list("pk"))
    if sector is not None:
        list(Sector.objects.select_for_update().filter(pk=sector.pk).values_list("pk"))


def coverage_save(row: Row, **kwargs: Any) -> Row:
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


def coverage_change_record(
    actor: Actor,
    action: str,
    summary: str,
    *,
    officer: Officer | None = None,
    sector: Sector | None = None,
    assignment: Assignment | None = None,
    absence: Absence | None = None,
) -> None:
    """One row of the coverage audit trail; an anonymous actor is recorded as nobody."""
    CoverageChange.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        summary=summary[:400],
        officer=officer,
        sector=sector,
        assignment=assignment,
        absence=absence,
    )
