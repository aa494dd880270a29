r"""SGD's noise floor: with a constant learning rate the loss stops falling at a level ∝ ησ²/B; a decaying rate goes on.

The problem is the quadratic L(θ) = ½ Σ_i λ_i θ_i², and a mini-batch gradient is the exact gradient plus independent
Gaussian noise of variance σ²/B in each coordinate (the variance of a mean of B samples whose own variance is σ²).
For SGD θ ← θ − η(λθ + ξ) each coordinate is a linear recursion x ← (1 − ηλ)x − ηξ, whose stationary variance is
η²(σ²/B)/(1 − (1 − ηλ)²) = ησ²/(Bλ(2 − ηλ)). The expected loss therefore settles at

    floor(η, B) = Σ_i ½λ_i · ησ²/(Bλ_i(2 − ηλ_i)) = Σ_i ησ²/(2B(2 − ηλ_i))  ≈  d·ησ²/(4B)   when ηλ ≪ 1,

whatever the start: the floor is proportional to ησ²/B. A schedule with Σ η_t = ∞ and Σ η_t² < ∞ (Robbins & Monro,
1951), such as η_t = η₀/(1 + t/t₀), keeps lowering the floor and converges.

Why the numbers are portable: everything is float64, the noise comes from a seeded ``torch.Generator``, the steps use
elementwise operations only, and every sum over seeds or steps is ``math.fsum`` (exactly rounded, so independent of
the order a CPU kernel would add in). The printed results are the same on every ``ATEN_CPU_CAPABILITY`` and thread
count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch

from .. import validation

CURVATURES = (1.0, 0.5, 0.2, 0.1)   # λ_i of the quadratic; κ = 10
SIGMA = 1.0                         # per-sample gradient noise (standard deviation per coordinate)
START = 2.0                         # θ_0 in every coordinate, far above the floor
SEEDS = 400                         # independent runs averaged at each step
STEPS = 3000

Schedule = Callable[[int], float]


def predicted_floor(lr: float, batch_size: int, curvatures=CURVATURES, sigma: float = SIGMA) -> float:
    """Stationary expected loss of constant-η SGD: Σ_i ησ²/(2B(2 − ηλ_i)). Needs ηλ_i < 2 (else SGD diverges)."""
    lr, batch_size = validation.positive(lr, "학습률 η"), validation.integer(batch_size, "배치 크기", minimum=1)
    curvatures = validation.reals(curvatures, "곡률 목록 curvatures", above=0.0)
    sigma = validation.nonnegative(sigma, "잡음 σ sigma", maximum=1e150)  # σ² must still be a float
    if any(lr * lam >= 2 for lam in curvatures):
        raise ValueError(f"학습률 η = {lr:g} 는 안정 한계 2/λ_max = {2 / max(curvatures):g} 이상이라 바닥이 없습니다 (발산).")
    return math.fsum(lr * sigma ** 2 / (2 * batch_size * (2 - lr * lam)) for lam in curvatures)


def loss_curve(lr: float | Schedule, batch_size: int, *, steps: int = STEPS, seeds: int = SEEDS, seed: int = 0,
               curvatures=CURVATURES, sigma: float = SIGMA) -> list[float]:
    """Mean loss over ``seeds`` runs after each step (``steps`` values). ``lr`` is a number or a function of the step t."""
    schedule = lr if callable(lr) else (lambda t, _lr=validation.positive(lr, "학습률 η"): _lr)
    batch_size = validation.integer(batch_size, "배치 크기", minimum=1)
    steps, seeds = validation.count(steps, "스텝 수"), validation.count(seeds, "평균 낼 실행 수 seeds")
    curvatures = validation.reals(curvatures, "곡률 목록 curvatures", above=0.0)
    sigma = validation.nonnegative(sigma, "잡음 σ sigma", maximum=1e150)  # σ² must still be a float
    gen = torch.Generator().manual_seed(validation.seed(seed))
    lams = torch.tensor(curvatures, dtype=torch.float64)
    theta = torch.full((seeds, len(curvatures)), START, dtype=torch.float64)
    noise_std = sigma / math.sqrt(batch_size)
    half_lams = [0.5 * lam for lam in curvatures]
    curve = []
    for t in range(steps):
        eta = validation.real(schedule(t), f"스텝 {t}의 학습률")
        noise = torch.randn(seeds, len(curvatures), generator=gen, dtype=torch.float64)
        grad = lams * theta + noise_std * noise          # exact gradient + mini-batch noise
        theta = theta - eta * grad                       # one SGD step (separate mul and sub: no fused rounding)
        per_run = half_lams[0] * theta[:, 0] * theta[:, 0]
        for i in range(1, len(half_lams)):               # coordinates added one by one, in a fixed order
            per_run = per_run + half_lams[i] * theta[:, i] * theta[:, i]
        curve.append(math.fsum(per_run.tolist()) / seeds)
    return curve


def measured_floor(lr: float, batch_size: int, *, steps: int = STEPS, seeds: int = SEEDS, seed: int = 0) -> float:
    """Time average of the mean loss over the second half of a constant-η run (the first half is the descent)."""
    steps = validation.count(steps, "스텝 수")
    curve = loss_curve(lr, batch_size, steps=steps, seeds=seeds, seed=seed)
    tail = curve[steps // 2:]
    return math.fsum(tail) / len(tail)


@dataclass(frozen=True)
class FloorRow:
    lr: float
    batch_size: int
    measured: float
    predicted: float

    @property
    def ratio(self) -> float:
        return self.measured / self.predicted

    def __str__(self) -> str:
        return (f"η = {self.lr:<5g} B = {self.batch_size:<3d} 측정한 바닥 {self.measured:.5f}   "
                f"예측 {self.predicted:.5f}   비 {self.ratio:.3f}")


def floor_table(lrs=(0.2, 0.1, 0.05), batch_sizes=(1, 4, 16), *, steps: int = STEPS, seeds: int = SEEDS) -> list[FloorRow]:
    """Measured floor against the prediction for every (η, B), on the same noise (seed 0)."""
    lrs = validation.reals(lrs, "학습률 목록 lrs", above=0.0)
    batch_sizes = validation.integers(batch_sizes, "배치 크기 목록 batch_sizes", minimum=1)
    return [FloorRow(lr, b, measured_floor(lr, b, steps=steps, seeds=seeds), predicted_floor(lr, b))
            for lr in lrs for b in batch_sizes]


def inverse_time_decay(lr0: float, t0: float) -> Schedule:
    """η_t = η₀/(1 + t/t₀): Σ η_t diverges (like log t) and Σ η_t² converges, the Robbins–Monro conditions."""
    lr0, t0 = validation.positive(lr0, "처음 학습률 η₀"), validation.positive(t0, "t₀")
    return lambda t: lr0 / (1 + t / t0)


@dataclass(frozen=True)
class DecayComparison:
    steps: int
    constant: list[float]
    decayed: list[float]
    floor: float            # predicted floor of the constant rate
    final_lr: float         # the decayed rate at the last step

    def summary(self) -> str:
        return (f"{self.steps}스텝 뒤 평균 손실: 일정한 η {self.constant[-1]:.5f} (예측 바닥 {self.floor:.5f}), "
                f"감쇠하는 η {self.decayed[-1]:.5f} (마지막 η = {self.final_lr:.4f}, "
                f"바닥의 {self.decayed[-1] / self.floor:.2f}배)")


def constant_vs_decayed(lr: float = 0.2, batch_size: int = 4, t0: float = 100.0, *, steps: int = STEPS,
                        seeds: int = SEEDS) -> DecayComparison:
    """The same noise (seed 0) under a constant η and under η/(1 + t/t₀) from the same start."""
    steps = validation.count(steps, "스텝 수")
    schedule = inverse_time_decay(lr, t0)
    return DecayComparison(steps, loss_curve(lr, batch_size, steps=steps, seeds=seeds),
                           loss_curve(schedule, batch_size, steps=steps, seeds=seeds),
                           predicted_floor(lr, batch_size), schedule(steps - 1))


def figure(comparison: DecayComparison, table: list[FloorRow]):
    """Left: loss against step, constant vs decayed η, with the predicted floor. Right: measured vs predicted floors."""
    from matplotlib.figure import Figure

    from ..teaching.plotting import plain_log_ticks, use_korean_font

    validation.instance(comparison, DecayComparison, "comparison", "DecayComparison (constant_vs_decayed의 결과)")
    table = validation.instances(table, FloorRow, "table", "FloorRow (floor_table의 결과)")
    use_korean_font()
    fig = Figure(figsize=(10, 3.6))
    left, right = fig.subplots(1, 2)
    steps = range(1, comparison.steps + 1)
    left.plot(steps, comparison.constant, color="tab:blue", label="일정한 학습률 η")
    left.plot(steps, comparison.decayed, color="tab:orange", label=r"감쇠하는 학습률 $\eta_0/(1 + t/t_0)$")
    left.axhline(comparison.floor, color="black", linestyle="--", linewidth=1, label="예측한 바닥 (일정한 η)")
    left.set_xscale("log")
    left.set_yscale("log")
    plain_log_ticks(left)
    left.set_xlabel("스텝")
    left.set_ylabel("평균 손실")
    left.set_title("일정한 η 는 바닥에서 멈추고, 감쇠하는 η 는 더 내려간다", fontsize=10)
    left.legend(fontsize=8)
    predicted = [row.predicted for row in table]
    right.plot(predicted, [row.measured for row in table], "o", color="tab:green", label="측정 (η, B 조합마다)")
    span = [min(predicted) * 0.8, max(predicted) * 1.25]
    right.plot(span, span, color="gray", linewidth=1, label="측정 = 예측")
    right.set_xscale("log")
    right.set_yscale("log")
    plain_log_ticks(right)
    right.set_xlabel(r"예측한 바닥 $\sum_i \eta\sigma^2/(2B(2-\eta\lambda_i))$")
    right.set_ylabel("측정한 바닥")
    right.set_title("바닥은 ησ²/B 에 비례한다", fontsize=10)
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig
