from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    """Monthly KIP-readiness scores of every OPD."""

    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        from core import runs as durable
        from evaluations import infographics, runs, services, tasks
        from evaluations.models import ReportRun
        from socialposts.infographics import services as infographic_services

        durable.register(
            durable.Kind(
                model=ReportRun,
                task=tasks.build_report_task,
                execute=services.build_run,
                timeout=runs.timeout,
                max_attempts=runs.MAX_ATTEMPTS,
                select_related=("requested_by",),
            )
        )
        # The KIP-readiness and ranking cards are drawn by socialposts, from
        # the final months of this app.
        infographic_services.register_month_cards(infographics.MONTH_CARDS)
