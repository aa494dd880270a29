"""Lab 6's claims, as specifications: coupled = decoupled only without momentum; decay shrinks ‖θ‖; BN/bias counts."""

from __future__ import annotations

import math

import pytest
import torch
from matplotlib.figure import Figure

from sgd_reference.labs import decay_experiments as de
from sgd_reference.teaching.plotting import use_korean_font

use_korean_font()
from sgd_reference.weight_decay import SGDW

# Runs are cached by arguments, so the lab's own runs (de.STEPS) are shared between these tests.
SHORT = de.STEPS


def lines_are_finite(fig: Figure) -> bool:
    return all(math.isfinite(float(v)) for ax in fig.axes for line in ax.lines for v in line.get_ydata())


def test_coupled_and_decoupled_agree_to_rounding_without_momentum():
    pair = de.coupled_vs_decoupled(momentum=0.0, weight_decay=0.1)
    assert max(pair.max_differences) < 1e-12


def test_difference_text_prints_a_rounding_level_difference_only_as_a_bound():
    plain, pair = de.coupled_vs_decoupled(momentum=0.0), de.coupled_vs_decoupled(momentum=0.9)
    assert plain.at_rounding_level and plain.difference_text() == "< 1e-12 (반올림 수준)"
    assert not pair.at_rounding_level and pair.difference_text() == f"{pair.final_difference:.1e}"


def test_the_noisy_task_and_its_model_are_float64():
    assert de.noisy_task().x_train.dtype == torch.float64
    run = de.train_noisy_task(0.0, 0.9, de.COUPLED, 40)
    assert not run.diverged and run.weight_norms[-1] > run.weight_norms[0]


def test_coupled_and_decoupled_differ_with_momentum_and_coupled_shrinks_more():
    pair = de.coupled_vs_decoupled(momentum=0.9, weight_decay=0.1)
    assert pair.final_difference > 1e-3
    assert pair.coupled_norms[-1] < pair.decoupled_norms[-1]  # λθ amplified through v


