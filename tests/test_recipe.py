"""Lab 8's recipe, as specifications: the optimizer it builds, the lr it follows, and what warmup does to a large lr."""

from __future__ import annotations

import math

import pytest
import torch
from matplotlib.figure import Figure

from sgd_reference.labs import recipe as rc
from sgd_reference.optimizer import SGD
from sgd_reference.schedules import warmup_cosine_lr
from sgd_reference.teaching.plotting import use_korean_font

use_korean_font()


def test_recipe_optimizer_is_nesterov_sgd_with_decay_on_weights_only():
    model = rc.recipe_model()
    opt = rc.recipe_optimizer(model, 0.01)
    assert isinstance(opt, SGD)
    decay, no_decay = opt.param_groups
    assert decay["weight_decay"] == 1e-4 and no_decay["weight_decay"] == 0.0
    assert all(g["momentum"] == 0.9 and g["nesterov"] for g in opt.param_groups)
    assert all(p.ndim >= 2 for p in decay["params"]) and all(p.ndim == 1 for p in no_decay["params"])


def test_recipe_lr_follows_the_linear_rule_from_batch_64():
    assert rc.recipe_lr(0.01, 64) == 0.01
    assert rc.recipe_lr(0.01, 256) == pytest.approx(0.04)
    assert rc.recipe_lr(0.01, 16) == pytest.approx(0.0025)


def test_the_lr_used_at_each_step_is_warmup_then_cosine():
    run = rc.run_recipe()
    per_epoch = rc.steps_per_epoch(64)
    total, warmup = rc.EPOCHS * per_epoch, rc.WARMUP_EPOCHS * per_epoch
    expected = [warmup_cosine_lr(s, total, warmup, 0.01) for s in range(total)]
    assert run.log.lrs == pytest.approx(expected, rel=1e-12)
    assert max(run.log.lrs) == pytest.approx(0.01) and run.log.lrs[-1] < 1e-5


def test_constant_schedule_warms_up_then_stays_flat():
    run = rc.run_recipe(schedule=rc.CONSTANT)
    warmup = rc.WARMUP_EPOCHS * rc.steps_per_epoch(64)
    assert run.log.lrs[0] == pytest.approx(0.01 / warmup)
    assert run.log.lrs[warmup - 1:] == pytest.approx([0.01] * (len(run.log.lrs) - warmup + 1))


def test_recipe_learns_digits():
    assert rc.final_accuracy(rc.run_recipe()) > 0.95


def test_runs_are_float64_so_every_cpu_kernel_path_prints_the_same_numbers():
    assert rc.DTYPE == torch.float64 and {p.dtype for p in rc.recipe_model().parameters()} == {torch.float64}
    assert rc.digits_split().x_train.dtype == torch.float64 and rc.digits_split().y_train.dtype == torch.long


def test_warmup_removes_the_early_loss_spike_of_a_large_lr():
    cold = rc.run_recipe(rc.LARGE_LR, 0)
    warm = rc.run_recipe(rc.LARGE_LR, rc.WARMUP_EPOCHS)
    initial = warm.log.losses[0]
    assert rc.first_steps_peak(cold) > 2 * initial  # without warmup: the loss jumps far above its start
    assert rc.first_steps_peak(warm) <= initial * 1.05  # with warmup: never above where it started


def test_render_functions_draw_finite_lines_and_korean_titles():
    for render in (rc.render_schedule_comparison, rc.render_warmup_spike):
        fig, text = render()
        assert isinstance(fig, Figure) and text
        for ax in fig.axes:
            assert any("\uac00" <= ch <= "\ud7a3" for ch in ax.get_title())
            assert all(math.isfinite(v) for v in ax.get_ylim())
            assert all(math.isfinite(float(v)) for line in ax.lines for v in line.get_ydata())


def test_panel_says_divergence_at_a_huge_lr_without_warmup_and_stays_readable():
    panel = rc.recipe_panel()
    assert panel.last_error is None and "검증 정확도" in panel.last_text
    panel.set(base_lr=10.0, warmup_epochs=0, schedule=rc.CONSTANT)
    assert panel.last_error is None and "발산" in panel.last_text
    for ax in panel.last_figure.axes:
        assert all(math.isfinite(v) for v in ax.get_ylim())


def test_panel_scales_the_lr_with_the_batch_size():
    panel = rc.recipe_panel()
    assert {c.description for c in panel.controls.values()} == {
        "기준 학습률 η (배치 64 기준)", "워밍업 에폭 수", "스케줄", "배치 크기"}
    panel.set(batch_size=256)
    assert panel.last_error is None and "η=0.04" in panel.last_text


def test_bad_arguments_get_korean_value_errors():
    with pytest.raises(ValueError, match="배치 크기"):
        rc.run_recipe(batch_size=100)
    with pytest.raises(ValueError, match="워밍업"):
        rc.run_recipe(warmup_epochs=rc.EPOCHS)
    with pytest.raises(ValueError, match="스케줄"):
        rc.run_recipe(schedule="step")
    with pytest.raises(ValueError, match="학습률"):
        rc.run_recipe(base_lr=0.0)
