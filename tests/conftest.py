"""Fixtures shared by the whole suite.

The suite runs against the real PostgreSQL and Redis named by DATABASE_URL and REDIS_URL (see pyproject's
[tool.pytest_env] and the Makefile); tests that read ../shared/data skip when it is absent.
"""

import importlib
from base64 import b32decode
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from public.ratelimit import forget_local_counts
from tests.ordering import check_order

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SEATTLE = SHARED_DATA / "seattle"
SEATTLE_BEATS = SEATTLE / "Seattle_Police_Beats_2018-Present.geojson"
STAFF_PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(scope="session", autouse=True)
def _static_manifest():
    """The suite runs with production storage (hashed, compressed static files), so it needs the manifest.

    `make test` collects static files first; a bare `pytest` collects them again when ours have changed since.
    """
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max(
        path.stat().st_mtime for folder in settings.STATICFILES_DIRS for path in Path(folder).rglob("*")
    )
    if not manifest.is_file() or manifest.stat().st_mtime < newest:
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def seattle_beats_path() -> Path:
    if not SEATTLE_BEATS.is_file():
        pytest.skip(
            f"real Seattle data not found at {SEATTLE} (it lives in ../shared/data, outside the project)"
        )
    return SEATTLE_BEATS


@pytest.fixture(autouse=True)
def _clear_cache():
    # The cache is a real Redis shared across tests: start every test from an empty one, and forget what this
    # process counted for the API's rate limit (it mirrors counters that live in the cache).
    cache.clear()
    forget_local_counts()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    # A request leaves its language active in the thread; the next test starts from the default (French).
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english():
    """For tests that read English messages produced outside a request (services, commands)."""
    with translation.override("en"):
        yield


# The data migrations whose rows tests rely on, in the order they run: (app, migration, function). Each function
# creates only what is missing, so running it again is safe.
DATA_MIGRATIONS = [
    ("officers", "0003_languages_and_roles", "create"),
    ("accounts", "0001_administrators_reset_second_factors", "grant"),
    ("calls", "0002_shipped_profiles", "create"),
    ("calls", "0003_batch_upload", "grant"),
    ("calls", "0005_nightly_recompute", "create"),
    ("calls", "0006_analysis_grants", "grant"),
    ("contacts", "0002_default_categories", "create"),
    ("outreach", "0002_role_grants", "grant"),
    ("contacts", "0004_roles", "grant"),
    ("contacts", "0005_nightly_retention", "create"),
    ("reports", "0002_monthly_schedule", "create"),
    ("reports", "0003_role_grants", "grant"),
    ("reports", "0005_download_audit_grants", "grant"),
]


@pytest.fixture
def migration_data(db):
    ensure_migration_data()


def ensure_migration_data():
    """The rows data migrations create (roles as groups and their permissions, languages, the shipped import
    profiles, the nightly schedule), made again if a flush removed them.

    Transactional tests flush the database when they end; serialized rollback brings the rows back for the
    next test that asks for it, but not in every ordering (a live server started mid-suite). This runs the
    migrations' own code again on their historical models, so what is under test stays the migrations'.
    """
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from calls.models import ImportProfile
    from contacts.models import ContactCategory

    roles = importlib.import_module("officers.migrations.0003_languages_and_roles").ROLES
    complete = (
        Group.objects.filter(name__in=roles).count() == len(roles)
        and ImportProfile.objects.exists()
        and ContactCategory.objects.exists()
    )
    if complete:
        return
    loader = MigrationLoader(connection)
    for app_label, name, function in DATA_MIGRATIONS:
        state = loader.project_state((app_label, name))
        module = importlib.import_module(f"{app_label}.migrations.{name}")
        getattr(module, function)(state.apps, None)


@pytest.fixture(autouse=True)
def _data_migration_rows(request):
    """Every test that uses the database starts with the data migrations' rows (see migration_data): a test
    run after a transactional one (which flushes) must not find the roles or the import profiles gone."""
    uses_database = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db")
    )
    if uses_database:
        request.getfixturevalue("migration_data")


@pytest.fixture(scope="class")
def class_database(django_db_setup, django_db_blocker):
    """Rows a class's tests share, for what is slow to build and that most tests only read (the whole demo).

    A class-scoped fixture that asks for this one writes inside `with class_database():`; its rows are in an
    outer transaction that every test of the class sees, each test's own writes still roll back when it ends
    (a savepoint inside it), and the whole is rolled back when the class ends. Only for plain database tests:
    a transactional test would empty the database under it.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    yield django_db_blocker.unblock
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="class")
def class_media(tmp_path_factory):
    """A media folder for a class's shared rows (portraits drawn once for all its tests)."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media):
        yield media


@pytest.fixture
def make_staff(db):
    """A staff user with the given permissions ("app_label.codename")."""

    def make(username="supervisor", *permissions: str, superuser=False):
        user = get_user_model().objects.create_user(
            username=username, password=STAFF_PASSWORD, is_staff=True, is_superuser=superuser
        )
        for permission in permissions:
            app_label, codename = permission.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return make


# --- Staff second factor (accounts/) ---------------------------------------------------------------------
# The suite runs with STAFF_REQUIRE_TWO_FACTOR on, as production does. Staff sign in with a real TOTP device:
# `client.force_login(staff)` also gives the user a confirmed device and marks the session verified, as the
# code page does (django_otp.login stores the device's persistent id under DEVICE_ID_SESSION_KEY); browser
# tests type the app's current code after the password (`enter_second_factor`).


def totp_device_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, added when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The code the app shows now: django-otp's own TOTP over the device's key.

    A code is accepted once; when this step's code was already used (two sign-ins within 30 s), the next
    step's, which the device accepts too (one step of tolerance).
    """
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    ahead = max(0, device.last_t + 1 - now)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{code:0{device.digits}d}"


def verify_second_factor(client, user) -> TOTPDevice:
    """Mark the test client's session as having given the second factor (after a force_login)."""
    device = totp_device_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def enter_second_factor(page, user=None) -> None:
    """In a browser, right after the password: the second step, as the person would do it.

    On a first sign-in the enrolment page shows a key: the "app" is set up from it and its code confirms it,
    then the recovery codes page is left. Otherwise the code of `user`'s device is typed.
    """
    page.wait_for_selector("#two-factor-form")
    secret = page.locator(".two-factor-secret")
    if secret.count():
        key = b32decode(secret.inner_text().replace(" ", ""))
        page.fill("#id_code", f"{totp(key):06d}")
        page.click("#two-factor-form [type=submit]")
        page.click("#two-factor-continue")
    else:
        page.fill("#id_code", totp_code(totp_device_for(user)))
        page.click("#two-factor-form [type=submit]")


class StaffClient(Client):
    """force_login signs staff in with both factors; `second_factor=False` stops after the password."""

    def force_login(self, user, backend=None, *, second_factor=True):
        super().force_login(user, backend)
        if second_factor and user.is_staff:
            verify_second_factor(self, user)


@pytest.fixture
def client():
    return StaffClient()


@pytest.fixture
def admin_client_fr(client, make_staff):
    client.force_login(make_staff("chief", superuser=True))
    return client


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    # After every plugin has sorted the tests: stop at once when plain database tests would run after
    # transactional ones (tests/ordering.py says why that matters and what usually causes it).
    result = yield
    check_order(items)
    return result


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    # Production hashes with PBKDF2 at Django's 1,000,000 iterations (0.28 s a password here); the suite
    # creates and signs in hundreds of users, so it hashes with MD5, in tests only (the tests of passwords
    # check what the application does with them, not the hasher's cost).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
