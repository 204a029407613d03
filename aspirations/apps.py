from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    """What citizens write to the OPDs, gathered into one inbox."""

    name = "aspirations"
    verbose_name = _("Aspirations")

    def ready(self) -> None:
        # The inbox reads the channels' reply windows and the triage's
        # topics through hooks: its siblings stand on it, so it may not
        # import them. Each is optional: the case page shows nothing of a
        # sub-package that is absent.
        from aspirations.inbox import services

        try:
            from aspirations.channels.windows import reply_windows
        except ImportError:
            pass
        else:
            services.register("windows", reply_windows)
        try:
            from aspirations.triage.topics import TOPICS
        except ImportError:
            pass
        else:
            services.register(
                "topics", lambda: [(topic.code, topic.name) for topic in TOPICS]
            )
