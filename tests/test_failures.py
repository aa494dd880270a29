"""Each failure pattern of the debugging chapter really happens here, and its first-aid fix really helps."""

from __future__ import annotations

import math
import re

import pytest

from sgd_reference.labs import failures as f
from sgd_reference.exercises import debugging as ex_debugging
from sgd_reference.labs.failures import RunConfig

HANGUL = re.compile(r"[가-힣]")


def test_ten_times_the_lr_blows_up_and_lowering_it_tenfold_fixes_it():
    assert not f.run(RunConfig()).diverged
    assert f.run(RunConfig(lr=10 * f.BASE_LR)).diverged
    assert not f.run(RunConfig(lr=f.BASE_LR, warmup=True)).diverged


def test_warmup_alone_does_not_rescue_a_lr_that_is_too_large_for_the_whole_run():
    # An honest finding of the lab: warmup delays the blow-up, only a smaller lr prevents it.
    plain, warm = f.run(RunConfig(lr=10 * f.BASE_LR)), f.run(RunConfig(lr=10 * f.BASE_LR, warmup=True))
    assert warm.diverged and warm.diverged_at > plain.diverged_at


def test_a_huge_lr_produces_a_real_nan_that_check_finite_catches_before_step():
    result = f.first_nonfinite_step()
    assert result["step"] is not None and "NaN/inf" in result["message"]
    assert result["params_finite"], "the bad step was skipped, so the parameters are still finite"
    assert result["step"] < f.STEPS - 20, "the NaN comes well inside the run, not at its edge"
    log = f.run(RunConfig(lr=f.NAN_LR, stop_on_blowup=False))
    assert log.diverged and not math.isfinite(log.losses[-1]) and log.diverged_at == result["step"]


def test_runs_are_float64_so_every_cpu_kernel_path_prints_the_same_numbers():
    model_dtypes = {p.dtype for p in f.training.mlp(64, 64, 10, dtype=f.DTYPE).parameters()}
    assert f.DTYPE == f.torch.float64 and model_dtypes == {f.torch.float64}
    assert f.digits_split().x_train.dtype == f.torch.float64 and f.digits_split(64).x_val.dtype == f.torch.float64
    assert not f.run(RunConfig(lr=100 * f.BASE_LR, stop_on_blowup=False)).diverged, "float64 stays finite at 100x"


def test_huge_losses_print_three_significant_digits_and_the_spread_reads_min_median_max():
    assert f._loss(0.0182) == "0.018" and f._loss(22840.97) == "2.28e+04"
    log = f.training.TrainLog(losses=[9.0] * 50 + [3.0, 1.0, 2.0, float("nan")])
    assert f.loss_spread(log) == "50스텝 이후 학습 손실: 최소 1.000, 중앙값 2.000, 최대 3.000"
    assert "유한한 손실이 없습니다" in f.loss_spread(f.training.TrainLog(losses=[1.0]))


def test_clipping_keeps_the_same_huge_lr_finite_but_does_not_make_it_train_well():
    clipped = f.run(RunConfig(lr=f.NAN_LR, clip=True, stop_on_blowup=False))
    assert not clipped.diverged and all(math.isfinite(v) for v in clipped.losses)
    assert clipped.losses[-1] > 10 * f.run(RunConfig()).losses[-1]
    assert f.first_nonfinite_step(clip=True)["step"] is None


def test_momentum_099_oscillates_far_more_than_09_and_085():
    osc = {mu: f.oscillation(f.run(RunConfig(momentum=mu))) for mu in (0.85, 0.9, 0.99)}
    assert osc[0.99] > 10 * osc[0.9] and osc[0.99] > 10 * osc[0.85]


def test_grad_norm_rises_after_a_mid_run_lr_spike_before_the_loss_explodes():
    normal, spiked = f.run(RunConfig()), f.run(RunConfig(lr_spike_at=40))
    assert spiked.grad_norms[:40] == normal.grad_norms[:40]
    later = [g for g in spiked.grad_norms[40:80] if math.isfinite(g)]
    assert sum(later) / len(later) > 3 * sum(normal.grad_norms[40:80]) / 40
    assert spiked.diverged and spiked.diverged_at > 80
    assert f.spot_spikes(RunConfig(lr_spike_at=40)).spikes[-1] == spiked.diverged_at


def test_clipping_a_mid_run_lr_spike_keeps_it_finite_but_the_loss_keeps_jumping():
    clipped = f.run(RunConfig(lr_spike_at=40, clip=True))
    assert not clipped.diverged
    assert f.oscillation(clipped) > 10 * f.oscillation(f.run(RunConfig()))


