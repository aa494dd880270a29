"""Drawing pieces shared by the quadratic labs (01, 04, 05): contours with paths, and error curves on a log scale.

Each helper draws into an axis it is given, so a lab's render function decides the layout. Paths that leave the
window or blow up (NaN) are clipped to a fixed window: the contours stay readable at any slider value.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import validation
from ..teaching import plotting
from .quadratic import Run, loss

COLORS = {"gd": "#4c72b0", "heavy_ball": "#dd8452", "nesterov": "#55a868", "theory": "#333333"}
# Floor for errors of exactly 0 on a log axis (e.g. η = 1/L reaches the minimum in one step).
LOG_FLOOR = 1e-18


# Beyond about 1e6 the optimal momentum ((√κ−1)/(√κ+1))² rounds towards 1 and the valley's flat side never moves
# in a few hundred steps: the figures would show nothing the chapter explains.
KAPPA_MAX = 1e6


def check_kappa(kappa: float) -> float:
    """The condition number first: the default η and μ are computed from it."""
    return validation.real(kappa, "조건수 κ", minimum=1.0, maximum=KAPPA_MAX)


def check_valley_settings(lr: float, momentum: float, kappa: float, steps: int) -> tuple[float, float, float, int]:
    """Korean errors for the slider values every valley figure takes (η, μ, κ, steps); returns them as plain numbers."""
    kappa = check_kappa(kappa)
    lr = validation.positive(lr, "학습률 η")
    return lr, validation.momentum(momentum), kappa, validation.count(steps, "스텝 수", minimum=2)


def new_figure(width: float, height: float) -> Figure:
    """A fresh non-pyplot Figure with the Korean font set up (nothing auto-displays, nothing leaks)."""
    plotting.use_korean_font()
    return Figure(figsize=(width, height), layout="constrained")


def draw_contours(ax, curvatures, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    """Level sets of f(x, y) = ½(λ₁x² + λ₂y²), log-spaced so the flat floor of the valley shows too."""
    xs = np.linspace(*xlim, 241)
    ys = np.linspace(*ylim, 241)
    grid_x, grid_y = np.meshgrid(xs, ys)
    values = loss(np.stack([grid_x, grid_y], axis=-1), curvatures)
    top = float(values.max())
    levels = np.geomspace(top * 1e-4, top, 14)
    ax.contour(grid_x, grid_y, values, levels=levels, colors="#bbbbbb", linewidths=0.8)
    ax.plot([0], [0], marker="*", color="black", markersize=11, linestyle="none")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x (완만한 방향)")
    ax.set_ylabel("y (가파른 방향)")


def draw_path(ax, run: Run, label: str, color: str, max_points: int = 400, alpha: float = 1.0) -> None:
    """The iterates x0, x₁, ... joined by lines; a blown-up run is drawn up to where it left the window."""
    pts = run.points[: max_points + 1]
    finite = np.all(np.isfinite(pts), axis=1)
    pts = pts[finite]
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    # Clip to a bit beyond the window so matplotlib never sees astronomically large coordinates.
    span = max(xlim[1] - xlim[0], ylim[1] - ylim[0]) * 10
    pts = np.clip(pts, -span, span)
    ax.plot(pts[:, 0], pts[:, 1], "-o", color=color, markersize=2.5, linewidth=1.0, alpha=alpha, label=label)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)


def draw_error(ax, run: Run, label: str, color: str, *, theory_rate: float | None = None,
               theory_label: str | None = None) -> None:
    """‖x_t‖ on a log axis, and optionally the theory line ‖x0‖·rate^t over it (dashed)."""
    d = run.distances
    t = np.arange(d.size)
    shown = np.where(d == 0, LOG_FLOOR, d)
    ax.plot(t, shown, "-o", color=color, linewidth=1.4, markersize=2.5, label=label)
    values = list(shown)
    usable = np.flatnonzero(np.isfinite(d) & (d > LOG_FLOOR))
    if theory_rate is not None and np.isfinite(theory_rate) and theory_rate > 0 and usable.size:
        # Anchor the line in the middle of the measured curve: the slope is the claim, not the start-up transient.
        anchor = int(usable[usable.size // 2])
        with np.errstate(over="ignore", under="ignore"):
            line = d[anchor] * theory_rate ** (t - anchor).astype(np.float64)
        line = np.where((line > LOG_FLOOR) & (line < d[0] * 1e12), line, np.nan)
        ax.plot(t, line, linestyle="--", color=color, linewidth=1.0, alpha=0.9,
                label=theory_label or f"이론 {theory_rate:.3f}^t")
        values += [v for v in line if np.isfinite(v)]
    ax.set_yscale("log")
    plotting.plain_log_ticks(ax, "y")
    plotting.finite_ylim(ax, values)
    ax.set_xlabel("스텝 t")
    ax.set_ylabel("최솟값까지의 거리 ‖x‖")


def finite_axes_limits(fig: Figure) -> bool:
    """True when every axis of ``fig`` has finite limits (a test helper: a diverging run must stay readable)."""
    return all(np.all(np.isfinite(ax.get_xlim())) and np.all(np.isfinite(ax.get_ylim())) for ax in fig.axes)
