from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeatsConfig(AppConfig):
    name = "beats"
    verbose_name = _("Sectors")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
