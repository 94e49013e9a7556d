"""An officer on a phone logs a contact with a referral in under a minute; the supervisor then sees it; the
form and the lists pass axe's WCAG 2.1 AA checks in French and English (signed in once, each language's pages
walked in turn)."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from contacts.models import Contact, Partner
from officers.models import Assignment, Officer
from tests.beats.factories import SectorFactory, square
from tests.browser.test_accessibility import LANGUAGES, violations
from tests.conftest import STAFF_PASSWORD, enter_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def unit(migration_data, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    sector = SectorFactory(code="VL-01", name="Centre", geometry=square(-73.50, 45.50))
    users = {}
    for username, groups in (
        ("agent", ["Officer"]),
        ("sergeant", ["Supervisor"]),
        ("both", ["Officer", "Supervisor"]),
    ):
        user = get_user_model().objects.create_user(username, password=STAFF_PASSWORD, is_staff=True)
        user.groups.add(*Group.objects.filter(name__in=groups))
        users[username] = user
    for badge, username in (("301", "agent"), ("302", "both")):
        officer = Officer.objects.create(
            badge_number=badge, first_name="Amina", last_name=f"Haddad {badge}", user=users[username]
        )
        role = Assignment.Role.PRIMARY if badge == "301" else Assignment.Role.SECONDARY
        Assignment.objects.create(
            officer=officer, sector=sector, role=role, starts_on=datetime.date(2024, 1, 1)
        )
    Partner.objects.create(name="Médiation citoyenne (test)", phone="+14505550103")
    return users


def sign_in(page, live_server, username, language="en"):
    with translation.override(language):
        login = reverse("admin:login")
    page.goto(live_server.url + login)
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    enter_second_factor(page)
    page.wait_for_url(f"**/{language}/admin/")


def test_an_officer_on_a_phone_logs_a_contact_with_a_referral_in_under_a_minute(
    browser_page, live_server, unit
):
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "agent")

    with translation.override("en"):
        mine, team = reverse("staff:contacts"), reverse("staff:contacts-team")
    started = time.monotonic()
    page.goto(live_server.url + mine)
    page.click("#log-contact")
    page.locator(".chip label", has_text="Neighbour dispute").click()
    page.locator(".chip label", has_text="Text message").click()
    page.locator("label", has_text="Would otherwise have called 911").click()
    page.locator("#id_outcome-group .chip label", has_text="Referred").click()
    page.select_option("#id_referral_to", label="Médiation citoyenne (test)")
    page.click("#contact-submit")
    page.wait_for_selector("text=Contact logged.")
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"logging took {elapsed:.1f} s"

    contact = Contact.objects.get()
    assert contact.channel == "text" and contact.would_have_called_911 and contact.outcome == "referred"
    assert contact.referrals.get().partner.name == "Médiation citoyenne (test)"
    assert contact.sector.code == "VL-01" and contact.officer.user == unit["agent"]
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.problems == []

    page.click("#main-nav-logout, form[action*='logout'] button")
    sign_in(page, live_server, "sergeant")
    page.goto(live_server.url + team)
    with translation.override("en"):
        link = f"a[href='{reverse('staff:contact', args=[contact.pk])}']"
    assert page.locator(link).count() == 1
    assert "Neighbour dispute" in page.inner_text("main")
    page.click(link)
    assert "Médiation citoyenne (test)" in page.inner_text("main")


def test_the_form_and_the_lists_have_no_wcag_violation(browser_page, live_server, unit):
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "both", LANGUAGES[0])
    found = {}
    for language in LANGUAGES:  # signed in once: the language is the URL's prefix
        with translation.override(language):
            form, mine, team = (
                reverse("staff:contact-new"),
                reverse("staff:contacts"),
                reverse("staff:contacts-team"),
            )
        page.goto(live_server.url + form)
        assert page.get_attribute("html", "lang") == language
        found[language, "form"] = violations(page)
        # With every block open and errors shown.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.fill("#id_identity_name", "Test")
        page.click("#contact-submit")
        page.wait_for_selector("#error-summary")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found[language, "form with errors"] = violations(page)
        page.locator(".chip label").first.click()
        page.fill("#id_identity_name", "")
        page.click("#contact-submit")
        page.wait_for_selector(".messages")
        # The contact's page, once its message is gone: base.html's message list (<ul role="status">) is not
        # ours.
        page.reload()
        found[language, "contact"] = violations(page)
        for name, path in (("mine", mine), ("team", team)):
            page.goto(live_server.url + path)
            assert Contact.objects.exists()
            found[language, name] = violations(page)
        assert page.problems == [], language
    assert found == {key: [] for key in found}


def test_the_identity_the_correction_and_the_statistics_have_no_wcag_violation(
    browser_page, live_server, unit
):
    from contacts.models import ContactCategory
    from contacts.services.contacts import contact_create
    from contacts.services.identities import IdentityInput
    from contacts.services.referrals import ReferralInput

    officer = Officer.objects.get(badge_number="302")
    contact = contact_create(
        officer=officer,
        when=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2),
        channel="patrol",
        outcome="referred",
        categories=list(ContactCategory.objects.filter(slug="youth")),
        identity=IdentityInput(name="Résidente Fictive", phone="450 555-0142", consent=True),
        referrals=[ReferralInput(to_social_worker=True)],
    )
    unit["both"].groups.add(Group.objects.get(name="Analyst"))
    page = browser_page
    sign_in(page, live_server, "both", LANGUAGES[0])
    found = {}
    for language in LANGUAGES:  # signed in once: the language is the URL's prefix
        with translation.override(language):
            detail = reverse("staff:contact", args=[contact.pk])
            statistics = reverse("staff:contact-statistics")
        page.goto(live_server.url + detail)
        assert page.get_attribute("html", "lang") == language
        page.click("#show-identity")
        page.wait_for_selector("text=Résidente Fictive")
        found[language, "identity"] = violations(page)
        page.click("#edit-contact")
        page.wait_for_selector("#contact-save")
        found[language, "correction"] = violations(page)
        page.goto(live_server.url + statistics)
        assert page.inner_text("#total-contacts") == "1", language
        found[language, "statistics"] = violations(page)
        assert page.problems == [], language
    assert found == {key: [] for key in found}


def test_use_my_location_places_the_contact_in_the_sector_of_the_point(browser_page, live_server, unit):
    SectorFactory(code="BR-01", name="DIX30", municipality="Brossard", geometry=square(-73.49, 45.50))
    page = browser_page
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": -73.485, "latitude": 45.505})
    sign_in(page, live_server, "agent")
    with translation.override("en"):
        page.goto(live_server.url + reverse("staff:contact-new"))
    page.locator(".chip label", has_text="Traffic").click()
    page.click("text=When and where")
    page.click("#contact-locate")
    page.wait_for_function("document.getElementById('id_lat').value !== ''")
    assert "Position filled in" in page.inner_text("#contact-locate-status")
    page.click("#contact-submit")
    page.wait_for_selector("text=Contact logged.")
    contact = Contact.objects.get()
    assert contact.sector.code == "BR-01" and round(contact.lon, 3) == -73.485
    assert page.problems == []
