from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PpidConfig(AppConfig):
    """Public information: the catalogue, requests and objections."""

    name = "ppid"
    verbose_name = _("Public information (PPID)")
