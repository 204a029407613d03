from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    """What citizens write to the OPDs, gathered into one inbox."""

    name = "aspirations"
    verbose_name = _("Aspirations")
