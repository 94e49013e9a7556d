"""Staff sign-in: brute-force lockout (django-axes), idle timeout and absolute session lifetime."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import STAFF_PASSWORD, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

# Whole seconds, so that time.time() under a stopped clock is exact.
T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
WRONG_PASSWORD = "not-the-password-at-all"


def sign_in(client, username, password):
    """The password step's response; when the password is right, the authenticator app's code follows."""
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        secure=True,
    )
    if is_signed_in(client):
        device = totp_device_for(get_user_model().objects.get(username=username))
        client.post(reverse("two_factor:verify"), {"code": totp_code(device)}, secure=True)
    return response


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def staff_page_status(client):
    """(status, Location) of the admin index: 200 when signed in, a redirect to the login page otherwise."""
    response = client.get(reverse("admin:index"), secure=True)
    return response.status_code, response.headers.get("Location", "")


def assert_redirected_to_login(client):
    status, location = staff_page_status(client)
    assert status == 302
    assert location.startswith(reverse("admin:login"))


@pytest.fixture
def staff(make_staff):
    return make_staff("agent")


def test_five_failures_lock_the_account_even_against_the_right_password(client, staff):
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            response = sign_in(client, staff.username, WRONG_PASSWORD)
            assert not is_signed_in(client)
        assert AccessAttempt.objects.filter(username=staff.username).exists()

        response = sign_in(client, staff.username, STAFF_PASSWORD)

        assert response.status_code == 429
        assert "staff/locked_out.html" in [template.name for template in response.templates]
        assert not is_signed_in(client)
        assert_redirected_to_login(client)


def test_the_lockout_ends_after_the_cool_off(client, staff):
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            sign_in(client, staff.username, WRONG_PASSWORD)
        sign_in(client, staff.username, STAFF_PASSWORD)
        assert not is_signed_in(client)

    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        response = sign_in(client, staff.username, STAFF_PASSWORD)

        assert response.status_code == 302
        assert is_signed_in(client)
        assert staff_page_status(client)[0] == 200


def test_the_lockout_still_holds_before_the_cool_off_ends(client, staff):
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            sign_in(client, staff.username, WRONG_PASSWORD)

    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        sign_in(client, staff.username, STAFF_PASSWORD)

        assert not is_signed_in(client)


def test_a_successful_sign_in_clears_earlier_failures(client, staff):
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            sign_in(client, staff.username, WRONG_PASSWORD)
        sign_in(client, staff.username, STAFF_PASSWORD)
        assert is_signed_in(client)
        client.logout()

        # Without the reset these four would make eight failures in the cool-off window, and lock.
        for _ in range(4):
            sign_in(client, staff.username, WRONG_PASSWORD)
        response = sign_in(client, staff.username, STAFF_PASSWORD)

        assert response.status_code == 302
        assert is_signed_in(client)


def test_an_idle_session_ends_after_thirty_minutes(client, staff):
    with time_machine.travel(T0, tick=False):
        sign_in(client, staff.username, STAFF_PASSWORD)
        assert staff_page_status(client)[0] == 200

    with time_machine.travel(T0 + timedelta(minutes=31), tick=False):
        assert_redirected_to_login(client)
        assert not is_signed_in(client)


def test_each_request_restarts_the_idle_timer(client, staff):
    with time_machine.travel(T0, tick=False):
        sign_in(client, staff.username, STAFF_PASSWORD)
        assert staff_page_status(client)[0] == 200

    # 87 minutes in all, never 30 of them idle.
    for minutes in (29, 58, 87):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            assert staff_page_status(client)[0] == 200, f"signed out after {minutes} minutes"


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, staff):
    with time_machine.travel(T0, tick=False):
        sign_in(client, staff.username, STAFF_PASSWORD)
        assert staff_page_status(client)[0] == 200

    # A request every 20 minutes keeps the session until 11 h 40 (the idle limit never applies)...
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            assert staff_page_status(client)[0] == 200, f"signed out after {minutes} minutes"
    # ...and at 12 h, exactly on the limit, where either answer is acceptable...
    with time_machine.travel(T0 + timedelta(hours=12), tick=False):
        staff_page_status(client)

    # ...but 12 h 20 min after signing in the session is over, though it was used 20 minutes earlier.
    with time_machine.travel(T0 + timedelta(hours=12, minutes=20), tick=False):
        assert_redirected_to_login(client)
        assert not is_signed_in(client)


def test_the_twelve_hours_count_from_sign_in_not_from_the_next_page(client, staff):
    with time_machine.travel(T0, tick=False):
        response = sign_in(client, staff.username, STAFF_PASSWORD)
        assert response.status_code == 302 and is_signed_in(client)

    # The first page after signing in comes 25 minutes later (within the idle limit)...
    for minutes in range(25, 12 * 60, 20):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            assert staff_page_status(client)[0] == 200, f"signed out after {minutes} minutes"

    # ...and 12 h 05 min after signing in the session is over all the same.
    with time_machine.travel(T0 + timedelta(hours=12, minutes=5), tick=False):
        assert_redirected_to_login(client)
