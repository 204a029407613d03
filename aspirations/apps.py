from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    """What citizens write to the OPDs, gathered into one inbox."""

    name = "aspirations"
    verbose_name = _("Aspirations")

    def ready(self) -> None:
        from aspirations.inbox import services
        from aspirations.replies import tasks

        # The inbox queues replies; the replies package sends them.
        services.register("send", tasks.send_reply_task.delay)
