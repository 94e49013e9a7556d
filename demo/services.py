"""Demo data: fills an empty installation with a plausible territory and an account to look around with.

Every step is idempotent: running `seed_demo` again updates what drifted and creates no duplicates. Add one
function per kind of data (officers, calls, …) and call it from `demo_seed`, territory first.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from beats.addresses.importer import AddressImportOptions, addresses_import
from beats.index import get_sector_index
from beats.models import Sector
from beats.services import SectorImportOptions, sectors_import_geojson
from officers.models import Absence, Assignment, Language, Officer
from officers.services.absences import absence_plan, absence_update
from officers.services.assignments import assignment_create, assignment_end
from officers.services.officers import officer_save

from .addresses import demo_addresses, demo_addresses_csv
from .calls import demo_seed_call_types, demo_seed_calls
from .contacts import demo_seed_contacts, demo_seed_partners
from .outreach import demo_seed_outreach
from .people import (
    ABSENCES,
    ACCOUNT_GROUP_BY_ROLE,
    ACCOUNTS,
    ASSIGNMENTS,
    DEFAULT_START,
    OFFICERS,
    DemoOfficer,
    demo_portrait,
)
from .territory import demo_sector_collection

DEMO_ADDRESS_SOURCE = "demo"
SECTOR_IMPORT_OPTIONS = SectorImportOptions(
    code_property="code",
    name_property="name",
    municipality_property="municipality",
    borough_property="borough",
    population_property="population",
    programme_start_property="programme_started_on",
)


def demo_seed(*, admin_username: str, admin_password: str, call_rows: int | None = None) -> dict:
    """Create or bring up to date all demo data, all or nothing; returns what was done, by kind.

    The admin password is also the demo staff accounts' one. An account's password is only set when the
    account is created: a password changed since is kept. Raises django.core.exceptions.ValidationError if a
    new account's password is too weak (codes starting with "password"), or if the demo coverage contradicts
    assignments or absences recorded since by hand.

    The calls come last, after the rest is committed: `calls_import` keeps its own all-or-nothing
    transaction and commits its batch row on its own, so it must not run inside ours. Their import is a
    batch like any other (status, error report); a failed one leaves the rest of the demo in place.
    `call_rows` sets how many (default: demo.calls.DEMO_CALL_ROWS; 0 for none).
    """
    with transaction.atomic():
        counts = {}
        counts.update(demo_seed_sectors())
        counts.update(demo_seed_addresses())
        counts.update(demo_seed_admin(username=admin_username, password=admin_password))
        counts.update(demo_seed_officers())
        counts.update(demo_seed_staff_accounts(password=admin_password))
        counts.update(demo_seed_assignments())
        counts.update(demo_seed_absences())
        counts.update(demo_seed_call_types())
        counts.update(demo_seed_partners())
        counts.update(demo_seed_contacts())
        counts.update(demo_seed_outreach())
        # Last: files are the one thing a rollback does not undo, so they are written once all else went well.
        counts.update(demo_seed_portraits())
    counts.update(demo_seed_calls(rows=call_rows))
    return counts


def demo_seed_sectors() -> dict:
    """The 17 sectors of the demo territory, with the date community policing started in each."""
    result = sectors_import_geojson(source=demo_sector_collection(), options=SECTOR_IMPORT_OPTIONS)
    return {
        "sectors_created": len(result.created),
        "sectors_updated": len(result.updated),
        "sectors_unchanged": len(result.unchanged),
    }


def demo_seed_addresses() -> dict:
    """The generated address file of the demo territory (demo.addresses), imported like a real one.

    An address whose point falls in no active sector, or in a sector of another place than its street's,
    is left out. The importer matches addresses on number, street and municipality: a second run creates
    nothing, and one that drifted is put back.
    """
    addresses = demo_addresses()
    places = {
        code: (municipality, borough)
        for code, municipality, borough in Sector.objects.active().values_list(
            "code", "municipality", "borough"
        )
    }
    index = get_sector_index()
    codes = {sector.id: sector.code for sector in index.sectors}
    placement = index.locate_many([a.lon for a in addresses], [a.lat for a in addresses])
    kept = [
        address
        for address, sector_id in zip(addresses, placement.sector_ids.tolist(), strict=True)
        if sector_id and places.get(codes.get(sector_id)) == address.place
    ]
    result = addresses_import(
        source=demo_addresses_csv(kept),
        format="csv",
        options=AddressImportOptions(source=DEMO_ADDRESS_SOURCE),
    )
    return {
        "addresses_created": result.created,
        "addresses_updated": result.updated,
        "addresses_unchanged": result.unchanged,
        "addresses_left_out": len(addresses) - len(kept),
    }


def demo_seed_admin(*, username: str, password: str) -> dict:
    """A staff superuser to log in with; an existing account of that name is left exactly as it is."""
    user_model = get_user_model()
    if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists():
        return {"admin_users_created": 0}
    validate_password(password, user=user_model(**{user_model.USERNAME_FIELD: username}))
    user_model._default_manager.create_superuser(**{user_model.USERNAME_FIELD: username}, password=password)
    return {"admin_users_created": 1}


def demo_staff_logins() -> list[tuple[str, str]]:
    """(login, group name) of the demo staff accounts other than the administrator."""
    return [(o.username, ACCOUNT_GROUP_BY_ROLE[o.role]) for o in OFFICERS if o.username] + [
        (account.username, account.group) for account in ACCOUNTS
    ]


def demo_seed_officers() -> dict:
    """The unit's roster: constables, sergeants, a social worker, a civilian; drifted details are restored."""
    languages = {language.code: language for language in Language.objects.all()}
    existing = {officer.badge_number: officer for officer in Officer.objects.prefetch_related("languages")}
    counts = {"officers_created": 0, "officers_updated": 0, "officers_unchanged": 0}
    for demo in OFFICERS:
        wanted = _officer_fields(demo)
        wanted_languages = [languages[code] for code in demo.languages if code in languages]
        officer = existing.get(demo.badge_number)
        if officer is None:
            officer_save(
                officer=Officer(badge_number=demo.badge_number, **wanted), languages=wanted_languages
            )
            counts["officers_created"] += 1
            continue
        same_fields = all(getattr(officer, name) == value for name, value in wanted.items())
        same_languages = {language.code for language in officer.languages.all()} == {
            language.code for language in wanted_languages
        }
        if same_fields and same_languages:
            counts["officers_unchanged"] += 1
            continue
        for name, value in wanted.items():
            setattr(officer, name, value)
        officer_save(officer=officer, languages=None if same_languages else wanted_languages)
        counts["officers_updated"] += 1
    return counts


