import logging
import time

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

_LOGIN_AT = "_proximity_login_at"


class StaffSessionLifetimeMiddleware:
    """End an authenticated session a fixed time after login, however active it stays.

    The idle limit is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST); this adds the
    absolute limit that the security checklist asks for (ASVS 3.3).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session yet: nobody to sign out. Not reading request.user keeps the session unread, so that
            # public answers (the API's above all) do not vary on Cookie and stay cacheable.
            response = self.get_response(request)
            self._stamp_new_login(request)
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(_LOGIN_AT)
            if started is not None and time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        response = self.get_response(request)
        self._stamp_new_login(request)
        return response

    @staticmethod
    def _stamp_new_login(request):
        # After the view, so that the login request itself starts the clock. A request without a session
        # cookie has a signed-in user only if its view just signed them in (which modifies the session).
        session = getattr(request, "session", None)
        if session is None:
            return
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and not session.modified:
            return
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and _LOGIN_AT not in session:
            session[_LOGIN_AT] = time.time()


class DatabaseOutageMiddleware:
    """A database that cannot be reached gives a 503 page that still shows 911, not a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("database unavailable: %s", type(exception).__name__)
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "60"
            return response
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, which leaves alone a response that already carries its own policy.

    django-csp builds the site's policy for every response before looking whether the response has one; the
    API sets a stricter fixed policy of its own (public/endpoint.py), so building the page policy there is
    wasted work on the busiest path.
    """

    def process_response(self, request, response):
        if HEADER in response and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
            return response
        return super().process_response(request, response)
