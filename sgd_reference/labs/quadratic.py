r"""Quadratic problems f(x) = ½ Σᵢ λᵢ xᵢ² and what theory says about SGD on them (labs 01, 04, 05).

On a quadratic with a diagonal Hessian every direction is its own 1-D problem, so the whole behaviour of gradient
descent, heavy-ball momentum and Nesterov momentum is set by a few numbers: the step multiplier 1 − ηλ, the roots of
a 2×2 iteration, and the condition number κ = L/m. The iterations themselves run through the core package
(:mod:`sgd_reference.nesterov`, i.e. ``torch.optim.SGD``'s arithmetic), so what the labs plot is PyTorch's momentum.

Pure computation: imports torch and numpy only.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .. import nesterov as _nesterov
from .. import validation

__all__ = [
    "METHODS",
    "Run",
    "valley_curvatures",
    "loss",
    "run",
    "gd_factor",
    "gd_lr_limit",
    "gd_optimal_lr",
    "gd_optimal_rate",
    "momentum_lr_limit",
    "momentum_stable",
    "optimal_momentum",
    "momentum_optimal_rate",
    "rate",
    "measured_rate",
    "step_schedule",
]

METHODS = ("gd", "heavy_ball", "nesterov")
METHOD_NAMES = {"gd": "경사 하강법", "heavy_ball": "헤비볼 모멘텀", "nesterov": "네스테로프 모멘텀"}

# A run whose distance to the minimum grows past this factor is cut there (marked diverged): beyond it the numbers
# only overflow to inf/NaN and say nothing more.
BLOWUP_FACTOR = 1e12


# ---------------------------------------------------------------------------------------------------------------
# Problems and runs
# ---------------------------------------------------------------------------------------------------------------

def valley_curvatures(kappa: float, largest: float = 1.0) -> tuple[float, float]:
    """(m, L) = (L/κ, L): a 2-D valley, flat along x (curvature m) and steep along y (curvature L)."""
    kappa = validation.real(kappa, "조건수 κ", minimum=1.0)
    largest = validation.positive(largest, "가장 큰 곡률 L")
    return (largest / kappa, largest)


def _curvatures(curvatures: float | Sequence[float]) -> np.ndarray:
    if validation.as_real(curvatures) is not None:
        values = [curvatures]
    elif isinstance(curvatures, Sequence) or isinstance(curvatures, np.ndarray):
        values = list(curvatures)
    else:
        raise validation.InvalidArgument(
            f"곡률은 수 또는 수의 목록이어야 합니다 (받은 값의 타입: {type(curvatures).__name__}).")
    if not values:
        raise validation.InvalidArgument("곡률이 하나 이상 필요합니다.")
    return np.array([validation.positive(v, "곡률 λ") for v in values], dtype=np.float64)


def _start_point(x0: object) -> np.ndarray:
    try:
        start = np.asarray(x0, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        start = None
    if start is None or not np.all(np.isfinite(start)):
        raise validation.InvalidArgument(f"시작점은 유한한 수의 목록이어야 합니다 (받은 값: {x0!r}).")
    return start


def loss(points: np.ndarray, curvatures: float | Sequence[float]) -> np.ndarray:
    """f(x) = ½ Σ λᵢ xᵢ² for each row of ``points`` (shape (n, d) or (d,))."""
    lam = _curvatures(curvatures)
    try:
        points = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        points = None
    if points is None or points.ndim == 0 or points.shape[-1] != lam.size:
        raise validation.InvalidArgument(f"points는 곡률 {lam.size}개에 맞는 (n, {lam.size}) 또는 ({lam.size},) 모양의 "
                                         "수 배열이어야 합니다.")
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * np.sum(lam * points**2, axis=-1)


@dataclass(frozen=True)
class Run:
    """One iteration on a quadratic: ``points[t]`` is x after t steps (NaN after a blow-up), shape (steps+1, d)."""

    method: str
    points: np.ndarray
    curvatures: tuple[float, ...]
    lrs: tuple[float, ...]
    momentum: float
    diverged_at: int | None

    @property
    def distances(self) -> np.ndarray:
        """‖x_t − x*‖ (the minimum is x* = 0)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.sqrt(np.sum(self.points**2, axis=-1))

    @property
    def losses(self) -> np.ndarray:
        return loss(self.points, self.curvatures)

    @property
    def grew(self) -> bool:
        """True when the run ends farther from the minimum than it started (or blew up): divergence, in words."""
        d = self.distances
        return self.diverged_at is not None or bool(d[-1] > d[0] * (1 + 1e-9))


