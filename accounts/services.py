"""The second factor's writes: enrol an authenticator app, check a code, reset a user's devices.

Codes are never logged nor stored: django-otp keeps the TOTP secret and the recovery codes, and counts wrong
codes on each device (each failure doubles the wait before the next try: 1, 2, 4, 8… seconds).
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

import django_otp
from django.contrib.auth.models import User
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
_SEPARATORS = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class CodeCheck:
    """What checking a code gave: the device that accepted it, or when the next try is allowed."""

    device: Device | None = None
    retry_at: datetime | None = None

    @property
    def is_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def normalise_code(code: str) -> str:
    """ "123 456", "abcd-efgh" and "ABCD EFGH" as typed, in the form the devices store them."""
    return _SEPARATORS.sub("", code).lower()


def totp_device_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def totp_device_start(*, user: User) -> TOTPDevice:
    """The device being enrolled: the same unconfirmed one until it is confirmed, so a reload keeps the QR."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a code from the app; then replace the recovery codes and return them.

    None when the code is wrong (or the device waits after wrong codes). The new recovery codes are only
    ever returned here, to be shown once.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(normalise_code(code)):
        logger.warning("second factor enrolment: wrong code for user %s", device.user.get_username())
        return None
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_replace(user=device.user)
    logger.info("second factor enrolled: user %s", device.user.get_username())
    return codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def second_factor_check(*, user: User, code: str) -> CodeCheck:
    """Six digits are checked against the authenticator app, anything else against the recovery codes.

    A recovery code works once (django-otp deletes it when it is used).
    """
    token = normalise_code(code)
    model = TOTPDevice if re.fullmatch(r"\d{6}", token) else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(retry_at=(details or {}).get("locked_until"))
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return CodeCheck(device=verified)
    return CodeCheck()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def second_factor_reset(*, user: User, by: User | None) -> None:
    """Remove every device of a user (lost phone): the next sign-in enrols a new authenticator app."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    logger.warning(
        "second factor reset: user %s by %s", user.get_username(), by.get_username() if by else "-"
    )
