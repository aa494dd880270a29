"""Lab 8's site explorable (kind "schedule"): the committed grid equals fresh runs of the notebook panel's functions,
the page's status line is the panel's, and the grid holds the lab's own experiment (η = 1 with and without warmup)
and a divergence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sgd_reference.labs import explorable_data
from sgd_reference.labs import recipe as lab

DATA = Path(__file__).resolve().parents[1] / "book" / "_ext" / "explore_data" / "schedule.json"


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_grid_layout_is_the_generators(data):
    assert data["kind"] == "schedule"
    assert data["controls"] == explorable_data.rounded(lab.explorable_controls())
    assert len(data["points"]) == len(lab.SCHEDULES) * len(lab.EXPLORABLE_LRS) * len(lab.EXPLORABLE_WARMUPS)
    assert {lab.BASE_LR, lab.LARGE_LR, 10.0} <= set(data["controls"][1]["values"])  # the recipe, section 2, the slider's max
    assert data["base"] == explorable_data.rounded(lab._explorable_series(lab.run_recipe()))
    assert len(DATA.read_bytes()) < 150_000


# Runs that are the same on every CPU kernel path (float64, not the chaotic η ≥ 2 ones): the recipe itself, the lab's
# section-2 pair at η = 1, a constant schedule, and a divergence at the slider's maximum.
FRESH = [dict(schedule=lab.WARMUP_COSINE, base_lr=0.01, warmup_epochs=3),
         dict(schedule=lab.WARMUP_COSINE, base_lr=1.0, warmup_epochs=0),
         dict(schedule=lab.CONSTANT, base_lr=0.1, warmup_epochs=1),
         dict(schedule=lab.CONSTANT, base_lr=10.0, warmup_epochs=0)]


@pytest.mark.parametrize("settings", FRESH, ids=lambda s: "-".join(map(str, s.values())))
def test_committed_points_equal_a_fresh_run(data, settings):
    stored = data["points"][explorable_data.point_index(data, settings)]
    assert stored == explorable_data.point("schedule", settings)


def test_status_line_is_the_panels_and_says_divergence(data):
    for settings in FRESH:
        _, text = lab.render_recipe(**settings)
        assert data["points"][explorable_data.point_index(data, settings)]["text"] == text
    diverged = data["points"][explorable_data.point_index(data, FRESH[-1])]
    assert diverged["diverged_at"] is not None and "발산" in diverged["text"]


def test_the_sampled_lr_is_the_schedule_the_run_used(data):
    run = lab.run_recipe(1.0, 0)
    point = data["points"][explorable_data.point_index(data, FRESH[1])]
    n = len(run.log.lrs)
    steps = sorted(set(range(0, n, lab.EXPLORABLE_LR_EVERY)) | {n - 1})
    assert point["lr"] == explorable_data.rounded([run.log.lrs[i] for i in steps])
    assert point["lr"][0] == 1.0  # no warmup: the first step already uses the peak
    assert point["head"] == explorable_data.rounded(run.log.losses[:lab.EXPLORABLE_HEAD])  # section 2's figure
    assert max(point["head"]) == explorable_data.rounded(lab.first_steps_peak(run))  # the status line's spike (7.26)


def test_warmup_removes_the_spike_in_the_grid_as_in_the_lab(data):
    """Section 2's comparison, read from the grid: the η = 1 status lines give the same peaks the lab prints."""
    cold = data["points"][explorable_data.point_index(data, FRESH[1])]["text"]
    warm = data["points"][explorable_data.point_index(
        data, dict(schedule=lab.WARMUP_COSINE, base_lr=1.0, warmup_epochs=lab.WARMUP_EPOCHS))]["text"]
    assert f"최대 손실 {lab.first_steps_peak(lab.run_recipe(1.0, 0)):.2f}" in cold
    assert f"최대 손실 {lab.first_steps_peak(lab.run_recipe(1.0, lab.WARMUP_EPOCHS)):.2f}" in warm
