r"""Lab 05 (네스테로프): 헤비볼 모멘텀 against Nesterov on one valley, and the two ways of writing Nesterov.

Two claims. (1) On the same valley with the same (η, μ), Nesterov damps the steep direction (its characteristic
roots shrink with 1 - ηL) while the slow direction, which sets the rate, is nearly the same for both.
(2) The source document's look-ahead form and ``torch.optim.SGD(nesterov=True)`` are the same iteration after
the change of variables φ = θ - ημv at a constant learning rate, and different ones once η changes between steps.
The iterations are the core's (:mod:`sgd_reference.nesterov`), not re-implemented here.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib.figure import Figure

from .. import nesterov as nv
from .. import validation
from ..teaching import plotting, widgets
from . import quadratic
from .valley_figures import COLORS, LOG_FLOOR, check_kappa, check_valley_settings, draw_contours, draw_error, draw_path, new_figure

X0 = (-2.0, 0.6)
XLIM, YLIM = (-2.4, 2.4), (-1.6, 1.6)
LARGEST = 1.0
PATH_STEPS = 60
SCHEDULE_FACTOR = 0.1  # the step schedule: η becomes η·0.1 at the change step


def form_differences(lrs, momentum: float, kappa: float, x0=X0) -> np.ndarray:
    """Relative difference max|φ_t - (θ_t - η_t μ v_t)| per step (float64; NaN once both blow up).

    Relative to the largest |θ|, |ημv|, |φ| seen so far (the numbers the roundoff comes from), so a run that grows
    to 1e30 is compared at its own scale and one that lands exactly on 0 is not divided by 0; float64 gives ~1e-16.

    ``lrs`` holds η for each step; θ_t, v_t come from the look-ahead form, φ_t from ``nesterov=True``, and each
    θ_t is mapped with the η of the step that produced it (the core's test does the same).
    """
    lrs = validation.reals(lrs, "학습률 목록 lrs", minimum=0.0, nonempty=False)
    momentum, kappa = validation.momentum(momentum), check_kappa(kappa)
    start = validation.reals(x0, "시작점 x0")
    if len(start) != 2:
        raise validation.InvalidArgument(f"시작점 x0은(는) 골짜기의 두 좌표여야 합니다 (받은 값의 길이: {len(start)}).")
    m, big = quadratic.valley_curvatures(kappa, LARGEST)
    lam = torch.tensor([m, big], dtype=torch.float64)
    theta0 = torch.tensor(start, dtype=torch.float64)

    def grad(theta: torch.Tensor) -> torch.Tensor:
        return lam * theta

    look = nv.lookahead_nesterov_trajectory(grad, theta0, lrs, momentum, len(lrs))
    # μ = 0: both forms are gradient descent (torch refuses nesterov=True without momentum).
    torch_iterate = nv.pytorch_nesterov_trajectory if momentum > 0 else nv.heavy_ball_trajectory
    torch_form = torch_iterate(grad, theta0, lrs, momentum, len(lrs))
    diffs = [0.0]  # t = 0: both start at x0 with v = 0
    scale = float(theta0.abs().max())
    for t in range(1, len(lrs) + 1):
        mapped = nv.lookahead_to_pytorch(look.params[t], look.velocities[t], lrs[t - 1], momentum)
        phi = torch_form.params[t]
        # The scale of the numbers in the subtraction θ - ημv: roundoff is relative to the largest of them.
        step_term = lrs[t - 1] * momentum * look.velocities[t]
        scale = max(scale, float(look.params[t].abs().max()), float(step_term.abs().max()), float(phi.abs().max()))
        if not math.isfinite(scale):
            diffs.append(math.nan)  # both forms blew up: nothing left to compare
        else:
            diffs.append(float((mapped - phi).abs().max()) / scale if scale > 0 else 0.0)
    return np.array(diffs)


def _rate_text(measured: float) -> str:
    """A measured rate, or why there is none (the error hit exactly 0, e.g. ηL = 1 lands in one step)."""
    return f"{measured:.4f}" if math.isfinite(measured) else "없음(오차가 곧바로 0이 됨)"


def _check(lr: float, momentum: float, kappa: float, change_step: int, steps: int) -> tuple:
    lr, momentum, kappa, steps = check_valley_settings(lr, momentum, kappa, steps)
    return lr, momentum, kappa, validation.integer(change_step, "학습률 변경 스텝", minimum=0, maximum=steps), steps


def render_nesterov(lr: float = 0.5, momentum: float = 0.9, kappa: float = 100.0, change_step: int = 30,
                    steps: int = 150) -> tuple[Figure, str]:
    """Paths and error curves (heavy-ball vs Nesterov), and the look-ahead vs PyTorch difference per step."""
    lr, momentum, kappa, change_step, steps = _check(lr, momentum, kappa, change_step, steps)
    m, big = quadratic.valley_curvatures(kappa, LARGEST)
    curv = (m, big)
    runs = {method: quadratic.run(method, curv, X0, lr, steps, momentum) for method in ("heavy_ball", "nesterov")}
    theory = {method: quadratic.rate(method, lr, curv, momentum) for method in runs}
    measured = {method: quadratic.measured_rate(r.distances) for method, r in runs.items()}
    names = {"heavy_ball": "헤비볼 모멘텀", "nesterov": "네스테로프"}

    constant = form_differences([lr] * steps, momentum, kappa)
    schedule = quadratic.step_schedule(lr, steps, change_step, SCHEDULE_FACTOR)
    scheduled = form_differences(schedule, momentum, kappa)
    max_constant = float(np.nanmax(constant)) if np.isfinite(constant).any() else math.nan
    max_scheduled = float(np.nanmax(scheduled)) if np.isfinite(scheduled).any() else math.nan

    fig = new_figure(15, 4.6)
    ax_path, ax_err, ax_forms = fig.subplots(1, 3)

    draw_contours(ax_path, curv, XLIM, YLIM)
    for method, run in runs.items():
        draw_path(ax_path, run, names[method], COLORS[method], PATH_STEPS, alpha=0.85)
    ax_path.set_title(f"η = {lr:.3g}, μ = {momentum:.3g}, κ = {kappa:.3g}: 처음 {min(steps, PATH_STEPS)}스텝", fontsize=10)
    ax_path.legend(fontsize=8, loc="lower right")

    for method, run in runs.items():
        rate = theory[method]
        draw_error(ax_err, run, f"{names[method]} (측정)", COLORS[method],
                   theory_rate=rate if rate < 1 else None, theory_label=f"이론 수렴 속도 {rate:.3f}")
    plotting.finite_ylim(ax_err, [v for r in runs.values() for v in r.distances])
    ax_err.set_title("거리(로그 눈금): 같은 η, μ 에서 두 방법", fontsize=10)
    ax_err.legend(fontsize=8, loc="lower left")

    t = np.arange(steps + 1)
    ax_forms.plot(t, np.maximum(constant, LOG_FLOOR), color="#4c72b0", linewidth=1.6, zorder=3,
                  label=f"학습률 일정: 최대 {max_constant:.1e}")
    ax_forms.plot(t, np.maximum(scheduled, LOG_FLOOR), color="#c44e52", linewidth=1.6,
                  label=f"스텝 {change_step}에서 η × {SCHEDULE_FACTOR:g}: 최대 {max_scheduled:.1e}")
    ax_forms.axvline(change_step, color="#c44e52", linestyle=":", linewidth=1.0)
    ax_forms.set_yscale("log")
    plotting.plain_log_ticks(ax_forms, "y")
    ax_forms.set_ylim(LOG_FLOOR / 10, 10)
    ax_forms.set_xlabel("스텝 t")
    ax_forms.set_ylabel("상대 차이 |φ - (θ - ημv)|")
    ax_forms.set_title("look-ahead 형태 vs PyTorch nesterov=True (0은 1e-18에 표시)", fontsize=10)
    ax_forms.legend(fontsize=8, loc="center right")

    parts = []
    for method in runs:
        if runs[method].grew or theory[method] >= 1:
            parts.append(f"{names[method]}: 발산 (이론 배율 {theory[method]:.3g} > 1)")
        else:
            parts.append(f"{names[method]} 측정 수렴 속도 {_rate_text(measured[method])} (이론 {theory[method]:.4f})")
    parts.append(f"두 네스테로프 형태의 최대 상대 차이: 학습률 일정 {max_constant:.1e}, "
                 f"스텝 {change_step}에서 학습률을 바꾸면 {max_scheduled:.1e}")
    return fig, widgets.StatusLine(
        ". ".join(parts) + ".", measured_rates=measured, theory_rates=theory, max_constant_difference=max_constant,
        max_scheduled_difference=max_scheduled)


def nesterov_panel(lr: float = 0.5, momentum: float = 0.9, kappa: float = 100.0, change_step: int = 30,
                   steps: int = 150) -> widgets.LivePanel:
    """Sliders for η (log), μ, κ (log) and the step at which the learning rate drops (학습률 변경 스텝)."""
    lr, momentum, kappa, change_step, steps = _check(lr, momentum, kappa, change_step, steps)
    controls = {
        "lr": widgets.log_slider("학습률 η", lr, 1e-2, 10.0),
        "momentum": widgets.float_slider("모멘텀 μ", momentum, 0.0, 0.99, 0.01),
        "kappa": widgets.log_slider("조건수 κ", kappa, 1.0, 1000.0),
        "change_step": widgets.int_slider("학습률 변경 스텝", change_step, 0, steps),
    }
    return widgets.LivePanel(lambda **values: render_nesterov(steps=steps, **values), controls)


__all__ = ["form_differences", "render_nesterov", "nesterov_panel"]
