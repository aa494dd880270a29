"""Lab 7's measurements, as specifications: state bytes per optimizer, the lr sweep, the panel's behaviour."""

from __future__ import annotations

import math

import pytest
import torch
from matplotlib.figure import Figure

from sgd_reference.labs import optimizer_comparison as oc
from sgd_reference.optimizer import SGD
from sgd_reference.teaching.plotting import use_korean_font

use_korean_font()


def test_state_bytes_are_zero_one_and_two_parameter_copies():
    param_bytes = sum(p.numel() * p.element_size() for p in oc.make_float32_model().parameters())
    assert param_bytes == 4 * sum(p.numel() for p in oc.make_model().parameters())  # the table is float32
    assert oc.measure_state_bytes(oc.SGD_PLAIN) == (param_bytes, {})
    assert oc.measure_state_bytes(oc.SGD_MOMENTUM) == (param_bytes, {"momentum_buffer": param_bytes})
    _, adam = oc.measure_state_bytes(oc.ADAM)
    assert adam["exp_avg"] == adam["exp_avg_sq"] == param_bytes
    num_tensors = len(list(oc.make_model().parameters()))
    assert adam["step"] == num_tensors * torch.tensor(0.0).element_size()  # one float32 step counter per tensor


def test_state_bytes_agree_with_torch_sgd():
    model = oc.make_float32_model()
    reference = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = oc.digits_split(torch.float32).x_train[:8], oc.digits_split().y_train[:8]
    torch.nn.functional.cross_entropy(model(x), y).backward()
    reference.step()
    assert oc.state_bytes(reference) == oc.measure_state_bytes(oc.SGD_MOMENTUM)[1]


def test_memory_table_names_every_optimizer_in_korean():
    table = oc.memory_table()
    assert "상태 없음" in table and "momentum_buffer" in table and "exp_avg_sq" in table and "파라미터 자체" in table


def test_sgd_rows_use_the_course_sgd():
    assert isinstance(oc.make_optimizer(oc.SGD_MOMENTUM, oc.make_model().parameters(), 0.1), SGD)
    assert isinstance(oc.make_optimizer(oc.ADAM, oc.make_model().parameters(), 0.1), torch.optim.Adam)


def test_momentum_and_adam_both_beat_plain_sgd_early_at_their_usual_learning_rates():
    accuracy = {name: oc.final_accuracy(oc.train_digits(name, oc.USUAL_LR[name])) for name in oc.NAMES}
    assert accuracy[oc.SGD_MOMENTUM] > accuracy[oc.SGD_PLAIN] + 0.1
    assert accuracy[oc.ADAM] > accuracy[oc.SGD_PLAIN] + 0.1


def test_sweep_finds_a_good_region_and_sgd_with_momentum_diverges_at_the_top_of_its_grid():
    sgd = oc.lr_sweep(oc.SGD_MOMENTUM)
    adam = oc.lr_sweep(oc.ADAM)
    assert sgd.accuracies[-1] is None  # η = 3 with μ = 0.9: diverges
    assert sgd.best > 0.95 and adam.best > 0.95
    assert adam.good_width_decades >= sgd.good_width_decades  # the table's "less sensitive" row, on this task


def test_the_runs_are_float64_and_the_seed_changes_the_start_and_the_batches():
    assert oc.digits_split().x_train.dtype == torch.float64 and next(oc.make_model().parameters()).dtype == torch.float64
    a, b = oc.train_digits(oc.ADAM, 1e-3, 20, 20, 0), oc.train_digits(oc.ADAM, 1e-3, 20, 20, 1)
    assert a.losses[0] != b.losses[0] and a.losses == oc.train_digits(oc.ADAM, 1e-3, 20, 20).losses


