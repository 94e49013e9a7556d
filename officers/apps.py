from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    name = "officers"
    verbose_name = _("Officers and coverage")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers that move the coverage version)
