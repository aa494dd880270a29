"""Quadratic problems: the iterations are torch.optim.SGD's, and the theory (thresholds, optima, rates) matches runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from sgd_reference.labs import quadratic as q


def test_gd_run_is_the_closed_form_one_minus_eta_l_to_the_t():
    run = q.run("gd", [4.0], [1.0], 0.4, 10)
    np.testing.assert_allclose(run.points[:, 0], (1 - 0.4 * 4.0) ** np.arange(11), rtol=1e-12)


@pytest.mark.parametrize("method,kwargs", [("gd", {}), ("heavy_ball", {"momentum": 0.9}),
                                           ("nesterov", {"momentum": 0.9, "nesterov": True})])
def test_runs_are_torch_optim_sgd_bit_for_bit(method, kwargs):
    lam = torch.tensor([0.01, 1.0], dtype=torch.float64)
    p = torch.tensor([-2.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.5, **kwargs)
    run = q.run(method, (0.01, 1.0), (-2.0, 1.0), 0.5, 20, kwargs.get("momentum", 0.0))
    for t in range(1, 21):
        p.grad = lam * p.detach()
        opt.step()
        assert np.array_equal(run.points[t], p.detach().numpy())


@pytest.mark.parametrize("curvature", [0.5, 4.0, 10.0])
def test_gd_diverges_exactly_above_two_over_l(curvature):
    limit = q.gd_lr_limit(curvature)
    assert not q.run("gd", [curvature], [1.0], limit * 0.99, 200).grew
    assert q.run("gd", [curvature], [1.0], limit * 1.01, 200).grew


def test_one_over_l_reaches_the_minimum_in_one_step():
    assert q.run("gd", [4.0], [1.0], 0.25, 3).points[1, 0] == 0.0


def test_a_blow_up_is_cut_to_nan_and_marked_never_raising():
    run = q.run("gd", [4.0], [1.0], 10.0, 400)
    assert run.diverged_at is not None and run.grew
    assert np.all(np.isfinite(run.points[: run.diverged_at])) and np.all(np.isnan(run.points[run.diverged_at:]))


def test_momentum_stable_region_is_eta_lambda_below_two_plus_two_mu():
    mu = 0.5
    limit = q.momentum_lr_limit(1.0, mu)
    assert limit == pytest.approx(3.0)
    assert q.momentum_stable(limit * 0.99, mu, 1.0) and not q.momentum_stable(limit * 1.01, mu, 1.0)
    assert not q.run("heavy_ball", [1.0], [1.0], limit * 0.99, 3000, mu).grew
    assert q.run("heavy_ball", [1.0], [1.0], limit * 1.01, 3000, mu).grew


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
def test_optimal_momentum_measured_rate_matches_sqrt_kappa_formula(kappa):
    m, big = q.valley_curvatures(kappa)
    eta, mu = q.optimal_momentum(big, m)
    assert eta == pytest.approx((2 / (math.sqrt(big) + math.sqrt(m))) ** 2)
    assert mu == pytest.approx(((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2)
    run = q.run("heavy_ball", (m, big), (-2.0, 0.6), eta, 400, mu)
    expected = q.momentum_optimal_rate(kappa)
    assert q.rate("heavy_ball", eta, (m, big), mu) == pytest.approx(expected, rel=1e-6)
    # At the optimum the two roots coincide (error ~ t·rᵗ): the fit over [100, 200] sits within 1 % of r.
    assert q.measured_rate(run.distances[:201], start=100) == pytest.approx(expected, rel=0.01)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_gd_at_its_best_lr_converges_at_kappa_minus_one_over_kappa_plus_one(kappa):
    m, big = q.valley_curvatures(kappa)
    run = q.run("gd", (m, big), (-2.0, 0.6), q.gd_optimal_lr(big, m), 300)
    assert q.measured_rate(run.distances) == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-6)


@pytest.mark.parametrize("method,lr,mu", [("heavy_ball", 0.5, 0.9), ("nesterov", 0.5, 0.9), ("heavy_ball", 1.0, 0.5),
                                          ("nesterov", 1.0, 0.3)])
def test_theoretical_rate_matches_measured_rate(method, lr, mu):
    curv = q.valley_curvatures(30.0)
    run = q.run(method, curv, (-2.0, 0.6), lr, 600, mu)
    assert q.measured_rate(run.distances) == pytest.approx(q.rate(method, lr, curv, mu), rel=0.01)


def test_nesterov_is_stable_in_a_smaller_lr_range_than_heavy_ball():
    # Heavy ball: ηL < 2 + 2μ = 3.8; Nesterov: ηL < 2(1 + μ)/(1 + 2μ) ≈ 1.36 at μ = 0.9.
    assert q.rate("heavy_ball", 1.5, [1.0], 0.9) < 1 < q.rate("nesterov", 1.5, [1.0], 0.9)
    assert q.run("nesterov", [1.0], [1.0], 1.5, 300, 0.9).grew


def test_step_schedule_drops_the_lr_at_the_change_step():
    assert q.step_schedule(1.0, 5, 2, 0.1) == [1.0, 1.0, 0.1, 0.1, 0.1]


@pytest.mark.parametrize("bad", [
    lambda: q.run("adam", [1.0], [1.0], 0.1, 5),
    lambda: q.run("gd", [1.0, 2.0], [1.0], 0.1, 5),
    lambda: q.run("gd", [-1.0], [1.0], 0.1, 5),
    lambda: q.valley_curvatures(0.5),
    lambda: q.step_schedule(0.1, 5, -1),
])
def test_bad_input_gets_a_korean_value_error(bad):
    with pytest.raises(ValueError, match="[가-힣]"):
        bad()


def test_nesterov_without_momentum_is_gradient_descent():
    gd = q.run("gd", (0.1, 1.0), (1.0, 1.0), 0.5, 10)
    assert np.array_equal(q.run("nesterov", (0.1, 1.0), (1.0, 1.0), 0.5, 10, 0.0).points, gd.points)
