from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialpostsConfig(AppConfig):
    """OPD social-media accounts, posts and their insight metrics."""

    name = "socialposts"
    verbose_name = _("Social media")

    def ready(self) -> None:
        from django.core import checks

        from core import runs
        from socialposts import checks as social_checks
        from socialposts.imports import services as imports
        from socialposts.imports import tasks as import_tasks
        from socialposts.imports.models import ImportJob
        from socialposts.pulls import services as pulls
        from socialposts.pulls import tasks as pull_tasks
        from socialposts.pulls.models import IngestionRun

        checks.register(social_checks.graph_version)
        runs.register(
            runs.Kind(
                model=IngestionRun,
                task=pull_tasks.pull_account_task,
                execute=pulls.execute,
                timeout=pulls.timeout,
                max_attempts=pulls.MAX_ATTEMPTS,
                select_related=("account",),
                on_finish=pulls.mark_fresh,
                # A database that went away is tried again, as the old pull
                # task left such a run to the sweeper.
                retry_errors=True,
            )
        )
        runs.register(
            runs.Kind(
                model=ImportJob,
                task=import_tasks.import_csv_task,
                execute=imports.execute,
                timeout=imports.timeout,
                max_attempts=imports.IMPORT_ATTEMPTS,
                select_related=("account__opd", "uploaded_by"),
                on_give_up=imports.give_up,
                on_skip=imports.discard_skipped,
            )
        )
