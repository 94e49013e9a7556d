"""The code page and the enrolment page that follow the admin's password login.

A wrong code is a failed login for django-axes (same limit and cool-off as wrong passwords), and the
device itself makes each next try wait longer. Both pages look like the admin's login page.
"""

import logging
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import services
from .forms import CodeForm

logger = logging.getLogger(__name__)


def _next_url(request) -> str:
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:index")


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def _page(request, template: str, **context):
    # The admin's look without its menus: nothing beyond this page is reachable yet.
    return render(
        request,
        template,
        {
            **admin.site.each_context(request),
            "has_permission": False,
            "is_nav_sidebar_enabled": False,
            "available_apps": [],
            "next": _next_url(request),
            **context,
        },
    )


def _gate(request):
    """A redirect when this user has no business here, else None."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return redirect(_with_next("admin:login", _next_url(request)))
    if user.is_verified():
        return redirect(_next_url(request))
    return None


def _signed_in_with(request, device) -> None:
    django_otp.login(request, device)
    # A new session id once both factors are in, as at any change of privilege.
    request.session.cycle_key()


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    if refused := _gate(request):
        return refused
    user = request.user
    if services.totp_device_of(user) is None:
        return redirect(_with_next("two_factor:enrol", _next_url(request)))

    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return get_lockout_response(request, None, credentials)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.second_factor_check(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            _signed_in_with(request, check.device)
            method = "recovery code" if check.is_recovery_code else "authenticator app"
            logger.info("second factor accepted: user %s, %s", user.get_username(), method)
            if check.is_recovery_code:
                left = services.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(count)d is left. Each works only once.",
                        "You signed in with a recovery code; %(count)d are left. Each works only once.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
        if check.retry_at is not None:
            seconds = max(1, int((check.retry_at - timezone.now()).total_seconds()) + 1)
            logger.warning("second factor refused: user %s, waiting after wrong codes", user.get_username())
            form.add_error(
                None,
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second before trying again.",
                    "Too many wrong codes. Wait %(seconds)d seconds before trying again.",
                    seconds,
                )
                % {"seconds": seconds},
            )
        else:
            logger.warning("second factor refused: user %s, wrong code", user.get_username())
            # Counted by django-axes as a failed login: five lock the account like five wrong passwords.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return get_lockout_response(request, None, credentials)
            form.add_error(
                "code", _("This code is not valid. Check your app's clock, or use a recovery code.")
            )
    return _page(request, "admin/two_factor/verify.html", form=form, title=_("Second step: code"))


def _qr_svg(data: str, label: str) -> str:
    """The QR code as an inline SVG image (drawn here: the secret never leaves the server)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=12)
    svg = image.to_string(encoding="unicode")
    # The image is ours (only the path data varies), so it is safe; only the label comes from outside.
    return mark_safe(svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1))  # noqa: S308


@never_cache
@sensitive_post_parameters("code")
def enrol(request):
    if refused := _gate(request):
        return refused
    user = request.user
    # Replacing a working device takes the code it gives (or an administrator's reset), never a password alone.
    if services.totp_device_of(user) is not None:
        return redirect(_with_next("two_factor:verify", _next_url(request)))

    device = services.totp_device_start(user=user)
    form = CodeForm(request.POST or None, recovery_allowed=False)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            _signed_in_with(request, device)
            return _page(
                request,
                "admin/two_factor/recovery_codes.html",
                codes=codes,
                title=_("Your recovery codes"),
            )
        form.add_error("code", _("This code is not valid. Check that your device's clock is right."))

    secret = b32encode(device.bin_key).decode()
    return _page(
        request,
        "admin/two_factor/enrol.html",
        form=form,
        title=_("Set up your second factor"),
        qr_code=_qr_svg(device.config_url, _("QR code to scan with your authenticator app")),
        secret_groups=[secret[start : start + 4] for start in range(0, len(secret), 4)],
    )
