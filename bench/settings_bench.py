"""The portal's settings plus a trivial floor view (see bench/urls_floor.py).

Everything else, including the middleware, comes from ``config.settings`` and
the environment, so the benchmark measures the production configuration.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_floor"
