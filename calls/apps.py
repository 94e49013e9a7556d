from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("911 calls")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
