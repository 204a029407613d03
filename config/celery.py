"""The Celery application shared by the web process, workers and beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Every module of tasks: the apps' own (``<app>.tasks``) and those of their
# sub-domains. tests/config/test_architecture.py fails on one left out.
TASK_PACKAGES = [
    "core",
    "ppid.catalogue",
    "ppid.requests",
    "ppid.reports",
    "socialposts.pulls",
    "socialposts.imports",
    "aspirations.inbox",
    "aspirations.replies",
    "aspirations.channels",
    "evaluations",
]

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(TASK_PACKAGES)
