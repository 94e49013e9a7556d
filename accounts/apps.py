from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        # django-otp's model names are plain English. Only the display names change here: migrations read
        # Meta's original attributes, so this creates no migration in django-otp's apps.
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        apps.get_app_config("otp_totp").verbose_name = _("Second factor: authenticator apps")
        apps.get_app_config("otp_static").verbose_name = _("Second factor: recovery codes")
        TOTPDevice._meta.verbose_name = _("authenticator app")
        TOTPDevice._meta.verbose_name_plural = _("authenticator apps")
        StaticDevice._meta.verbose_name = _("recovery code set")
        StaticDevice._meta.verbose_name_plural = _("recovery code sets")
