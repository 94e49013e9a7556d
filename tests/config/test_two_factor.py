"""Staff second factor (accounts/): a password alone reaches no staff page.

Codes are computed with django-otp's own TOTP over the device's key (or the key the enrolment page shows),
as an authenticator app would.
"""

import logging
import re
from base64 import b32decode
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from tests.conftest import STAFF_PASSWORD, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
STAFF_PAGES = ["admin:index", "admin:officers_officer_changelist", "staff:coverage", "staff:territory"]


def password_step(client, user, next_url=None):
    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": STAFF_PASSWORD, "next": next_url or reverse("admin:index")},
        secure=True,
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return response


def give_code(client, code, next_url=None):
    data = {"code": code, **({"next": next_url} if next_url else {})}
    return client.post(reverse("two_factor:verify"), data, secure=True)


def admin_index_status(client):
    return client.get(reverse("admin:index"), secure=True).status_code


@pytest.fixture
def supervisor(make_staff):
    return make_staff("sergeant", "officers.view_coverage", "beats.view_sector", "officers.view_officer")


@pytest.fixture
def enrolled(supervisor):
    totp_device_for(supervisor)
    return supervisor


def test_a_first_sign_in_enrols_an_authenticator_app_and_shows_ten_recovery_codes_once(client, supervisor):
    password_step(client, supervisor)

    # The admin sends to the code page, which sends a user without an app to the enrolment page.
    response = client.get(reverse("admin:index"), secure=True, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor:enrol"))
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html  # the QR code, drawn inline
    secret = re.search(r'<code class="two-factor-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert not TOTPDevice.objects.get(user=supervisor).confirmed
    assert admin_index_status(client) == 302

    # The app is set up by hand from the key in the page, as a phone would.
    code = f"{totp(b32decode(secret.replace(' ', ''))):06d}"
    session_before = client.session.session_key
    response = client.post(reverse("two_factor:enrol"), {"code": code}, secure=True)

    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(codes) == 10 == len(set(codes))
    assert TOTPDevice.objects.get(user=supervisor).confirmed
    assert client.session.session_key != session_before
    assert admin_index_status(client) == 200
    # Shown once: the enrolment page is closed now, and the codes appear nowhere else.
    again = client.get(reverse("two_factor:enrol"), secure=True, follow=True)
    assert not any(code in again.content.decode() for code in codes)


def test_a_wrong_code_at_enrolment_confirms_nothing(client, supervisor):
    password_step(client, supervisor)
    client.get(reverse("two_factor:enrol"), secure=True)

    response = client.post(reverse("two_factor:enrol"), {"code": "000000"}, secure=True)

    assert response.status_code == 200 and response.context["form"].errors
    assert not TOTPDevice.objects.get(user=supervisor).confirmed
    assert admin_index_status(client) == 302


def test_an_enrolled_user_gives_the_apps_code_and_lands_where_they_were_going(client, enrolled):
    coverage = reverse("staff:coverage")
    password_step(client, enrolled, next_url=coverage)
    assert client.get(coverage, secure=True)["Location"].startswith(reverse("two_factor:verify"))

    response = give_code(client, totp_code(totp_device_for(enrolled)), next_url=coverage)

    assert response.status_code == 302 and response["Location"] == coverage
    assert client.get(coverage, secure=True).status_code == 200


def test_a_wrong_code_is_refused_counted_and_logged_without_the_code(client, enrolled, caplog):
    password_step(client, enrolled)
    right = totp_code(totp_device_for(enrolled))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    with caplog.at_level(logging.INFO):
        response = give_code(client, wrong)

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert admin_index_status(client) == 302
    assert "second factor refused: user sergeant" in caplog.text
    assert wrong not in caplog.text
    attempt = AccessAttempt.objects.get(username="sergeant")
    assert attempt.failures_since_start == 1
    assert wrong not in attempt.post_data


def test_a_code_right_after_a_wrong_one_waits(client, enrolled):
    with time_machine.travel(T0, tick=False):
        password_step(client, enrolled)
        give_code(client, "000000")
        response = give_code(client, totp_code(totp_device_for(enrolled)))

        assert response.status_code == 200 and response.context["form"].non_field_errors()  # "wait n s"
        assert admin_index_status(client) == 302

    with time_machine.travel(T0 + timedelta(seconds=5), tick=False):
        assert give_code(client, totp_code(totp_device_for(enrolled))).status_code == 302
        assert admin_index_status(client) == 200


def test_five_wrong_codes_lock_the_account_like_five_wrong_passwords(client, enrolled):
    for attempt in range(5):
        with time_machine.travel(T0 + timedelta(minutes=attempt), tick=False):
            if attempt == 0:
                password_step(client, enrolled)
            response = give_code(client, "000000")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        refused = client.post(
            reverse("admin:login"),
            {"username": enrolled.username, "password": STAFF_PASSWORD},
            secure=True,
        )
        assert refused.status_code == 429


def test_a_recovery_code_works_once(client, enrolled):
    first, *_others = services.recovery_codes_replace(user=enrolled)
    password_step(client, enrolled)

    response = give_code(client, f"{first[:4].upper()}-{first[4:]}")  # as people copy it

    assert response.status_code == 302
    assert admin_index_status(client) == 200
    assert services.recovery_codes_left(user=enrolled) == 9

    client.post(reverse("admin:logout"), secure=True)
    with time_machine.travel(T0, tick=False):
        password_step(client, enrolled)
        assert give_code(client, first).status_code == 200
        assert admin_index_status(client) == 302


# Not "page": that name is pytest-playwright's fixture, and would make these browser tests.
@pytest.mark.parametrize("url_name", STAFF_PAGES)
def test_a_password_only_session_reaches_no_staff_page(client, enrolled, url_name):
    client.force_login(enrolled, second_factor=False)

    response = client.get(reverse(url_name), secure=True)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:verify"))


@pytest.mark.parametrize("url_name", STAFF_PAGES)
def test_a_verified_session_reaches_the_staff_pages(client, enrolled, url_name):
    client.force_login(enrolled)

    assert client.get(reverse(url_name), secure=True).status_code == 200


def test_elsewhere_a_password_only_session_counts_as_signed_out(client, make_staff):
    staff_only = reverse("api:sector-features") + "?include_inactive=1"
    client.force_login(make_staff("sergeant", "beats.view_sector"), second_factor=False)

    assert client.get(staff_only).status_code == 403


def test_a_password_alone_cannot_replace_an_enrolled_app(client, enrolled):
    client.force_login(enrolled, second_factor=False)

    response = client.get(reverse("two_factor:enrol"), secure=True)

    assert response["Location"].startswith(reverse("two_factor:verify"))
    assert TOTPDevice.objects.filter(user=enrolled).count() == 1


def test_without_the_setting_the_password_is_enough(client, supervisor, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = False

    password_step(client, supervisor)

    assert admin_index_status(client) == 200
    assert client.get(reverse("staff:coverage"), secure=True).status_code == 200


def test_an_administrator_resets_a_lost_phone_and_the_next_sign_in_enrols_again(
    client, admin_client_fr, enrolled
):
    services.recovery_codes_replace(user=enrolled)
    device = TOTPDevice.objects.get(user=enrolled)
    changelist = reverse("admin:otp_totp_totpdevice_changelist")
    listing = admin_client_fr.get(changelist, secure=True)
    assert listing.status_code == 200
    assert device.key not in listing.content.decode()
    assert admin_client_fr.get(reverse("admin:otp_totp_totpdevice_add"), secure=True).status_code == 403

    response = admin_client_fr.post(
        changelist, {"action": "reset_second_factor", "_selected_action": [device.pk]}, secure=True
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=enrolled).exists()
    assert not StaticDevice.objects.filter(user=enrolled).exists()
    password_step(client, enrolled)
    followed = client.get(reverse("admin:index"), secure=True, follow=True)
    assert followed.redirect_chain[-1][0].startswith(reverse("two_factor:enrol"))


def test_the_administrator_role_may_reset_second_factors(migration_data):
    from django.contrib.auth.models import Group

    administrator = Group.objects.get(name="Administrator")
    codenames = set(administrator.permissions.values_list("codename", flat=True))
    assert {"view_totpdevice", "delete_totpdevice", "view_staticdevice", "delete_staticdevice"} <= codenames


def test_the_code_page_is_in_french_and_english(client, enrolled):
    client.force_login(enrolled, second_factor=False)
    for language in ("fr", "en"):
        response = client.get(f"/{language}/admin/two-factor/", secure=True)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
