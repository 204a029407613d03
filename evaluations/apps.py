from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    """Monthly KIP-readiness scores of every OPD."""

    name = "evaluations"
    verbose_name = _("Evaluations")