def demo_seed_staff_accounts(*, password: str) -> dict:
    """The sergeants' and one constable's accounts (linked to their officer record), an analyst's and a privacy
    officer's, in their role's group.

    Like the administrator's, an account that already exists is left exactly as it is.
    """
    user_model = get_user_model()
    created = 0
    wanted = [
        (o.username, o.first_name, o.last_name, o.work_email, ACCOUNT_GROUP_BY_ROLE[o.role], o.badge_number)
        for o in OFFICERS
        if o.username
    ] + [(a.username, a.first_name, a.last_name, "", a.group, None) for a in ACCOUNTS]
    for username, first_name, last_name, email, group_name, badge_number in wanted:
        if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists():
            continue
        details = {
            user_model.USERNAME_FIELD: username,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
        }
        validate_password(password, user=user_model(**details))
        user = user_model._default_manager.create_user(**details, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name=group_name))
        created += 1
        if badge_number is not None:
            officer = Officer.objects.get(badge_number=badge_number)
            if officer.user_id is None:
                officer.user = user
                officer_save(officer=officer)
    return {"staff_users_created": created}


def demo_seed_assignments() -> dict:
    """Who works where, with some history; an assignment already recorded is never made twice.

    Each is looked for by officer, sector, role and first day. A history assignment found still open is
    ended on its demo last day; nothing else about an existing assignment is changed.
    """
    sectors = {sector.code: sector for sector in Sector.objects.without_geometry()}
    officers = {officer.badge_number: officer for officer in Officer.objects.all()}
    counts = {"assignments_created": 0, "assignments_ended": 0}
    for demo in ASSIGNMENTS:
        officer, sector = officers[demo.badge_number], sectors[demo.sector]
        starts_on = (
            datetime.date.fromisoformat(demo.starts_on)
            if demo.starts_on
            else sector.programme_started_on or DEFAULT_START
        )
        ends_on = datetime.date.fromisoformat(demo.ends_on) if demo.ends_on else None
        existing = (
            Assignment.objects.filter(officer=officer, sector=sector, role=demo.role, starts_on=starts_on)
            .order_by("pk")
            .first()
        )
        if existing is None:
            assignment_create(
                officer=officer,
                sector=sector,
                role=demo.role,
                starts_on=starts_on,
                ends_on=ends_on,
                actor=None,
                note=demo.note,
            )
            counts["assignments_created"] += 1
        elif ends_on is not None and existing.ends_on is None:
            assignment_end(assignment=existing, ends_on=ends_on, actor=None)
            counts["assignments_ended"] += 1
    return counts


