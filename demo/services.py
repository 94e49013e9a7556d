"""Demo data: fills an empty installation with a plausible territory and an account to look around with.

Every step is idempotent: running `seed_demo` again updates what drifted and creates no duplicates. Add one
function per kind of data (officers, calls, …) and call it from `demo_seed`, territory first.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from beats.services import SectorImportOptions, sectors_import_geojson

from .territory import demo_sector_collection

SECTOR_IMPORT_OPTIONS = SectorImportOptions(
    code_property="code",
    name_property="name",
    municipality_property="municipality",
    borough_property="borough",
    population_property="population",
    programme_start_property="programme_started_on",
)


def demo_seed(*, admin_username: str, admin_password: str) -> dict:
    """Create or bring up to date all demo data, all or nothing; returns what was done, by kind.

    The admin account's password is only set when the account is created: a password changed since is
    kept. Raises django.core.exceptions.ValidationError if a new account's password is too weak.
    """
    with transaction.atomic():
        counts = {}
        counts.update(demo_seed_sectors())
        counts.update(demo_seed_admin(username=admin_username, password=admin_password))
    return counts


def demo_seed_sectors() -> dict:
    """The 17 sectors of the demo territory, with the date community policing started in each."""
    result = sectors_import_geojson(source=demo_sector_collection(), options=SECTOR_IMPORT_OPTIONS)
    return {
        "sectors_created": len(result.created),
        "sectors_updated": len(result.updated),
        "sectors_unchanged": len(result.unchanged),
    }


def demo_seed_admin(*, username: str, password: str) -> dict:
    """A staff superuser to log in with; an existing account of that name is left exactly as it is."""
    user_model = get_user_model()
    if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists():
        return {"admin_users_created": 0}
    validate_password(password, user=user_model(**{user_model.USERNAME_FIELD: username}))
    user_model._default_manager.create_superuser(**{user_model.USERNAME_FIELD: username}, password=password)
    return {"admin_users_created": 1}
