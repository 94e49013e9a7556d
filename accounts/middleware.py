from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# What a signed-in staff member may open before giving the code: the admin's login and logout pages.
_OPEN_BEFORE_SECOND_FACTOR = {"admin:login", "admin:logout"}
_STAFF_NAMESPACES = {"admin", "staff"}


class StaffSecondFactorMiddleware:
    """With STAFF_REQUIRE_TWO_FACTOR, a password alone opens no staff page.

    A staff member who has not given a code (request.user.is_verified(), set by django-otp's OTPMiddleware
    from the session) is sent to the code page from every admin and staff page (the "admin" and "staff" URL
    namespaces, so new staff pages are covered without a decorator), and is anonymous everywhere else (an
    unpublished officer's photo, the API's staff-only answers). The verification lives in the session, so
    the session's idle and absolute limits end it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.STAFF_REQUIRE_TWO_FACTOR or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # without a session nobody is signed in (and request.user stays unread: no Vary)
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return None
        match = request.resolver_match
        if "two_factor" in match.namespaces or match.view_name in _OPEN_BEFORE_SECOND_FACTOR:
            return None
        if _STAFF_NAMESPACES.intersection(match.namespaces):
            code_page = reverse("two_factor:verify")
            return redirect(f"{code_page}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        request.user = AnonymousUser()
        return None