def demo_seed_absences(*, today: datetime.date | None = None) -> dict:
    """The demo absences, kept around `today` (default: the local date) so that the board is never stale.

    Each is found again by its officer and its reason; one whose dates or cover differ is moved, not
    duplicated.
    """
    today = today or timezone.localdate()
    officers = {officer.badge_number: officer for officer in Officer.objects.all()}
    counts = {"absences_created": 0, "absences_updated": 0}
    for demo in ABSENCES:
        officer = officers[demo.badge_number]
        covering = officers[demo.covering_badge_number] if demo.covering_badge_number else None
        starts_on, ends_on = demo.dates(today)
        existing = Absence.objects.filter(officer=officer, reason=demo.reason).order_by("pk").first()
        if existing is None:
            absence_plan(
                officer=officer,
                starts_on=starts_on,
                ends_on=ends_on,
                covering_officer=covering,
                reason=demo.reason,
                actor=None,
            )
            counts["absences_created"] += 1
        elif (existing.starts_on, existing.ends_on, existing.covering_officer_id) != (
            starts_on,
            ends_on,
            covering.pk if covering else None,
        ):
            absence_update(
                absence=existing,
                starts_on=starts_on,
                ends_on=ends_on,
                covering_officer=covering,
                reason=demo.reason,
                actor=None,
            )
            counts["absences_updated"] += 1
    return counts


def demo_seed_portraits() -> dict:
    """A generated portrait, in every size, for each demo officer who has none (or whose files are gone)."""
    created = 0
    for demo in OFFICERS:
        officer = Officer.objects.get(badge_number=demo.badge_number)
        files = (officer.photo, officer.photo_small, officer.photo_medium)
        missing = [file for file in files if not file or not file.storage.exists(file.name)]
        if not missing:
            continue
        for file in missing:
            # A name whose file is gone is forgotten, or the new file (given that free name again) would be
            # deleted with the "replaced" ones once the transaction commits.
            file.name = ""
        portrait = ContentFile(demo_portrait(demo), name=f"{demo.badge_number}.jpg")
        officer_save(officer=officer, photo=portrait)
        created += 1
    return {"portraits_created": created}


def _officer_fields(demo: DemoOfficer) -> dict:
    return {
        "first_name": demo.first_name,
        "last_name": demo.last_name,
        "role": demo.role,
        "work_phone": demo.work_phone,
        "work_email": demo.work_email,
        "patrols_on_foot": "f" in demo.modes,
        "patrols_by_bike": "b" in demo.modes,
        "patrols_by_car": "c" in demo.modes,
        "bio_fr": demo.bio_fr,
        "bio_en": demo.bio_en,
        "is_published": demo.is_published,
        "is_active": True,
    }
