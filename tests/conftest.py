"""Shared pytest set-up for the core tests: moderate hypothesis budgets, no deadlines (CPU timing jitter)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "core",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("core")
