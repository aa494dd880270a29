"""Mini-batch gradient noise follows its 1/B law; the linear scaling rule and accumulation do what the chapter says."""

from __future__ import annotations

import math
import re

import pytest
import torch

from sgd_reference.labs import batch_noise as bn

HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module")
def noise():
    return bn.measure_gradient_noise()


def test_measured_variance_matches_the_finite_population_law_for_every_batch_size(noise):
    for b, measured, theory in zip(noise["batch_sizes"], noise["measured"], noise["theory"]):
        assert measured == pytest.approx(theory, rel=0.1), b


def test_variance_falls_like_one_over_b_on_log_log_axes(noise):
    assert bn.loglog_slope(noise["batch_sizes"], noise["measured"]) == pytest.approx(-1.0, abs=0.06)


def test_sampling_with_replacement_matches_plain_sigma2_over_b():
    result = bn.measure_gradient_noise(batch_sizes=(1, 16, 512), replacement=True)
    for b, measured in zip(result["batch_sizes"], result["measured"]):
        assert measured == pytest.approx(result["sigma2"] / b, rel=0.1)


def test_theory_without_replacement_is_zero_for_the_whole_data_set_and_sigma2_for_one_sample():
    assert bn.noise_theory(2.0, 100, 100) == 0.0
    assert bn.noise_theory(2.0, 1, 100) == pytest.approx(2.0)
    assert bn.noise_theory(2.0, 10, 100, replacement=True) == pytest.approx(0.2)


def test_noise_figure_draws_measurements_and_both_theories_on_log_axes(noise):
    fig, text = bn.render_noise(noise, highlight=64)
    (ax,) = fig.axes
    assert ax.get_xscale() == ax.get_yscale() == "log" and HANGUL.search(ax.get_title())
    assert len(ax.get_lines()) == 4 and "기울기" in text


def test_linear_scaling_doubling_lr_with_the_batch_tracks_the_baseline_better_than_keeping_it():
    runs = bn.scaling_runs()
    final = [run["log"].val_losses[-1] for run in runs]
    base, kept, x15, x2 = final
    assert kept > base + 0.1, "twice the batch at the same lr takes half the steps and lags per epoch"
    assert abs(x2 - base) < abs(kept - base) and abs(x15 - base) < abs(kept - base)


def test_a_small_batch_gives_a_more_jagged_training_loss_curve_than_a_large_one():
    small, large = bn._default_task_run(8, bn.BASE_LR, 2), bn._default_task_run(128, bn.BASE_LR, 2)
    assert bn.step_jumpiness(small.losses) > 2 * bn.step_jumpiness(large.losses)
    fig, text = bn.render_step_noise()
    assert len(fig.axes) == 2 and all(HANGUL.search(ax.get_title()) for ax in fig.axes) and "B=8" in text


def test_accumulated_micro_batches_give_the_large_batch_update_up_to_rounding():
    result = bn.accumulation_check(batch_size=256, micro_batch_size=32)
    assert result["steps"] == 8
    assert result["max_grad_diff"] < 1e-6 * max(1.0, result["max_grad"])
    assert result["max_param_diff"] < 1e-6
    # what the lab prints: not bit-equal in float32 (another summation order), but within a few rounding units
    assert result["eps"] == torch.finfo(torch.float32).eps
    assert result["within_rounding"] and not result["bit_equal"]
    assert result["max_grad_diff"] <= bn.ROUNDING_BOUND * result["eps"] * result["max_grad"]


def test_accumulation_in_float64_is_within_float64_rounding():
    result = bn.accumulation_check(dtype=torch.float64)
    assert result["eps"] == torch.finfo(torch.float64).eps and result["within_rounding"]
    assert result["max_grad_diff"] < 1e-15


def test_the_scaling_task_and_its_runs_are_float64():
    assert bn.scaling_task().x_train.dtype == torch.float64
    log = bn.train_epochs(64, bn.BASE_LR, epochs=1)
    assert len(log.val_losses) == 1 and log.val_losses[0] < 2.5


def test_panel_renders_defaults_and_says_divergence_at_a_huge_lr():
    panel = bn.batch_panel()
    assert panel.last_error is None and "기준" in panel.last_text
    panel.set(batch_size=64, lr_multiplier=64.0)
    assert panel.last_error is None and "발산" in panel.last_text
    for ax in panel.last_figure.axes:
        low, high = ax.get_ylim()
        assert math.isfinite(low) and math.isfinite(high)


def test_bad_batch_sizes_are_rejected_in_korean():
    with pytest.raises(ValueError, match="배치 크기"):
        bn.measure_gradient_noise(batch_sizes=(0,))
    with pytest.raises(TypeError, match="정수"):
        bn.train_epochs(1.5, 0.1)


# --- the site's explorable (book/_ext/explore_data/minibatch-noise.json) ---------------------------------------------

def test_explorable_grid_holds_the_panels_start_and_the_settings_the_lab_asks_for():
    values = {c["name"]: c["values"] for c in bn.explorable_controls()}
    assert values["batch_size"] == [8, 16, 32, 64, 128, 256, 512]  # the panel's dropdown
    assert {c["name"]: c["value"] for c in bn.explorable_controls()} == {"batch_size": 64, "lr_multiplier": 2.0}
    for multiplier in (0.25, 1.0, 2.0, 4.0, 16.0, 64.0):  # "해 볼 것" 1-4 in the lab
        assert multiplier in values["lr_multiplier"]


def test_explorable_point_is_the_panels_run_and_its_status_line():
    point = bn.explorable_point(512, 16.0)
    fig, text = bn.render_batch_choice(512, 16.0)  # what the panel shows
    assert point["text"] == text and "B=512, η=0.32" in text and "스텝 16번" in text
    log = bn.batch_choice_runs(512, 16.0)[1]["log"]
    assert point["val"] == log.val_losses and point["train"] == log.losses and point["every"] == 1
    assert point["steps_per_epoch"] == 4 and point["diverged_at"] is None
    small = bn.explorable_point(8, 0.25)  # 1024 steps: the page gets every 16th
    assert small["every"] == 16 and len(small["train"]) == bn.EXPLORABLE_TRAIN_POINTS


def test_explorable_marks_where_a_run_fails_in_epochs_and_says_divergence():
    point = bn.explorable_point(64, 64.0)  # the lab: "배수를 64 까지 올리면 요약 줄에 '발산'"
    assert "발산" in point["text"] and point["diverged_at"] is not None and 0 < point["diverged_at"] <= bn.EPOCHS
    assert bn.failed(bn.batch_choice_runs(64, 64.0)[1]["log"])
    assert not bn.failed(bn.batch_choice_runs(64, 2.0)[1]["log"])


def test_explorable_noise_is_section_1s_measurement_as_a_standard_deviation():
    shared, noise = bn.explorable_shared(), bn.measure_gradient_noise()
    std = shared["noise"]["std"]
    assert std == [math.sqrt(v) for v in noise["measured"]]
    assert bn.loglog_slope(noise["batch_sizes"], std) == pytest.approx(-0.5, abs=0.02)  # std goes as 1/√B
    fine = shared["noise"]["fine"]
    assert fine[0] == 1 and fine[-1] == max(noise["batch_sizes"])
    for b, s in zip(fine, shared["noise"]["std_theory"]):
        assert s == pytest.approx(math.sqrt(bn.noise_theory(noise["sigma2"], b, noise["num_samples"])), rel=1e-12)
    assert shared["base"]["val"] == bn.batch_choice_runs(bn.BASE_BATCH, 1.0)[0]["log"].val_losses
