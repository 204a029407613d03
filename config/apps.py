from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The roof: settings, the staff dashboard and the staff work cache's
    signals (config/work_signals.py)."""

    name = "config"

    def ready(self) -> None:
        from config import work_signals

        work_signals.connect()
