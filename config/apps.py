from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The roof: settings, the staff dashboard and the staff work cache's
    signals (config/work_signals.py) and navbar entry (config/staff_cache.py)."""

    name = "config"

    def ready(self) -> None:
        from config import staff_cache, work_signals
        from core import work

        work_signals.connect()
        if staff_cache.navbar_companion not in work.COMPANIONS:
            work.COMPANIONS.append(staff_cache.navbar_companion)
