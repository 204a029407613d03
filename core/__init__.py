"""The ground floor: plumbing every app shares.

Nothing here imports an app of the portal (``opds``, ``ppid``,
``socialposts``, ``evaluations``) or ``config``; the import-linter contracts
in ``pyproject.toml`` hold that. What lives here knows HTTP, the database,
files and Celery, never the law or the OPDs.
"""
