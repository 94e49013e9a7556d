"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Only requests to the live server go out; map tiles and anything else on the network are blocked, so the
tests neither depend on nor reach the internet.
"""

import shutil
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_page(page, live_server, settings):
    """A page that may only talk to the live server, and that records console errors and CSP violations."""
    # The live server serves static files from the finders, by their plain names (no manifest hashing).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    local = urlparse(live_server.url).netloc

    def only_local(route):
        if urlparse(route.request.url).netloc == local:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_local)
    page.problems = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "net::ERR_FAILED" not in message.text
            and page.problems.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page
