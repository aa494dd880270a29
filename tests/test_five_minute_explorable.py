"""Lab 2's site explorable (kind "five-minute"): the committed grid equals fresh runs of the notebook panel's functions,
its evaluation steps are the runs' own, and the page's summary line is render_comparison's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sgd_reference.labs import explorable_data
from sgd_reference.labs import five_minute as lab

DATA = Path(__file__).resolve().parents[1] / "book" / "_ext" / "explore_data" / "five-minute.json"


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_grid_layout_is_the_generators(data):
    assert data["kind"] == "five-minute"
    assert data["controls"] == explorable_data.rounded(lab.explorable_controls())
    shared = explorable_data.rounded(lab.explorable_shared())
    assert {k: data[k] for k in shared} == shared
    assert len(data["points"]) == 16 * 2 * 2 * 2
    assert {1e-2, 1e-1, 10.0} <= set(data["controls"][0]["values"])  # the document's two η and the widget's maximum


# Cheap points (a second or two each): the document's own run, a learnable-task run, and two that blow up.
FRESH = [dict(lr=1e-2, momentum=0.9, steps=20, mode=lab.RANDOM),
         dict(lr=0.1, momentum=0.0, steps=20, mode=lab.LEARNABLE),
         dict(lr=10.0, momentum=0.9, steps=200, mode=lab.LEARNABLE),
         dict(lr=10.0, momentum=0.0, steps=200, mode=lab.RANDOM)]


@pytest.mark.parametrize("settings", FRESH, ids=lambda s: "-".join(map(str, s.values())))
def test_committed_points_equal_a_fresh_run(data, settings):
    stored = data["points"][explorable_data.point_index(data, settings)]
    fresh = explorable_data.rounded(lab.explorable_point(**settings))
    assert stored == fresh, f"five-minute {settings}: the committed grid is stale; run make explore-data"
    eval_steps = data["eval_steps"][f"{settings['mode']}-{settings['steps']}"]
    assert len(stored["right"]) <= len(eval_steps)


def test_the_documents_run_is_on_the_grid(data):
    """The grid's 20-step random-data run at η = 0.01 has the losses the notebook prints (2.2719 → 2.321)."""
    stored = data["points"][explorable_data.point_index(data, dict(lr=1e-2, momentum=0.9, steps=20, mode=lab.RANDOM))]
    assert stored["loss"][0] == 2.272 and stored["loss"][-1] == 2.321 and len(stored["right"]) == 21


def test_eval_steps_are_the_runs_own():
    assert lab.explorable_eval_steps(lab.RANDOM, 20) == lab.run_random(0.1, 20).eval_steps
    assert lab.explorable_eval_steps(lab.LEARNABLE, 20) == lab.run_learnable(0.1, 20, eval_every=1).eval_steps
    assert lab.explorable_eval_steps(lab.RANDOM, 200)[:3] == [0, 2, 4]
    assert lab.explorable_eval_steps(lab.LEARNABLE, 200) == list(range(10, 201, 10))


def test_page_summary_is_render_comparisons(data):
    """The page writes "<mode>, 모멘텀 <μ>, <steps>스텝 — <first> | <second>" from the points' texts."""
    _, text = lab.render_comparison(1e-2, 10.0, momentum=0.9, steps=20, mode=lab.RANDOM)
    first, second = (data["points"][explorable_data.point_index(data, dict(lr=lr, momentum=0.9, steps=20,
                                                                            mode=lab.RANDOM))]
                     for lr in (1e-2, 10.0))
    assert text == f"{data['mode_names'][lab.RANDOM]}, 모멘텀 0.9, 20스텝 — {first['text']} | {second['text']}"
    assert "발산" in second["text"] and second["diverged"]