def step_schedule(lr: float, steps: int, change_step: int, factor: float = 0.1) -> list[float]:
    """η for each of ``steps`` steps: ``lr`` before step ``change_step`` (0-based), ``lr·factor`` from it on."""
    lr = validation.positive(lr, "학습률 η")
    steps = validation.count(steps, "스텝 수", minimum=0)
    change_step = validation.integer(change_step, "학습률 변경 스텝", minimum=0)
    factor = validation.positive(factor, "학습률 배율")
    return [lr if t < change_step else lr * factor for t in range(steps)]


def run(method: str, curvatures: float | Sequence[float], x0: Sequence[float], lr: float | Sequence[float],
        steps: int, momentum: float = 0.0) -> Run:
    """Iterate ``method`` ('gd', 'heavy_ball', 'nesterov') from ``x0`` in float64 with PyTorch's SGD arithmetic.

    'gd' is ``torch.optim.SGD(lr)``, 'heavy_ball' adds ``momentum=μ`` (buffer form v ← μv + g, θ ← θ − ηv, which is
    Polyak's heavy ball), 'nesterov' adds ``nesterov=True``. ``lr`` may be one number or one per step. A run that
    blows up is cut where its distance passes ``BLOWUP_FACTOR`` × the start (NaN afterwards), never raising.
    """
    validation.choice(method, METHODS, "방법")
    lam = _curvatures(curvatures)
    start = _start_point(x0)
    if start.shape != lam.shape:
        raise validation.InvalidArgument(f"시작점의 차원({start.size})과 곡률의 개수({lam.size})가 같아야 합니다.")
    momentum = 0.0 if method == "gd" else validation.momentum(momentum)
    lam_t = torch.tensor(lam, dtype=torch.float64)

    def grad(theta: torch.Tensor) -> torch.Tensor:
        return lam_t * theta  # ∇f(x) = Λx

    theta0 = torch.tensor(start, dtype=torch.float64)
    # With μ = 0 Nesterov is plain gradient descent; torch (and the core) refuse nesterov=True with μ = 0.
    nesterov = method == "nesterov" and momentum > 0
    iterate = _nesterov.pytorch_nesterov_trajectory if nesterov else _nesterov.heavy_ball_trajectory
    trajectory = iterate(grad, theta0, lr, momentum, steps)
    points = trajectory.params.numpy().copy()

    with np.errstate(over="ignore", invalid="ignore"):
        dist = np.sqrt(np.sum(points**2, axis=-1))
    limit = max(dist[0], 1e-300) * BLOWUP_FACTOR
    bad = np.flatnonzero(~np.isfinite(dist) | (dist > limit))
    diverged_at = int(bad[0]) if bad.size else None
    if diverged_at is not None:
        points[diverged_at:] = np.nan
    lrs = (validation.as_real(lr),) * steps if validation.as_real(lr) is not None else tuple(float(v) for v in lr)
    return Run(method, points, tuple(float(v) for v in lam), lrs, float(momentum), diverged_at)


# ---------------------------------------------------------------------------------------------------------------
# Theory
# ---------------------------------------------------------------------------------------------------------------

def gd_factor(lr: float, curvature: float) -> float:
    """1 − ηλ: what one gradient-descent step multiplies the error by along a direction of curvature λ."""
    return 1.0 - validation.real(lr, "학습률 η") * validation.real(curvature, "곡률 λ")


def gd_lr_limit(largest_curvature: float) -> float:
    """2/L: gradient descent diverges for η above it (|1 − ηL| > 1)."""
    return 2.0 / validation.positive(largest_curvature, "곡률 L")


def gd_optimal_lr(largest: float, smallest: float) -> float:
    """2/(L + m): balances the slowest and the steepest direction (|1 − ηm| = |1 − ηL|)."""
    return 2.0 / (validation.positive(largest, "곡률 L") + validation.positive(smallest, "곡률 m"))


