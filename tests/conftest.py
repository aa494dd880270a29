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
# CI (CI=true, as .ci/run and most CI services set it): four times the examples, since the property tests are cheap
# (25 -> 100 examples adds a few seconds to the unit stage), and derandomised, so a CI failure comes back on every
# run and on a developer's machine with the same CI=true, and no example database on a clean clone.
settings.register_profile(
    "ci",
    parent=settings.get_profile("core"),
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "100")),
    derandomize=True,
    database=None,
)
settings.load_profile("ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "core")

# The tests use tiny tensors: extra OpenMP threads only spin and wait (10x slower on a busy 2-core box).
# Same setting as `make test` (OMP_NUM_THREADS=1); results do not depend on it.
import torch  # noqa: E402

torch.set_num_threads(1)
