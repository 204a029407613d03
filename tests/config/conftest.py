"""The staff dashboard (config.dashboard) shows an OPD's latest evaluation:
its tests use the evaluation's fixtures."""

from tests.evaluations.conftest import dinkominfo, on, opds  # noqa: F401
