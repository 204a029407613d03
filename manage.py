#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # manage.py is the developer's tool: without a say-so it runs in DEBUG,
    # as cookiecutter-django's local settings do. The servers (config/wsgi.py,
    # the Celery worker and beat) keep the secure default, DEBUG off.
    os.environ.setdefault("DEBUG", "True")
    from django.core.management import execute_from_command_line

    from config.env import EnvError

    try:
        execute_from_command_line(sys.argv)
    except EnvError as exc:
        # A deployment mistake, not a bug: name the variable, skip the traceback.
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