def test_seed_width_table_prints_each_seed_and_counts_the_comparison(monkeypatch):
    # a fake sweep per seed, so the count is checked without training: Adam wider, the same, narrower
    widths = {oc.ADAM: [(1e-3, 1e-2), (1e-3, 3e-3), (1e-3, 1e-3)], oc.SGD_MOMENTUM: [(1e-2, 3e-2), (1e-2, 3e-2),
                                                                                        (1e-2, 1e-1)]}

    def fake_sweeps(seeds, steps):
        return {name: [oc.Sweep(name, (low, high, 1.0), (0.97, 0.98, None)) for low, high in pairs]
                for name, pairs in widths.items()}
    monkeypatch.setattr(oc, "seed_sweeps", fake_sweeps)
    table = oc.seed_width_table(seeds=range(3))
    lines = table.splitlines()
    adam = [line for line in lines if line.startswith("Adam")]
    sgd = [line for line in lines if line.startswith(oc.NAMES[oc.SGD_MOMENTUM])]
    assert len(lines) == 7 and len(adam) == len(sgd) == 3 and "시드 2" in adam[2] and "발산 1" in sgd[0]
    assert "(10배 구간 1.0개)" in adam[0] and "(10배 구간 0.5개)" in sgd[0] and "(10배 구간 0.0개)" in adam[2]
    assert lines[-1] == "시드 3개 중 좋은 구간이 Adam 쪽이 더 넓은 시드 1개, 같은 시드 1개, 모멘텀 SGD 쪽이 더 넓은 시드 1개"


def test_render_lr_sweep_has_a_log_x_axis_with_plain_labels():
    fig, text = oc.render_lr_sweep()
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "학습률" in ax.get_xlabel()
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all("$" not in label and "\u2212" not in label for label in labels)
    assert "최고" in text


def test_render_early_convergence_draws_three_finite_curves_per_axis():
    fig, text = oc.render_early_convergence()
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len(ax.lines) == 3
        assert all(math.isfinite(float(v)) for line in ax.lines for v in line.get_ydata())
    assert "검증 정확도" in text


def test_panel_says_divergence_at_lr_10_and_keeps_a_readable_plot():
    panel = oc.comparison_panel()
    assert panel.last_error is None and isinstance(panel.last_figure, Figure)
    for name in (oc.SGD_MOMENTUM, oc.ADAM):
        panel.set(optimizer=name, lr=10.0)
        assert panel.last_error is None and "발산" in panel.last_text
        for ax in panel.last_figure.axes:
            assert all(math.isfinite(v) for v in ax.get_ylim())
            assert all(math.isfinite(float(v)) for line in ax.lines for v in line.get_ydata())


def test_panel_controls_are_korean_and_steps_change_the_run():
    panel = oc.comparison_panel()
    assert {c.description for c in panel.controls.values()} == {"옵티마이저", "학습률 η", "스텝 수", "시드"}
    panel.set(optimizer=oc.SGD_MOMENTUM, lr=0.1, steps=100)
    assert panel.last_error is None and "100 스텝" in panel.last_text and "발산" not in panel.last_text
    before = panel.last_text
    panel.set(seed=2)  # the seed changes the initial weights and the batch order of the run (and its references)
    assert panel.last_error is None and "시드 2" in panel.last_text and panel.last_text != before.replace("시드 0", "시드 2")


def test_bad_arguments_get_korean_value_errors():
    with pytest.raises(ValueError, match="옵티마이저"):
        oc.train_digits("rmsprop", 0.1)
    with pytest.raises(ValueError, match="학습률"):
        oc.train_digits(oc.ADAM, -1.0)
    with pytest.raises(ValueError, match="스텝 수"):
        oc.train_digits(oc.ADAM, 0.1, 0)


def test_good_region_is_the_unbroken_interval_around_the_best():
    """A lr within the margin but past a bad one is not good: the region is an interval (issue 9)."""
    sweep = oc.Sweep("adam", (1e-3, 3e-3, 1e-2, 3e-2, 1e-1), (0.90, 0.975, 0.98, 0.95, 0.97))
    assert sweep.good_lrs == [3e-3, 1e-2]
    assert sweep.good_width_decades == pytest.approx(math.log10(1e-2 / 3e-3))
    unsorted = oc.Sweep("adam", (1e-1, 1e-3, 1e-2, 3e-3, 3e-2), (0.97, 0.90, 0.98, 0.975, 0.95))
    assert unsorted.good_lrs == [3e-3, 1e-2]
    diverged = oc.Sweep("sgd_momentum", (1e-2, 3e-2, 1e-1, 1.0), (0.95, None, 0.97, None))
    assert diverged.good_lrs == [1e-1]

