"""The 5-minute lab: the document's run reproduced exactly, its random data shown to teach nothing, a real contrast."""

from __future__ import annotations

import math
import re

import pytest
import torch
from torch import nn

from sgd_reference.labs import five_minute as fm

HANGUL = re.compile(r"[가-힣]")


def document_run_once(lr: float):
    """The source document's code, verbatim except ``loss.item()`` for ``float(loss)`` (same value, no warning)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))
    crit = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for _ in range(20):
        x = torch.randn(128, 32)
        y = torch.randint(0, 10, (128,))
        opt.zero_grad()
        out = model(x)
        loss = crit(out, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("lr", [1e-2, 1e-1])
def test_run_once_reproduces_the_document_with_torch_sgd_bit_for_bit(lr):
    assert fm.run_once(lr) == document_run_once(lr)


def test_run_random_records_the_same_training_losses_as_run_once():
    assert fm.run_random(1e-1).losses == fm.run_once(1e-1)


def test_expected_random_label_loss_is_ln10_for_uniform_predictions_and_never_below():
    x = fm.probe_inputs(512)
    zero = nn.Linear(32, 10)
    nn.init.zeros_(zero.weight)
    nn.init.zeros_(zero.bias)
    assert fm.expected_random_label_loss(zero, x) == pytest.approx(math.log(10), abs=1e-6)
    _ = torch.manual_seed(3)
    for model in (nn.Linear(32, 10), nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))):
        assert fm.expected_random_label_loss(model, x) > math.log(10)


def test_held_out_loss_on_fresh_random_data_never_goes_below_ln10_and_the_ranking_flips_with_the_seed():
    rows = fm.seed_table(seeds=range(5))
    assert all(v >= fm.LN10 for row in rows for v in row["heldout"].values())
    winners = {row["winner"] for row in rows}
    assert winners == {1e-2, 1e-1}, "with five seeds each learning rate 'wins' the last-step comparison at least once"


def test_on_the_learnable_task_lr_1e_1_beats_1e_2_on_held_out_accuracy_and_lr_1_is_worse():
    split = fm.learnable_task()
    acc = {lr: fm.run_learnable(lr, steps=200, split=split).val_accuracies[-1] for lr in (1e-2, 1e-1, 1.0)}
    assert acc[1e-1] > acc[1e-2] + 0.03
    assert acc[1e-1] > 0.6 and acc[1.0] < acc[1e-1]


def test_the_learnable_task_runs_in_float64_so_eta_1_prints_the_same_on_every_cpu_path():
    split = fm.learnable_task()
    assert split.x_train.dtype == torch.float64
    log = fm.run_learnable(1.0, steps=20, split=split)
    assert not log.diverged and len(log.val_accuracies) == 2


def test_learnable_reading_quotes_the_first_evaluation_the_target_step_the_range_and_the_end():
    log = fm.training.TrainLog(losses=[2.3, 0.5, 0.25], eval_steps=[10, 20, 30], val_accuracies=[0.4, 0.75, 0.6],
                               val_losses=[1.9, 0.9, 1.2])
    line = fm.learnable_reading(0.1, log)
    assert line == ("η=0.1: 10스텝째 검증 정확도 40.0%, 70% 를 처음 넘은 평가 20스텝째, 20–30스텝의 범위 60.0%–75.0%, "
                    "30스텝째 60.0%, 마지막 학습 손실 0.250 (검증 손실 1.200)")
    assert "끝까지 넘지 못함" in fm.learnable_reading(0.1, log, target=0.9)
    diverged = fm.training.TrainLog(losses=[2.3, float("nan")], diverged_at=1)
    assert "발산" in fm.learnable_reading(1.0, diverged)


def test_comparison_readings_add_one_line_per_learning_rate_only_when_asked():
    _, plain = fm.render_comparison(steps=20, mode=fm.LEARNABLE)
    _, read = fm.render_comparison(steps=20, mode=fm.LEARNABLE, extra_lrs=(1.0,), readings=True)
    assert "\n" not in plain and len(read.splitlines()) == 4 and read.splitlines()[3].startswith("η=1:")


def test_the_seed_figure_prints_the_untrained_expected_loss_and_the_document_figure_its_distance_from_ln10():
    rows = fm.seed_table(seeds=range(2))
    assert rows[0]["initial"] > fm.LN10
    assert f"학습 전 {rows[0]['initial']:.4f}" in fm.render_seeds(rows)[1]
    losses = {1e-2: fm.run_once(1e-2)}
    farthest = max(abs(v - fm.LN10) for v in losses[1e-2])
    assert fm.render_document_run(losses)[1].endswith(f"거리 {farthest:.3f}")


def _check_figure(fig, n_axes):
    assert len(fig.axes) == n_axes
    for ax in fig.axes:
        assert HANGUL.search(ax.get_title())
        low, high = ax.get_ylim()
        assert math.isfinite(low) and math.isfinite(high) and low < high


def test_document_figure_and_summary():
    fig, text = fm.render_document_run({1e-2: fm.run_once(1e-2), 1e-1: fm.run_once(1e-1)})
    _check_figure(fig, 1)
    assert "처음" in text and "마지막" in text


def test_panel_defaults_to_the_document_mode_and_switches_to_the_learnable_task():
    panel = fm.comparison_panel()
    assert panel.last_error is None and "문서 원본" in panel.last_text
    _check_figure(panel.last_figure, 2)
    panel.set(mode=fm.LEARNABLE, steps=60)
    assert panel.last_error is None and "검증 정확도" in panel.last_text
    _check_figure(panel.last_figure, 2)


@pytest.mark.parametrize("mode", [fm.RANDOM, fm.LEARNABLE])
def test_lr_10_says_divergence_and_keeps_a_readable_plot(mode):
    fig, text = fm.render_comparison(lr_b=10.0, mode=mode, steps=40)  # what the panel draws (tested above)
    assert "발산" in text
    _check_figure(fig, 2)
    for line in fig.axes[0].get_lines():
        ys = [y for y in line.get_ydata() if math.isfinite(y)]
        assert ys or len(line.get_ydata()) <= 1


def test_bad_inputs_get_korean_errors():
    with pytest.raises(ValueError, match="학습률"):
        fm.run_once(-1.0)
    with pytest.raises(ValueError, match="데이터 방식"):
        fm.render_comparison(mode="nope")
