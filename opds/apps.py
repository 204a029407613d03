from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpdsConfig(AppConfig):
    """The OPD registry, users and their roles."""

    name = "opds"
    verbose_name = _("Regional agencies")

    def ready(self) -> None:
        from opds import audit

        audit.connect()
