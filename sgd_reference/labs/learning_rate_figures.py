r"""Lab 01 (학습률 감각): gradient descent on f(x) = (L/2)x² and on a 2-D quadratic, at any learning rate η.

One claim: the error is multiplied by 1 - ηL every step, so η < 1/L is slow, η = 1/L lands in one step,
1/L < η < 2/L oscillates while converging and η > 2/L diverges; in 2-D the steepest direction sets the limit 2/L.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from .. import validation
from ..teaching import plotting, widgets
from . import quadratic
from .valley_figures import COLORS, LOG_FLOOR, draw_contours, draw_error, draw_path, new_figure

X0 = 1.0
# The 2-D problem: f(x, y) = ½(m x² + L y²) with m = L / FLAT_RATIO, started off both axes.
FLAT_RATIO = 10.0
X0_2D = (-2.0, 1.0)
# η as a multiple of 1/L for the four behaviours of the chapter's table.
REGIME_MULTIPLES = (0.2, 1.0, 1.6, 2.2)


def regime(lr: float, curvature: float) -> str:
    """The chapter's five behaviours (and a sixth, η so small it does not move), named from ηL.

    Compared on ηL with a tolerance, not on the rounded 1 - ηL: a vanishing η (1e-17) gives 1 - ηL == 1.0 exactly,
    which is not divergence.
    """
    step = validation.real(lr, "학습률 η") * validation.real(curvature, "곡률 L")  # ηL
    if step < 1e-12:
        return "너무 작아 움직이지 않음"
    if math.isclose(step, 1.0, rel_tol=1e-12):
        return "한 스텝에 최솟값 도착"
    if step < 1:
        return "천천히 수렴"
    if math.isclose(step, 2.0, rel_tol=1e-12):
        return "같은 폭으로 계속 진동"
    if step < 2:
        return "진동하며 수렴"
    return "발산"


def _check(lr: float, steps: int, curvature: float) -> tuple[float, int, float]:
    """The settings as plain Python numbers (numpy scalars and 0-d tensors accepted), checked once here."""
    return (validation.positive(lr, "학습률 η"), validation.count(steps, "스텝 수"),
            validation.positive(curvature, "곡률 L"))


def _draw_parabola_path(ax, run: quadratic.Run, curvature: float, title: str) -> None:
    """x_t on the curve f(x) = (L/2)x², joined in order, so the zig-zag across the minimum is visible."""
    xs = run.points[:, 0]
    finite = xs[np.isfinite(xs)]
    half_width = 1.25 * X0
    grid = np.linspace(-half_width, half_width, 201)
    ax.plot(grid, 0.5 * curvature * grid**2, color="#999999", linewidth=1.2)
    inside = finite[np.abs(finite) <= half_width * 1.6]
    if len(inside) < len(finite):  # the iterate left the window: draw up to the first point outside
        inside = finite[: len(inside) + 1]
    shown = np.clip(inside, -half_width * 1.6, half_width * 1.6)
    ax.plot(shown, 0.5 * curvature * shown**2, "-o", color=COLORS["gd"], markersize=3.5, linewidth=1.0)
    ax.plot([shown[0]], [0.5 * curvature * shown[0] ** 2], "s", color="black", markersize=6, label="시작점 x0")
    ax.set_xlim(-half_width, half_width)
    ax.set_ylim(-0.05 * curvature * half_width**2, 0.62 * curvature * half_width**2)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x) = (L/2)x²")
    ax.set_title(title, fontsize=10)


def render_regimes(curvature: float = 4.0, steps: int = 8) -> tuple[Figure, str]:
    """Four panels side by side: η = 0.2/L (느림), 1/L (한 스텝), 1.6/L (진동), 2.2/L (발산)."""
    _, steps, curvature = _check(1.0, steps, curvature)
    fig = new_figure(12, 3.2)
    axes = fig.subplots(1, len(REGIME_MULTIPLES), sharey=True)
    lines = []
    for ax, multiple in zip(axes, REGIME_MULTIPLES):
        lr = multiple / curvature
        run = quadratic.run("gd", [curvature], [X0], lr, steps)
        factor = quadratic.gd_factor(lr, curvature)
        _draw_parabola_path(ax, run, curvature, f"η = {lr:.3g} ({multiple:g}/L)\n1 - ηL = {factor:+.2f}: {regime(lr, curvature)}")
        lines.append(f"η = {lr:<5.3g} ({multiple:g}/L): 1 - ηL = {factor:+.2f}, "
                     f"{steps}스텝 뒤 |x| = {abs(run.points[-1, 0]):.3g} → {regime(lr, curvature)}")
    for ax in axes[1:]:
        ax.set_ylabel("")
    fig.suptitle(f"f(x) = {curvature / 2:g}x² (L = {curvature:g}) 위의 경사 하강법 {steps}스텝: 1/L = {1 / curvature:g}, 2/L = {2 / curvature:g}")
    return fig, "\n".join(lines)


def render_learning_rate(lr: float = 0.4, steps: int = 20, curvature: float = 4.0) -> tuple[Figure, str]:
    """The lab's panel: path on the parabola, |x_t| (log), the multiplier |1 - ηL| against η, and the 2-D valley."""
    lr, steps, curvature = _check(lr, steps, curvature)
    run_1d = quadratic.run("gd", [curvature], [X0], lr, steps)
    flat = curvature / FLAT_RATIO
    run_2d = quadratic.run("gd", [flat, curvature], X0_2D, lr, steps)
    factor = quadratic.gd_factor(lr, curvature)
    limit = quadratic.gd_lr_limit(curvature)

    fig = new_figure(11, 7.6)
    (ax_path, ax_err), (ax_factor, ax_2d) = fig.subplots(2, 2)

    _draw_parabola_path(ax_path, run_1d, curvature, f"1차원: 1 - ηL = {factor:+.3g}, {regime(lr, curvature)}")

    draw_error(ax_err, run_1d, "경사 하강법 (측정)", COLORS["gd"], theory_rate=abs(factor),
               theory_label=f"이론 |1 - ηL|^t = {abs(factor):.3g}^t")
    ax_err.set_ylabel("최솟값까지의 거리 |x| (로그 눈금)")
    ax_err.set_title("최솟값까지의 거리: 매 스텝 |1 - ηL| 배", fontsize=10)
    ax_err.legend(fontsize=8, loc="best")

    # |1 - ηL| against η on log axes: the V with its bottom at 1/L, crossing 1 at 2/L.
    etas = np.geomspace(1e-3, 20, 400) / 1.0
    etas = np.union1d(etas, [1 / curvature])
    multipliers = np.abs(1 - etas * curvature)
    ax_factor.plot(etas, np.maximum(multipliers, 1e-3), color=COLORS["gd"], linewidth=1.6, label="|1 - ηL|")
    ax_factor.axhline(1.0, color="#999999", linewidth=1.0)
    ax_factor.axvline(1 / curvature, color="#55a868", linestyle="--", linewidth=1.2, label=f"1/L = {1 / curvature:.3g} (한 스텝)")
    ax_factor.axvline(limit, color="#c44e52", linestyle="--", linewidth=1.2, label=f"2/L = {limit:.3g} (발산 경계)")
    ax_factor.axvspan(limit, 20, color="#c44e52", alpha=0.08)
    ax_factor.plot([lr], [max(abs(factor), 1e-3)], "o", color="black", markersize=7, label=f"지금 η = {lr:.3g}")
    ax_factor.set_xscale("log")
    ax_factor.set_yscale("log")
    plotting.plain_log_ticks(ax_factor)
    ax_factor.set_xlim(1e-3, 20)
    ax_factor.set_ylim(1e-3, 100)
    ax_factor.set_xlabel("학습률 η (로그 눈금)")
    ax_factor.set_ylabel("한 스텝의 배율 |1 - ηL|")
    ax_factor.set_title("배율이 1보다 크면(빨간 영역) 발산", fontsize=10)
    ax_factor.legend(fontsize=8, loc="upper left")

    draw_contours(ax_2d, (flat, curvature), (-2.4, 2.4), (-1.6, 1.6))
    draw_path(ax_2d, run_2d, "경사 하강법", COLORS["gd"])
    f_flat, f_steep = quadratic.gd_factor(lr, flat), factor
    ax_2d.set_title(f"2차원 f = ½({flat:.3g}x² + {curvature:g}y²): 배율 x {f_flat:+.2f}, y {f_steep:+.2f}", fontsize=10)

    end = abs(run_1d.points[-1, 0])
    if regime(lr, curvature) == "발산":
        where = (f"{run_1d.diverged_at}스텝 만에 1e12배 넘게 커졌습니다" if run_1d.diverged_at is not None
                 else f"{steps}스텝 뒤 |x| = {end:.3g} (처음의 {end / X0:.3g}배)")
        text = (f"발산: η = {lr:.3g} > 2/L = {limit:.3g} 이라 매 스텝 거리가 |1 - ηL| = {abs(factor):.3g}배가 됩니다. "
                f"{where}.")
    else:
        text = (f"η = {lr:.3g}, L = {curvature:g}: 1 - ηL = {factor:+.3g} → {regime(lr, curvature)}. "
                f"{steps}스텝 뒤 |x| = {end:.3g} (발산 경계 2/L = {limit:.3g})")
    fig.suptitle(f"학습률 η = {lr:.3g}, 곡률 L = {curvature:g}, {steps}스텝", fontsize=12)
    return fig, text


def learning_rate_panel(lr: float = 0.4, steps: int = 20, curvature: float = 4.0) -> widgets.LivePanel:
    """Sliders for η (log, up to 10), the number of steps and the curvature L."""
    lr, steps, curvature = _check(lr, steps, curvature)
    controls = {
        "lr": widgets.log_slider("학습률 η", lr, 1e-3, 10.0),
        "steps": widgets.int_slider("스텝 수", steps, 1, 100),
        "curvature": widgets.log_slider("곡률 L", curvature, 0.1, 10.0),
    }
    return widgets.LivePanel(render_learning_rate, controls)


__all__ = ["regime", "render_regimes", "render_learning_rate", "learning_rate_panel", "LOG_FLOOR"]
