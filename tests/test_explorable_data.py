"""The precomputed grids of the site's explorables (book/_ext/explore_data) are current: a few grid points, run fresh
with sgd_reference, equal the committed file; and the generator's pieces behave (rounding, layout, bad kinds)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from sgd_reference import validation
from sgd_reference.labs import explorable_data

DATA_DIR = Path(__file__).resolve().parents[1] / "book" / "_ext" / "explore_data"

# A few points per kind, spread over the grid (corners and the notebook's start value); each is a few seconds' run.
FRESH = {
    "weight-decay": [dict(weight_decay=1e-2, momentum=0.9, mode="coupled"),
                     dict(weight_decay=0.1, momentum=0.0, mode="decoupled")],
    "debug-run": [dict(lr_multiplier=1.0, momentum=0.9, clip=False, warmup=False),
                  dict(lr_multiplier=100.0, momentum=0.99, clip=True, warmup=True)],  # diverges even clipped
    "five-minute": [dict(lr=1e-2, momentum=0.9, steps=20, mode="random")],  # more in test_five_minute_explorable.py
    "schedule": [dict(schedule="constant", base_lr=1.0, warmup_epochs=3)],  # more in test_schedule_explorable.py
    "optimizer-sweep": [dict(optimizer="sgd", lr=1e-2, seed=2)],  # more in test_optimizer_sweep_explorable.py
    # (128, 64) fails (validation worse than before training) the same way on every CPU path; (64, 64) blows up
    # chaotically, so its numbers are only the generic path's (tools/explorable_data.py pins it). More in test_batch_noise.
    "minibatch-noise": [dict(batch_size=512, lr_multiplier=16.0), dict(batch_size=128, lr_multiplier=64.0)],
    # Its rounding-level differences depend on the CPU kernels: its fresh runs are on the generator's pinned path, in
    # tests/test_data_parallel_explorable.py (here only the controls are compared).
    "data-parallel": [],
    # Counted bytes at a chosen bandwidth (nothing trained or timed): two corners. More in test_step_cost.py.
    "step-cost": [dict(parameters=11_689_512, bandwidth=20, config="sgd_momentum_wd", dtype="float32"),
                  dict(parameters=7_000_000_000, bandwidth=5000, config="adam", dtype="bfloat16")],
}


def _data(kind: str) -> dict:
    return json.loads((DATA_DIR / f"{kind}.json").read_text(encoding="utf-8"))


def test_every_kind_has_fresh_points_to_check():
    assert set(FRESH) == set(explorable_data.GRIDS)


@pytest.mark.parametrize("kind", sorted(FRESH))
def test_committed_grid_equals_a_fresh_run(kind):
    data = _data(kind)
    module = explorable_data.GRIDS[kind]
    assert data["controls"] == explorable_data.rounded(module.explorable_controls()), \
        f"{kind}: the grid's controls changed; run make explore-data"
    for settings in FRESH[kind]:
        fresh = explorable_data.point(kind, settings)
        stored = data["points"][explorable_data.point_index(data, settings)]
        assert stored == fresh, f"{kind} {settings}: the committed grid is stale; run make explore-data"


def test_rounding_is_to_significant_digits_and_json_safe():
    assert explorable_data.rounded(13.174999) == 13.17
    assert explorable_data.rounded(0.000123456) == 0.0001235
    assert explorable_data.rounded({"a": [1.0 / 3, math.inf, math.nan, None, 3, "글", True]}) == \
        {"a": [0.3333, None, None, None, 3, "글", True]}
    with pytest.raises(TypeError):
        explorable_data.rounded(object())


def test_dumps_is_compact_json_one_point_a_line():
    data = {"kind": "k", "controls": [{"name": "a", "values": [1, 2]}], "points": [{"text": "가"}, {"text": "나"}]}
    text = explorable_data.dumps(data)
    assert json.loads(text) == data
    assert text.count("\n") == 4 and "가" in text  # head, one line per point, the closing line


def test_point_index_is_row_major_in_the_controls_order():
    data = {"controls": [{"name": "a", "values": [1, 2, 3]}, {"name": "b", "values": ["x", "y"]}]}
    assert [explorable_data.point_index(data, {"a": a, "b": b}) for a in (1, 2, 3) for b in "xy"] == list(range(6))


def test_unknown_kind_is_a_korean_error():
    with pytest.raises(validation.InvalidArgument, match="explorable 종류"):
        explorable_data.generate("spiral")
