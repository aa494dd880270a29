"""Lab 10's site explorable (kind "data-parallel"): the committed grid equals fresh runs of the lab's own functions
(real DDP ranks from distributed.launch against one process), its curves are the notebook's linear-scaling runs, and
what the figure claims (bit-equal for one worker, rounding-level for more, 발산 at the extreme) holds in the data."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from sgd_reference import distributed, validation
from sgd_reference.labs import data_parallel as lab
from sgd_reference.labs import explorable_data

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "book" / "_ext" / "explore_data" / "data-parallel.json"


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _stored(data: dict, **settings) -> dict:
    return data["points"][explorable_data.point_index(data, settings)]


def test_grid_layout_is_the_generators(data):
    assert data["kind"] == "data-parallel"
    assert data["controls"] == explorable_data.rounded(lab.explorable_controls())
    assert len(data["points"]) == len(lab.EXPLORABLE_WORKERS) * len(lab.LR_RULES) * len(lab.EXPLORABLE_BASE_LRS)
    assert data["samples"] == list(range(0, 4 * 512 + 1, 64)) and data["data_size"] == lab.SCALING_SAMPLES
    assert data["tolerance"] == {"float64": 1e-15, "float32": 1e-6}
    for point in data["points"]:
        assert len(point["loss"]) == len(point["diff_float64"]) == len(point["diff_float32"]) == len(data["samples"])


# A fresh run on the path the generator pins (torch's generic CPU kernels, one thread): the rounding-level differences
# (float32 above all) depend on the kernels, so the grid is defined, and checked, on that one path.
FRESH = [dict(workers=4, rule="sqrt", base_lr=0.05), dict(workers=1, rule="fixed", base_lr=0.1)]  # the 2nd diverges
FRESH_SCRIPT = """
import json, sys, torch
torch.set_num_threads(1)
from sgd_reference.labs import explorable_data
print(json.dumps([explorable_data.point("data-parallel", s) for s in json.loads(sys.argv[1])], ensure_ascii=False))
"""


def test_committed_points_equal_a_fresh_run_on_the_generators_path(data):
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "default", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", FRESH_SCRIPT, json.dumps(FRESH)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for settings, fresh in zip(FRESH, json.loads(done.stdout)):
        assert _stored(data, **settings) == fresh, f"{settings}: the committed grid is stale; run make explore-data"


def test_the_figures_curves_are_the_notebooks_linear_scaling_runs(data):
    """Every 8th recorded loss (the epoch ends) of the grid is the lab's table, run fresh here with its function."""
    runs = lab.linear_scaling_runs(workers=(1, 4))
    for run in runs:
        rule = "linear" if run["scaled"] else "fixed"
        stored = _stored(data, workers=run["workers"], rule=rule, base_lr=lab.BASE_LR)["loss"][::8]
        assert stored == explorable_data.rounded(run["losses"]), run
    assert data["baselines"][lab.EXPLORABLE_BASE_LRS.index(lab.BASE_LR)]["loss"][::8] == \
        explorable_data.rounded(runs[0]["losses"])


def test_what_the_figure_shows_holds_in_the_data(data):
    for w in lab.EXPLORABLE_WORKERS:
        for rule in lab.LR_RULES:
            for lr in lab.EXPLORABLE_BASE_LRS:
                point = _stored(data, workers=w, rule=rule, base_lr=lr)
                if w == 1:  # one rank: no all-reduce, the same sums as one process
                    assert set(point["diff_float64"]) == set(point["diff_float32"]) == {0.0}
                    assert "비트 단위로 같습니다" in point["text"] or "발산" in point["text"]
                elif point["diverged_at"] is None and lr <= lab.BASE_LR:  # calm runs: rounding level, as the lab says
                    assert 0 < max(point["diff_float64"]) <= 1e-15 and 1e-8 < max(point["diff_float32"]) <= 1e-6
    diverged = [p for p in data["points"] if p["diverged_at"] is not None]
    assert diverged and all(p["text"].count("발산") >= 1 for p in diverged)
    assert all("발산" not in p["text"] for p in data["points"] if p["diverged_at"] is None
               and all(b["diverged_at"] is None for b in data["baselines"]))
    # Near instability the rounding differences grow step by step (the status line says it passes the tolerance).
    edge = _stored(data, workers=2, rule="sqrt", base_lr=0.1)
    assert edge["diverged_at"] is None and max(edge["diff_float64"]) > 1e-15 and "넘음" in edge["text"]


def test_lr_rules():
    assert lab.lr_for_workers(0.02, 4, "fixed") == 0.02
    assert lab.lr_for_workers(0.02, 4, "linear") == pytest.approx(0.08)
    assert lab.lr_for_workers(0.02, 4, "sqrt") == pytest.approx(0.04)
    assert all(lab.lr_for_workers(0.05, 1, rule) == 0.05 for rule in lab.LR_RULES)
    with pytest.raises(validation.InvalidArgument, match="학습률 규칙"):
        lab.lr_for_workers(0.02, 4, "cubic")
    with pytest.raises(validation.InvalidArgument, match="작업자 수"):
        lab.lr_for_workers(0.02, 0, "linear")


def test_runs_record_the_parameters_at_each_loss_point():
    config = lab.scaling_config(2, 0.02, epochs=1, evals_per_epoch=4)
    run = distributed.train_single(config)
    assert len(run.snapshots) == len(run.curve) == 5 and torch.equal(run.snapshots[-1], run.params)
    assert not torch.equal(run.snapshots[0], run.snapshots[1])
    assert all(math.isfinite(loss) for _, loss in run.curve)


def test_the_lab_carries_the_div_as_the_directive_writes_it():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from explorable import div_html

    cells = json.loads((ROOT / "labs" / "10_data_parallel.ipynb").read_text(encoding="utf-8"))["cells"]
    divs = ["".join(c["source"]) for c in cells if 'class="sgd-explore"' in "".join(c["source"])]
    assert divs == [div_html("data-parallel", {}).rstrip("\n")]
