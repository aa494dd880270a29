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

# The tests use tiny tensors: extra OpenMP threads only spin and wait (10x slower on a busy 2-core box).
# Same setting as `make test` (OMP_NUM_THREADS=1); results do not depend on it.
import torch  # noqa: E402

torch.set_num_threads(1)
