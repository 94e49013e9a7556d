"""Who reaches which page of contacts: every role (the groups the migrations made) against every staff page
and admin page of the app, the object rules (no IDOR), and what each role sees of a contact."""

import pytest
from django.urls import reverse

from contacts.models import IdentityAccess, ResidentIdentity

from .conftest import NAME, PHONE_E164, SUMMARY, log_contact

pytestmark = pytest.mark.django_db

# page → (URL name, needs officer A's contact)
PAGES = {
    "my contacts": ("staff:contacts", False),
    "log a contact": ("staff:contact-new", False),
    "team contacts": ("staff:contacts-team", False),
    "contact page": ("staff:contact", True),
    "contact edit": ("staff:contact-edit", True),
    "statistics": ("staff:contact-statistics", False),
    "statistics csv": ("staff:contact-statistics-csv", False),
    "admin categories": ("admin:contacts_contactcategory_changelist", False),
    "admin category add": ("admin:contacts_contactcategory_add", False),
    "admin partners": ("admin:contacts_partner_changelist", False),
    "admin partner add": ("admin:contacts_partner_add", False),
    "admin contacts": ("admin:contacts_contact_changelist", False),
    "admin contact": ("admin:contacts_contact_change", True),
    "admin referrals": ("admin:contacts_referral_changelist", False),
    "admin identities": ("admin:contacts_residentidentity_changelist", False),
    "admin audit trail": ("admin:contacts_identityaccess_changelist", False),
}
EVERY = set(PAGES)
ALLOWED = {
    "officer": {
        "my contacts",
        "log a contact",
        "contact page",
        "contact edit",
        "admin categories",
        "admin partners",
        "admin contacts",
        "admin contact",
        "admin referrals",
    },
    "supervisor": EVERY - {"admin audit trail", "admin identities"},
    "analyst": {"statistics", "statistics csv", "admin categories", "admin partners"},
    "administrator": EVERY,
    "privacy": {
        "my contacts",
        "team contacts",
        "contact page",
        "admin contacts",
        "admin contact",
        "admin referrals",
        "admin identities",
        "admin audit trail",
    },
}


def user_for(unit, role):
    return unit["officer_a"].user if role == "officer" else unit[role]


def url_for(screen, contact):
    name, needs = PAGES[screen]
    return reverse(name, args=[contact.pk]) if needs else reverse(name)


@pytest.mark.parametrize("screen", PAGES)
@pytest.mark.parametrize("role", ALLOWED)
def test_each_role_reaches_exactly_its_pages(client, unit, contact_a, role, screen):
    client.force_login(user_for(unit, role))
    response = client.get(url_for(screen, contact_a))
    assert response.status_code == (200 if screen in ALLOWED[role] else 403), f"{role} on {screen}"