def test_coupled_trajectory_equals_torch_sgd_with_weight_decay():
    x, y, _ = de.datasets.linear_regression(num_samples=64, num_features=10, noise=0.1, seed=1)
    theta0 = torch.randn(10, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    theta = theta0.clone().requires_grad_(True)
    opt = torch.optim.SGD([theta], lr=0.05, momentum=0.9, weight_decay=0.1)
    for _ in range(100):
        theta.grad = x.T @ (x @ theta.detach() - y) / len(x)
        opt.step()
    assert de.coupled_vs_decoupled(0.9, 0.1).coupled_norms[-1] == theta.detach().norm().item()


def test_render_coupled_vs_decoupled_draws_two_korean_axes_with_finite_lines():
    fig, text = de.render_coupled_vs_decoupled(0.1, 0.9)
    assert len(fig.axes) == 2 and lines_are_finite(fig)
    assert "파라미터 크기" in fig.axes[0].get_title() and "차이" in fig.axes[1].get_title()
    assert "μ=0" in text and "반올림" in text


def test_larger_weight_decay_gives_a_smaller_weight_norm():
    norms = [de.train_noisy_task(wd, 0.9, de.COUPLED, SHORT).weight_norms[-1] for wd in (0.0, 1e-3, 3e-2)]
    assert norms[0] > norms[1] > norms[2]


def test_without_decay_the_network_memorises_noisy_labels_and_strong_decay_narrows_the_gap():
    free = de.train_noisy_task(0.0, 0.9, de.COUPLED, SHORT)
    strong = de.train_noisy_task(3e-2, 0.9, de.COUPLED, SHORT)
    assert free.train_accuracies[-1] > 0.9  # 30% of its labels are random: it fits them anyway
    assert free.accuracy_gap > 0.2
    assert strong.accuracy_gap < free.accuracy_gap


def test_lambda_zero_is_the_same_run_in_both_modes():
    a = de.train_noisy_task(0.0, 0.9, de.COUPLED, 40)
    b = de.train_noisy_task(0.0, 0.9, de.DECOUPLED, 40)
    assert a.weight_norms == b.weight_norms


def test_decoupled_mode_uses_sgdw():
    model = de.training.mlp(seed=0)
    assert isinstance(de.make_optimizer(model, 1e-3, 0.9, de.DECOUPLED), SGDW)
    assert not isinstance(de.make_optimizer(model, 1e-3, 0.9, de.COUPLED), SGDW)


def test_sweep_table_has_korean_header_and_one_row_per_lambda():
    runs = [de.train_noisy_task(wd, 0.9, de.COUPLED, 40) for wd in (0.0, 1e-2)]
    table = de.sweep_table(runs)
    assert "학습 정확도" in table and "검증 정확도" in table and len(table.splitlines()) == 3


def test_panel_default_and_controls_render_in_korean():
    panel = de.weight_decay_panel()
    assert panel.last_error is None and isinstance(panel.last_figure, Figure)
    assert len(panel.last_figure.axes) == 2 and lines_are_finite(panel.last_figure)
    assert {c.description for c in panel.controls.values()} == {"가중치 감쇠 λ", "모멘텀 μ", "감쇠 방식"}
    panel.set(mode=de.DECOUPLED, weight_decay=1e-3, momentum=0.5)
    assert panel.last_error is None and "분리형" in panel.last_text


def test_panel_at_extreme_momentum_says_divergence_or_stays_finite():
    panel = de.weight_decay_panel()
    panel.set(weight_decay=1e-5, momentum=0.99)
    assert panel.last_error is None and panel.last_figure is not None
    for ax in panel.last_figure.axes:
        assert all(math.isfinite(v) for v in ax.get_ylim())
    run = de.train_noisy_task(1e-5, 0.99, de.COUPLED)
    assert ("발산" in panel.last_text) == run.diverged


def test_bad_arguments_get_korean_value_errors():
    with pytest.raises(ValueError, match="가중치 감쇠"):
        de.train_noisy_task(-1.0)
    with pytest.raises(ValueError, match="모멘텀"):
        de.train_noisy_task(0.0, 1.5)
    with pytest.raises(ValueError, match="감쇠 방식"):
        de.train_noisy_task(0.0, 0.9, "adamw")


def test_small_cnn_groups_three_weights_for_decay_and_five_bias_or_bn_tensors_without():
    model = de.small_cnn()
    table = de.param_group_table(model, 1e-4)
    decay_row, no_decay_row = table.splitlines()[1:]
    assert "conv1.weight, conv2.weight, fc.weight" in decay_row
    assert "bn1.weight, bn1.bias, bn2.weight, bn2.bias, fc.bias" in no_decay_row
    no_decay_scalars = 8 + 8 + 16 + 16 + 10
    assert f"{no_decay_scalars:,}" in no_decay_row
    total = sum(p.numel() for p in model.parameters())
    assert f"{total - no_decay_scalars:,}" in decay_row


def test_small_cnn_runs_on_digit_images():
    out = de.small_cnn()(torch.zeros(4, 1, 8, 8))
    assert out.shape == (4, 10)


def test_panel_claims_decoupled_keeps_a_larger_norm_with_momentum_and_matches_coupled_without():
    coupled = de.train_noisy_task(1e-2, 0.9, de.COUPLED)
    decoupled = de.train_noisy_task(1e-2, 0.9, de.DECOUPLED)
    assert decoupled.weight_norms[-1] > coupled.weight_norms[-1] * 1.2
    plain_coupled = de.train_noisy_task(1e-2, 0.0, de.COUPLED)
    plain_decoupled = de.train_noisy_task(1e-2, 0.0, de.DECOUPLED)
    assert plain_decoupled.weight_norms == pytest.approx(plain_coupled.weight_norms, rel=1e-4)
    assert plain_decoupled.val_accuracies == pytest.approx(plain_coupled.val_accuracies, abs=2e-3)