def gd_optimal_rate(kappa: float) -> float:
    """(κ − 1)/(κ + 1): gradient descent's best rate per step on a quadratic with condition number κ."""
    kappa = validation.positive(kappa, "조건수 κ")
    return (kappa - 1.0) / (kappa + 1.0)


def momentum_lr_limit(largest_curvature: float, momentum: float) -> float:
    """(2 + 2μ)/L: heavy-ball momentum is stable exactly when 0 < ηλ < 2 + 2μ for every curvature λ."""
    return (2.0 + 2.0 * validation.momentum(momentum)) / validation.positive(largest_curvature, "곡률 L")


def momentum_stable(lr: float, momentum: float, curvature: float) -> bool:
    """0 < ηλ < 2 + 2μ (with 0 ≤ μ < 1): the stable region of heavy-ball momentum along one direction."""
    lr, curvature = validation.real(lr, "학습률 η"), validation.real(curvature, "곡률 λ")
    momentum = validation.real(momentum, "모멘텀 μ")
    return 0.0 <= momentum < 1.0 and 0.0 < lr * curvature < 2.0 + 2.0 * momentum


def optimal_momentum(largest: float, smallest: float) -> tuple[float, float]:
    """(η*, μ*) = ((2/(√L + √m))², ((√κ − 1)/(√κ + 1))²): the best heavy-ball parameters for a quadratic."""
    big, small = validation.positive(largest, "곡률 L"), validation.positive(smallest, "곡률 m")
    root_kappa = math.sqrt(big / small)
    return (2.0 / (math.sqrt(big) + math.sqrt(small))) ** 2, ((root_kappa - 1.0) / (root_kappa + 1.0)) ** 2


def momentum_optimal_rate(kappa: float) -> float:
    """(√κ − 1)/(√κ + 1): heavy-ball's rate per step at (η*, μ*) — √κ where gradient descent has κ."""
    root_kappa = math.sqrt(validation.positive(kappa, "조건수 κ"))
    return (root_kappa - 1.0) / (root_kappa + 1.0)


def _direction_rate(method: str, lr: float, momentum: float, lam: float) -> float:
    """Spectral radius of the iteration along one direction: the largest |z| of its characteristic polynomial."""
    a = lr * lam
    if method == "gd" or momentum == 0:
        return abs(1.0 - a)
    if method == "heavy_ball":  # x_{t+1} = (1 + μ − ηλ) x_t − μ x_{t−1}
        b, c = 1.0 + momentum - a, momentum
    else:  # nesterov: x_{t+1} = (1 + μ)(1 − ηλ) x_t − μ(1 − ηλ) x_{t−1}
        b, c = (1.0 + momentum) * (1.0 - a), momentum * (1.0 - a)
    root = cmath.sqrt(b * b - 4.0 * c)
    return max(abs((b + root) / 2.0), abs((b - root) / 2.0))


def rate(method: str, lr: float, curvatures: float | Sequence[float], momentum: float = 0.0) -> float:
    """Theoretical rate per step (the error shrinks like rateᵗ; > 1 means divergence), worst over the directions."""
    validation.choice(method, METHODS, "방법")
    lr, momentum = validation.nonnegative(lr, "학습률 η"), validation.momentum(momentum)
    return max(_direction_rate(method, lr, momentum, float(lam)) for lam in _curvatures(curvatures))


def measured_rate(distances: Sequence[float], start: int | None = None) -> float:
    """Fit log‖x_t‖ ≈ a + t·log r by least squares over t ≥ ``start`` (default: the second half); returns r.

    Oscillating iterations (complex roots) wobble around the line, which a fit over many steps averages out.
    Values that are NaN, zero or at the float64 floor are left out. NaN when fewer than 3 points remain.
    """
    d = np.asarray(validation.reals(distances, "거리 distances", finite=False, nonempty=False), dtype=np.float64)
    t = np.arange(d.size)
    first = d.size // 2 if start is None else validation.integer(start, "시작 스텝 start", minimum=0)
    keep = (t >= first) & np.isfinite(d) & (d > 1e-280)
    if keep.sum() < 3:
        return float("nan")
    slope = np.polyfit(t[keep], np.log(d[keep]), 1)[0]
    return float(math.exp(slope))
