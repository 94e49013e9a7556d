"""HTTP security headers, cookies and the TLS redirect, as a browser receives them over https."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import override

from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

PAGES = [
    ("public:home", "fr"),
    ("public:home", "en"),
    ("public:sectors", "fr"),
    ("public:sectors", "en"),
    ("public:events", "fr"),
    ("public:events", "en"),
    ("api:sector-features", "fr"),
    ("admin:login", "fr"),
    ("admin:login", "en"),
]
HTML_PAGES = [page for page in PAGES if not page[0].startswith("api:")]


def url_of(name: str, language: str) -> str:
    with override(language):
        return reverse(name)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@pytest.mark.parametrize(("name", "language"), PAGES)
def test_every_page_is_served_with_the_security_headers(client, name, language):
    response = client.get(url_of(name, language), secure=True)

    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    csp = csp_directives(response.headers["Content-Security-Policy"])
    if name.startswith("api:"):
        assert csp["default-src"] == ["'none'"]  # JSON: nothing may load from it
    else:
        assert csp["default-src"] == ["'self'"]
        assert "script-src" in csp
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]

    hsts = response.headers["Strict-Transport-Security"]
    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age and int(max_age.group(1)) >= 31536000

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers.get("Referrer-Policy")
    assert response.headers["X-Frame-Options"] == "DENY"


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
JSON_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(?:[a-z+.-]+\+)?json\b""", re.IGNORECASE)
SRC = re.compile(r"""\bsrc\s*=\s*["']?[^\s"'>]""", re.IGNORECASE)


def inline_scripts(html: str) -> list[str]:
    """Every <script> tag that would execute code written in the page itself."""
    return [
        tag.group(0)
        for tag in SCRIPT_TAG.finditer(html)
        if not JSON_TYPE.search(tag.group(1)) and not SRC.search(tag.group(1))
    ]


def test_the_inline_script_detector_finds_what_the_policy_forbids():
    assert inline_scripts("<script>alert(1)</script>") == ["<script>"]
    assert inline_scripts('<SCRIPT nonce="x">') == ['<SCRIPT nonce="x">']
    assert inline_scripts('<script src="/static/a.js"></script>') == []
    assert inline_scripts('<script type="application/json" id="c">{}</script>') == []


@pytest.mark.parametrize(("name", "language"), HTML_PAGES)
def test_no_page_carries_an_inline_script(client, name, language):
    response = client.get(url_of(name, language), secure=True)

    assert response.status_code == 200
    assert inline_scripts(response.content.decode()) == []


def test_after_signing_in_over_https_the_session_and_csrf_cookies_are_secure_and_http_only(
    client, make_staff
):
    user = make_staff("guard")
    login_url = reverse("admin:login")
    client.get(login_url, secure=True)

    response = client.post(
        login_url,
        {"username": user.username, "password": STAFF_PASSWORD, "next": reverse("admin:index")},
        secure=True,
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies[name]
        assert cookie.value, name
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    url = url_of("public:home", "fr")

    response = client.get(url, secure=False)

    assert response.status_code == 301
    assert response.headers["Location"] == f"https://testserver{url}"
