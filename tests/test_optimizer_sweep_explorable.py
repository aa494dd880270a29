"""Lab 7's site explorable (kind "optimizer-sweep"): the committed grid equals fresh runs of the notebook panel's
functions, its status lines are the panel's, and the final accuracies it holds are section 3's sweep (every seed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sgd_reference.labs import explorable_data
from sgd_reference.labs import optimizer_comparison as lab

DATA = Path(__file__).resolve().parents[1] / "book" / "_ext" / "explore_data" / "optimizer-sweep.json"


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _point(data: dict, optimizer: str, lr: float, seed: int) -> dict:
    return data["points"][explorable_data.point_index(data, dict(optimizer=optimizer, lr=lr, seed=seed))]


def test_grid_layout_is_the_generators(data):
    assert data["kind"] == "optimizer-sweep"
    assert data["controls"] == explorable_data.rounded(lab.explorable_controls())
    assert len(data["points"]) == len(lab.NAMES) * len(lab.EXPLORABLE_LRS) * len(lab.SWEEP_SEEDS)
    assert set(lab.SWEEP_LRS[lab.ADAM]) | set(lab.SWEEP_LRS[lab.SGD_MOMENTUM]) <= set(lab.EXPLORABLE_LRS)
    assert data["steps"] == lab.SWEEP_STEPS and data["good_margin"] == lab.GOOD_MARGIN
    assert len(DATA.read_bytes()) < 150_000


# Points that are the same on every CPU kernel path (float64): the usual settings, a few seeds, and divergences.
FRESH = [dict(optimizer=lab.ADAM, lr=1e-3, seed=0), dict(optimizer=lab.SGD_MOMENTUM, lr=0.03, seed=3),
         dict(optimizer=lab.SGD_PLAIN, lr=0.1, seed=1), dict(optimizer=lab.SGD_MOMENTUM, lr=10.0, seed=0),
         dict(optimizer=lab.ADAM, lr=10.0, seed=4)]


@pytest.mark.parametrize("settings", FRESH, ids=lambda s: "-".join(map(str, s.values())))
def test_committed_points_equal_a_fresh_run(data, settings):
    assert _point(data, **settings) == explorable_data.point("optimizer-sweep", settings)


def test_status_lines_are_the_panels(data):
    for settings in FRESH:
        _, text = lab.render_comparison(settings["optimizer"], settings["lr"], lab.SWEEP_STEPS, settings["seed"])
        assert _point(data, **settings)["text"] == text
    assert "발산" in _point(data, lab.SGD_MOMENTUM, 10.0, 0)["text"]


def test_the_final_accuracies_are_section_3s_sweep_for_every_seed(data):
    """The sweep panel reads each point's last accuracy: it must be the lab's lr_sweep (eval only at the end)."""
    for name in lab.SWEEP_LRS:
        for seed in lab.SWEEP_SEEDS:
            sweep = lab.lr_sweep(name, seed=seed)
            stored = [_point(data, name, lr, seed) for lr in sweep.lrs]
            finals = [None if p["diverged_at"] is not None else p["acc"][-1] for p in stored]
            assert finals == explorable_data.rounded(list(sweep.accuracies)), (name, seed)
