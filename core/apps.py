from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Installed so that Celery finds the durable-run sweeper in ``core.tasks``."""

    name = "core"
    verbose_name = _("Shared plumbing")
