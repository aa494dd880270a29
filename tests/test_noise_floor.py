"""SGD's noise floor (sgd_reference.labs.noise_floor): the prediction, the measurement, and the decayed rate."""

from __future__ import annotations

import math

import pytest
import torch

from sgd_reference.labs import noise_floor as nf


def test_predicted_floor_is_the_stationary_loss_formula():
    lr, b = 0.1, 4
    expected = sum(lr * nf.SIGMA ** 2 / (2 * b * (2 - lr * lam)) for lam in nf.CURVATURES)
    assert nf.predicted_floor(lr, b) == pytest.approx(expected, rel=1e-15)


def test_predicted_floor_is_proportional_to_lr_over_batch_size_for_small_lr():
    d = len(nf.CURVATURES)
    for lr in (1e-3, 1e-4):
        assert nf.predicted_floor(lr, 8) == pytest.approx(d * lr * nf.SIGMA ** 2 / (4 * 8), rel=1e-3)
    assert nf.predicted_floor(0.1, 16) == pytest.approx(nf.predicted_floor(0.1, 4) / 4, rel=1e-14)
    assert nf.predicted_floor(0.02, 4) / nf.predicted_floor(0.01, 4) == pytest.approx(2, rel=1e-2)


def test_predicted_floor_refuses_a_diverging_rate_in_korean():
    with pytest.raises(ValueError, match="안정 한계"):
        nf.predicted_floor(2.0 / max(nf.CURVATURES), 1)
    with pytest.raises(ValueError, match="배치 크기"):
        nf.predicted_floor(0.1, 0)
    with pytest.raises(ValueError, match="학습률"):
        nf.predicted_floor(-0.1, 1)
    with pytest.raises(TypeError, match="학습률"):
        nf.predicted_floor("0.1", 1)


def test_one_coordinate_settles_at_the_linear_recursion_variance():
    lam, lr, b = 0.5, 0.4, 2
    curve = nf.loss_curve(lr, b, steps=1500, seeds=400, curvatures=(lam,))
    tail = curve[500:]
    measured = math.fsum(tail) / len(tail)
    variance = lr * nf.SIGMA ** 2 / (b * lam * (2 - lr * lam))
    assert measured == pytest.approx(0.5 * lam * variance, rel=0.05)


@pytest.mark.parametrize("lr, b", [(0.2, 1), (0.05, 4)])
def test_measured_floor_matches_the_prediction(lr, b):
    assert nf.measured_floor(lr, b, steps=2000, seeds=200) == pytest.approx(nf.predicted_floor(lr, b), rel=0.03)


def test_a_smaller_rate_gives_a_lower_floor():
    high = nf.measured_floor(0.2, 4, steps=1200, seeds=100)
    low = nf.measured_floor(0.05, 4, steps=1200, seeds=100)
    assert low < high / 3


def test_decayed_rate_goes_below_the_constant_rate_floor():
    cmp_ = nf.constant_vs_decayed(0.2, 4, 100.0, steps=2000, seeds=200)
    tail = cmp_.constant[1000:]
    assert math.fsum(tail) / len(tail) == pytest.approx(cmp_.floor, rel=0.05)
    assert cmp_.decayed[-1] < cmp_.floor / 5
    assert cmp_.final_lr == pytest.approx(0.2 / (1 + 1999 / 100))
    assert "감쇠하는 η" in cmp_.summary()


def test_inverse_time_decay_meets_robbins_monro():
    schedule = nf.inverse_time_decay(0.2, 100.0)
    partial = [math.fsum(schedule(t) for t in range(n)) for n in (10**3, 10**4, 10**5)]
    assert partial[2] - partial[1] > 0.9 * (partial[1] - partial[0])   # grows like log t: no limit
    squares = math.fsum(schedule(t) ** 2 for t in range(10**5))
    assert squares < 0.2 ** 2 * (100 + 1) * 1.01                        # bounded by η₀²(t₀ + 1)
    with pytest.raises(ValueError, match="t₀"):
        nf.inverse_time_decay(0.2, 0)


def test_runs_are_reproducible_and_do_not_depend_on_the_thread_count():
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = nf.loss_curve(0.1, 4, steps=200, seeds=64)
        torch.set_num_threads(2)
        two = nf.loss_curve(0.1, 4, steps=200, seeds=64)
    finally:
        torch.set_num_threads(before)
    assert one == two
    assert nf.loss_curve(0.1, 4, steps=200, seeds=64, seed=1) != one


def test_floor_rows_print_their_numbers():
    row = nf.FloorRow(0.1, 4, 0.0257, 0.0256)
    assert row.ratio == pytest.approx(0.0257 / 0.0256)
    assert "0.02570" in str(row) and "0.02560" in str(row) and "B = 4" in str(row)


def test_figure_has_korean_labels():
    cmp_ = nf.constant_vs_decayed(0.2, 4, steps=300, seeds=16)
    table = [nf.FloorRow(0.2, 4, 0.05, 0.05), nf.FloorRow(0.1, 4, 0.026, 0.025)]
    fig = nf.figure(cmp_, table)
    left, right = fig.axes
    assert left.get_xlabel() == "스텝" and right.get_ylabel() == "측정한 바닥"
    assert len(left.get_legend().get_texts()) == 3