@pytest.mark.parametrize("screen", PAGES)
def test_someone_not_signed_in_is_sent_to_the_login_page(client, contact_a, screen):
    response = client.get(url_for(screen, contact_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_pages_are_not_cached_and_carry_the_security_headers(client, unit, contact_a):
    client.force_login(unit["administrator"])
    for screen, (name, _needs) in PAGES.items():
        if not name.startswith("staff:"):
            continue
        response = client.get(url_for(screen, contact_a))
        assert "no-store" in response["Cache-Control"], screen
        assert response["X-Frame-Options"] == "DENY", screen
        assert (
            "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[-1].split(";")[0]
        )


def test_another_officers_contact_answers_404_everywhere(client, unit, contact_a):
    client.force_login(unit["officer_b"].user)
    assert client.get(reverse("staff:contact", args=[contact_a.pk])).status_code == 404
    assert client.get(reverse("staff:contact", args=[contact_a.pk]) + "?identity=1").status_code == 404
    referral = contact_a.referrals.get()
    url = reverse("staff:contact-referral", args=[contact_a.pk, referral.pk])
    assert client.post(url, {f"r{referral.pk}-status": "completed"}).status_code == 404
    assert client.post(reverse("staff:contact-follow-up-done", args=[contact_a.pk])).status_code == 404
    assert client.get(reverse("staff:contact-edit", args=[contact_a.pk])).status_code == 404
    assert client.post(reverse("staff:contact-edit", args=[contact_a.pk]), {}).status_code == 404
    # A missing id answers the same: nothing tells the two apart.
    assert client.get(reverse("staff:contact", args=[contact_a.pk + 1000])).status_code == 404
    # The admin does not list it nor open it.
    listing = client.get(reverse("admin:contacts_contact_changelist")).content.decode()
    assert f"/contact/{contact_a.pk}/change/" not in listing
    response = client.get(reverse("admin:contacts_contact_change", args=[contact_a.pk]))
    assert response.status_code == 302  # the admin's "not found" (redirect with a message)
    assert not IdentityAccess.objects.filter(user=unit["officer_b"].user).exists()


def test_a_referral_of_another_contact_answers_404(client, unit, contact_a):
    own = log_contact(unit["officer_b"])
    client.force_login(unit["officer_b"].user)
    referral = contact_a.referrals.get()
    url = reverse("staff:contact-referral", args=[own.pk, referral.pk])
    assert client.post(url, {f"r{referral.pk}-status": "completed"}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == "made"


def test_an_officer_lists_only_their_own_contacts(client, unit, contact_a, contact_b):
    client.force_login(unit["officer_b"].user)
    html = client.get(reverse("staff:contacts")).content.decode()
    assert reverse("staff:contact", args=[contact_b.pk]) in html
    assert reverse("staff:contact", args=[contact_a.pk]) not in html


def test_the_supervisor_sees_the_teams_contacts_and_filters_them(client, unit, contact_a, contact_b):
    client.force_login(unit["supervisor"])
    html = client.get(reverse("staff:contacts-team")).content.decode()
    assert reverse("staff:contact", args=[contact_a.pk]) in html
    assert reverse("staff:contact", args=[contact_b.pk]) in html
    html = client.get(reverse("staff:contacts-team"), {"sector": unit["second"].pk}).content.decode()
    assert reverse("staff:contact", args=[contact_a.pk]) not in html
    html = client.get(reverse("staff:contacts-team"), {"officer": unit["officer_a"].pk}).content.decode()
    assert reverse("staff:contact", args=[contact_b.pk]) not in html
    html = client.get(reverse("staff:contacts-team"), {"follow_up": "due"}).content.decode()
    assert reverse("staff:contact", args=[contact_a.pk]) not in html


@pytest.mark.parametrize("role", ["officer", "supervisor", "privacy", "administrator"])
def test_the_identity_is_shown_on_request_to_allowed_roles_and_each_showing_audited(
    client, unit, contact_a, role
):
    user = user_for(unit, role)
    client.force_login(user)
    url = reverse("staff:contact", args=[contact_a.pk])
    page = client.get(url).content.decode()
    assert NAME not in page and "show-identity" in page
    assert not IdentityAccess.objects.filter(action="read").exists()
    for count in (1, 2):
        page = client.get(url, {"identity": "1"}).content.decode()
        assert NAME in page and PHONE_E164 in page
        assert IdentityAccess.objects.filter(action="read", user=user, contact=contact_a).count() == count


def test_the_analyst_never_sees_a_summary_or_an_identity(client, unit, contact_a):
    client.force_login(unit["analyst"])
    assert client.get(reverse("staff:contact", args=[contact_a.pk])).status_code == 403
    page = client.get(reverse("staff:contact-statistics")).content.decode()
    assert SUMMARY not in page and NAME not in page
    csv_text = client.get(reverse("staff:contact-statistics-csv")).content.decode()
    assert SUMMARY not in csv_text and NAME not in csv_text
    assert "noise" in csv_text


def test_the_admin_contact_page_shows_no_identity(client, unit, contact_a):
    client.force_login(unit["supervisor"])
    page = client.get(reverse("admin:contacts_contact_change", args=[contact_a.pk])).content.decode()
    assert NAME not in page and PHONE_E164 not in page
    assert reverse("staff:contact", args=[contact_a.pk]) in page


def test_the_privacy_officer_reads_an_identity_in_the_admin_audited(client, unit, contact_a):
    client.force_login(unit["privacy"])
    identity = contact_a.identity
    listing = client.get(
        reverse("admin:contacts_residentidentity_changelist"), {"q": "Gisèle"}
    ).content.decode()
    assert NAME not in listing and f"/residentidentity/{identity.pk}/change/" in listing
    search = IdentityAccess.objects.get(action="read", note="search")
    assert (search.user, search.contact) == (unit["privacy"], contact_a)
    page = client.get(reverse("admin:contacts_residentidentity_change", args=[identity.pk])).content.decode()
    assert NAME in page
    assert IdentityAccess.objects.filter(action="read", user=unit["privacy"], note="").count() == 1


def test_the_privacy_officer_exports_an_access_request_audited(client, unit, contact_a):
    client.force_login(unit["privacy"])
    response = client.post(
        reverse("admin:contacts_residentidentity_changelist"),
        {"action": "export_selected", "_selected_action": [contact_a.identity.pk]},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert NAME in text and SUMMARY in text
    assert IdentityAccess.objects.filter(action="export", user=unit["privacy"], contact=contact_a).exists()


def test_the_privacy_officer_purges_an_identity_audited(client, unit, contact_a):
    client.force_login(unit["privacy"])
    client.post(
        reverse("admin:contacts_residentidentity_changelist"),
        {"action": "purge_selected", "_selected_action": [contact_a.identity.pk]},
    )
    contact_a.refresh_from_db()
    assert not hasattr(contact_a, "identity")
    assert IdentityAccess.objects.filter(action="purge", user=unit["privacy"], contact=contact_a).exists()


@pytest.mark.parametrize("role", ["officer", "supervisor"])
def test_officers_and_supervisors_cannot_search_export_or_purge_identities(client, unit, contact_a, role):
    client.force_login(user_for(unit, role))
    url = reverse("admin:contacts_residentidentity_changelist")
    assert client.get(url, {"q": "Gisèle"}).status_code == 403
    response = client.post(url, {"action": "purge_selected", "_selected_action": [contact_a.identity.pk]})
    assert response.status_code == 403
    assert ResidentIdentity.objects.filter(contact=contact_a).exists()


@pytest.mark.parametrize(
    ("screen", "role"), [("staff:contacts-team", "supervisor"), ("staff:contacts", "officer")]
)
def test_list_pages_run_a_fixed_number_of_queries(
    client, unit, partner, screen, role, django_assert_max_num_queries
):
    from contacts.services.referrals import ReferralInput

    user = user_for(unit, role)
    client.force_login(user)
    log_contact(unit["officer_a"], referrals=[ReferralInput(partner=partner)])
    client.get(reverse(screen))  # warm the session and the permission caches
    with django_assert_max_num_queries(20) as few:
        client.get(reverse(screen))
    for _ in range(10):
        log_contact(unit["officer_a"], referrals=[ReferralInput(partner=partner)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(screen))
