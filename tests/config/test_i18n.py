"""French first, English on request: language prefixes, translated paths and the language switch."""

import re

import pytest
from django.conf import settings
from django.urls import resolve, reverse
from django.utils.translation import override

from public import views

pytestmark = pytest.mark.django_db


def html_lang(html: str) -> str | None:
    match = re.search(r"<html\b[^>]*\blang=\"([^\"]+)\"", html)
    return match.group(1) if match else None


def test_a_visitor_without_preferences_is_sent_to_the_french_site(client):
    response = client.get("/", secure=True)

    assert response.status_code == 302
    assert response.headers["Location"] == "/fr/"


def test_a_visitor_whose_browser_prefers_english_is_sent_to_the_english_site(client):
    response = client.get("/", secure=True, headers={"accept-language": "en-CA,en;q=0.9"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"


def test_the_french_home_page_is_in_french(client):
    response = client.get("/fr/", secure=True)
    html = response.content.decode()

    assert response.status_code == 200
    assert html_lang(html) == "fr"
    assert "Urgence" in html
    assert "Emergency? Call 911." not in html


def test_the_english_home_page_is_in_english(client):
    response = client.get("/en/", secure=True)
    html = response.content.decode()

    assert response.status_code == 200
    assert html_lang(html) == "en"
    assert "Emergency? Call 911." in html


def test_the_sectors_path_is_english_on_the_english_site():
    with override("en"):
        url = reverse("public:sectors")
        view = resolve(url).func

    assert url == "/en/sectors/"
    assert view == views.sectors


def test_the_sectors_path_is_translated_on_the_french_site():
    with override("fr"):
        url = reverse("public:sectors")
        view = resolve(url).func

    assert url == "/fr/secteurs/"
    assert view == views.sectors


def test_the_french_sectors_page_is_served_at_its_french_path(client):
    with override("fr"):
        url = reverse("public:sectors")

    response = client.get(url, secure=True)

    assert response.status_code == 200
    assert html_lang(response.content.decode()) == "fr"


def test_the_language_switch_moves_to_the_same_page_in_english_and_remembers_the_choice(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/fr/"}, secure=True)

    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"

    # The remembered choice now wins over the French default.
    assert client.get("/", secure=True).headers["Location"] == "/en/"


def test_the_language_switch_translates_the_page_path(client):
    with override("fr"):
        french = reverse("public:sectors")
    with override("en"):
        english = reverse("public:sectors")

    response = client.post(reverse("set_language"), {"language": "en", "next": french}, secure=True)

    assert response.status_code == 302
    assert response.headers["Location"] == english


def test_every_page_offers_the_switch_to_the_other_language(client):
    html = client.get("/fr/", secure=True).content.decode()

    assert f'action="{reverse("set_language")}"' in html
    assert re.search(r'<button[^>]*name="language"[^>]*value="en"', html)
    assert not re.search(r'<button[^>]*name="language"[^>]*value="fr"', html)