def test_the_four_diagnosis_runs_show_the_symptom_of_their_cause():
    logs = {cause: f.run(config) for config, cause in f.DIAGNOSIS_RUNS}
    slow = logs["D"]
    assert not slow.diverged and 1.0 < slow.losses[-1] < slow.losses[0] and slow.val_losses[-1] < slow.val_losses[0]
    assert logs["A"].diverged and logs["A"].diverged_at < 50
    assert not logs["C"].diverged and f.oscillation(logs["C"]) > 10 * f.oscillation(f.run(RunConfig()))
    overfit = logs["B"]
    assert overfit.losses[-1] < 0.01 and overfit.val_losses[-1] > 20 * overfit.losses[-1]
    assert overfit.val_accuracies[-1] - overfit.val_accuracies[len(overfit.val_accuracies) // 2] < 0.02


def test_diagnosis_runs_follow_the_graded_exercise_and_its_cause_names():
    assert {k: v[0] for k, v in ex_debugging.CAUSES.items()} == f.CAUSES
    truth = "".join(cause for _, cause in f.DIAGNOSIS_RUNS)
    assert ex_debugging.diagnose_run.check(truth).ok


def test_diagnosis_quiz_grades_each_pick():
    quiz = f.diagnosis_quiz()
    assert quiz.last_error is None and quiz.last_text.count("아직 고르지") == 4
    assert len(quiz.last_figure.axes) == 4 and all(HANGUL.search(ax.get_title()) for ax in quiz.last_figure.axes)
    picks = {f"run_{i}": cause for i, (_, cause) in enumerate(f.DIAGNOSIS_RUNS, 1)}
    picks["run_2"] = "B"
    quiz.set(**picks)
    assert quiz.last_text.count("정답") == 3 and "실행 2" in quiz.last_text and "❌" in quiz.last_text


@pytest.mark.parametrize("values, word", [({"lr_multiplier": 100.0}, "발산"),
                                          ({"lr_multiplier": 100.0, "clip": True}, "손실"),
                                          ({"momentum": 0.99, "warmup": True}, "손실")])
def test_debug_run_handles_extremes_and_keeps_finite_axes(values, word):
    fig, text = f.render_debug_run(**values)  # what the panel draws (the panel itself: the next test)
    assert word in text
    assert len(fig.axes) == 2
    for ax in fig.axes:
        low, high = ax.get_ylim()
        assert math.isfinite(low) and math.isfinite(high) and HANGUL.search(ax.get_title())


def test_debug_panel_draws_the_chosen_extreme():
    panel = f.debug_panel()
    panel.set(lr_multiplier=100.0)
    assert panel.last_error is None and "발산" in panel.last_text and len(panel.last_figure.axes) == 2


def test_bad_settings_are_rejected_in_korean():
    with pytest.raises(ValueError, match="모멘텀"):
        f.run(RunConfig(momentum=1.5))
    with pytest.raises(ValueError, match="학습률 배수"):
        f.render_debug_run(lr_multiplier=0.0)


# --- the site's explorable (book/_ext/explore_data/debug-run.json) ---------------------------------------------------

def test_explorable_grid_holds_the_panels_start_and_the_settings_the_lab_asks_for():
    values = {c["name"]: c["values"] for c in f.explorable_controls()}
    starts = {c["name"]: c["value"] for c in f.explorable_controls()}
    assert starts == {"lr_multiplier": 1.0, "momentum": f.MOMENTUM, "clip": False, "warmup": False}
    assert all(starts[name] in values[name] for name in values)
    for multiplier in (0.01, 0.1, 1.0, 10.0, 100.0):  # "해 볼 것" 1-4 in the lab
        assert any(abs(v - multiplier) < 1e-12 * multiplier for v in values["lr_multiplier"]), multiplier
    assert 0.99 in values["momentum"] and values["clip"] == values["warmup"] == [False, True]


def test_explorable_point_is_the_panels_run_sampled_and_its_status_line():
    config = RunConfig(lr=f.BASE_LR * 100.0, momentum=0.9)
    point, log = f.explorable_point(100.0, 0.9, False, False), f.run(config)
    assert point["text"] == f.debug_run_text(config) and "발산" in point["text"]
    assert point["diverged_at"] == log.diverged_at is not None and point["n"] == len(log.losses)
    kept = list(range(0, len(log.losses), f.EXPLORABLE_EVERY))
    kept += [] if kept[-1] == len(log.losses) - 1 else [len(log.losses) - 1]
    assert point["loss"] == [log.losses[i] for i in kept] and point["grad_norm"] == [log.grad_norms[i] for i in kept]
    base = f.explorable_shared()["base"]
    assert base["n"] == f.STEPS and base["diverged_at"] is None and len(base["loss"]) == f.STEPS // f.EXPLORABLE_EVERY + 1
