r"""Lab 04 (모멘텀): PyTorch's momentum on an ill-conditioned 2-D valley, theory drawn over the measurement.

In the spirit of Distill's "Why Momentum Really Works": one valley f = ½(m x² + L y²) with κ = L/m, the path,
the error on a log scale with the theoretical rate as a dashed line, and the stable region 0 < ηλ < 2 + 2μ with
the two eigenvalues of the valley placed in it. The iteration is ``torch.optim.SGD(momentum=μ)``'s buffer form
(v ← μv + g, θ ← θ - ηv), which is exactly Polyak's heavy ball.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from .. import validation
from ..teaching import plotting, widgets
from . import quadratic
from .valley_figures import COLORS, check_kappa, check_valley_settings, draw_contours, draw_error, draw_path, new_figure

X0 = (-2.0, 0.6)
PATH_STEPS = 60  # the path panel shows the first steps; the error panel shows all of them
XLIM, YLIM = (-2.4, 2.4), (-1.6, 1.6)
LARGEST = 1.0  # L; the valley's flat curvature is m = L/κ
DEFAULT_KAPPA = 100.0


def default_parameters(kappa: float = DEFAULT_KAPPA) -> tuple[float, float]:
    """(η*, μ*) for the valley with condition number κ: the panel starts at the optimum."""
    m, big = quadratic.valley_curvatures(kappa, LARGEST)
    return quadratic.optimal_momentum(big, m)


def draw_stable_region(ax, lr: float, momentum: float, curvatures) -> None:
    """The (ηλ, μ) plane: shaded where 0 < ηλ < 2 + 2μ; one marker per eigenvalue λ of the valley."""
    right = min(max(4.5, 1.15 * lr * max(curvatures)), 40.0)
    mus = np.linspace(0, 0.999, 200)
    ax.fill_betweenx(mus, 0, 2 + 2 * mus, color="#55a868", alpha=0.18, label="안정 영역 0 < ηλ < 2 + 2μ")
    ax.plot(2 + 2 * mus, mus, color="#55a868", linewidth=1.4)
    ax.axvline(2.0, color="#999999", linestyle=":", linewidth=1.2, label="경사 하강법(μ = 0)의 경계 ηλ = 2")
    names = ("완만한 방향 ηm", "가파른 방향 ηL")
    for lam, name, marker in zip(curvatures, names, ("o", "s")):
        inside = quadratic.momentum_stable(lr, momentum, lam)
        ax.plot([min(lr * lam, right * 0.98)], [momentum], marker, markersize=8, color="black" if inside else "#c44e52",
                label=f"{name} = {lr * lam:.3g}" + ("" if inside else " (영역 밖: 발산)"))
    ax.set_xlim(0, right)
    ax.set_ylim(0, 1)
    ax.set_xlabel("ηλ")
    ax.set_ylabel("모멘텀 μ")
    ax.set_title("고윳값마다 안정 조건: 0 < ηλ < 2 + 2μ", fontsize=10)
    ax.legend(fontsize=7.5, loc="upper left")


def render_momentum(lr: float | None = None, momentum: float | None = None, kappa: float = DEFAULT_KAPPA,
                    steps: int = 200) -> tuple[Figure, str]:
    """Path, error curve with theory and the stable region, for momentum (η, μ) against GD at its best η."""
    kappa = check_kappa(kappa)  # before the defaults: a κ out of range must be named, not the μ computed from it
    if lr is None or momentum is None:
        best_lr, best_mu = default_parameters(kappa)
        lr = best_lr if lr is None else lr
        momentum = best_mu if momentum is None else momentum
    lr, momentum, kappa, steps = check_valley_settings(lr, momentum, kappa, steps)
    m, big = quadratic.valley_curvatures(kappa, LARGEST)
    curv = (m, big)
    gd_lr = quadratic.gd_optimal_lr(big, m)
    heavy = quadratic.run("heavy_ball", curv, X0, lr, steps, momentum)
    gd = quadratic.run("gd", curv, X0, gd_lr, steps)
    theory = quadratic.rate("heavy_ball", lr, curv, momentum)
    measured = quadratic.measured_rate(heavy.distances)
    gd_theory = quadratic.gd_optimal_rate(kappa)
    best = quadratic.momentum_optimal_rate(kappa)

    fig = new_figure(15, 4.6)
    ax_path, ax_err, ax_region = fig.subplots(1, 3)

    draw_contours(ax_path, curv, XLIM, YLIM)
    draw_path(ax_path, gd, f"경사 하강법 (최적 η = {gd_lr:.3g})", COLORS["gd"], PATH_STEPS, alpha=0.7)
    draw_path(ax_path, heavy, f"모멘텀 (η = {lr:.3g}, μ = {momentum:.3g})", COLORS["heavy_ball"], PATH_STEPS)
    ax_path.set_title(f"골짜기 f = ½({m:.3g}x² + {big:g}y²), κ = {kappa:.3g}: 처음 {min(steps, PATH_STEPS)}스텝", fontsize=10)
    ax_path.legend(fontsize=8, loc="lower right")

    draw_error(ax_err, gd, "경사 하강법 (측정)", COLORS["gd"], theory_rate=gd_theory,
               theory_label=f"이론 (κ-1)/(κ+1) = {gd_theory:.3f}")
    draw_error(ax_err, heavy, "모멘텀 (측정)", COLORS["heavy_ball"], theory_rate=theory if theory < 1 else None,
               theory_label=f"이론 수렴 속도 {theory:.3f}")
    plotting.finite_ylim(ax_err, list(gd.distances) + list(heavy.distances))
    ax_err.set_title("거리(로그 눈금): 직선의 경사가 곧 수렴 속도", fontsize=10)
    ax_err.legend(fontsize=8, loc="lower left")

    draw_stable_region(ax_region, lr, momentum, curv)

    if not all(quadratic.momentum_stable(lr, momentum, lam) for lam in curv):
        limit = quadratic.momentum_lr_limit(big, momentum)
        text = (f"발산: 가파른 방향에서 ηL = {lr * big:.3g} 가 2 + 2μ = {2 + 2 * momentum:.3g} 를 넘습니다 "
                f"(이 μ 에서 η 의 상한은 {limit:.3g}). 이론 배율 {theory:.3g} > 1.")
    else:
        shown = f"{measured:.4f}" if math.isfinite(measured) else "없음(오차가 곧바로 0이 됨)"
        text = (f"η = {lr:.3g}, μ = {momentum:.3g}, κ = {kappa:.3g}: 측정 수렴 속도 {shown} (이론 {theory:.4f}). "
                f"최적 (η*, μ*) 의 이론값 (√κ-1)/(√κ+1) = {best:.4f}, 경사 하강법의 최선 (κ-1)/(κ+1) = {gd_theory:.4f}.")
    return fig, widgets.StatusLine(text, measured_rate=measured, theory_rate=theory, best_rate=best,
                                   gd_best_rate=gd_theory)


def heavy_ball_identity(lr: float, momentum: float, kappa: float = DEFAULT_KAPPA, steps: int = 50) -> float:
    """max |x_t(sgd_reference.SGD) - x_t(Polyak)|: PyTorch's buffer form v ← μv + g, θ ← θ - ηv against
    Polyak's heavy ball x_{t+1} = x_t - η∇f(x_t) + μ(x_t - x_{t-1}), on the valley, in float64."""
    import torch

    from ..optimizer import SGD

    lr, momentum, kappa, steps = check_valley_settings(lr, momentum, kappa, steps)
    m, big = quadratic.valley_curvatures(kappa, LARGEST)
    lam = torch.tensor([m, big], dtype=torch.float64)
    param = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
    optimizer = SGD([param], lr=lr, momentum=momentum)
    prev = cur = torch.tensor(X0, dtype=torch.float64)
    worst = 0.0
    for _ in range(steps):
        param.grad = lam * param.detach()
        optimizer.step()
        prev, cur = cur, cur - lr * lam * cur + momentum * (cur - prev)
        worst = max(worst, float((param.detach() - cur).abs().max()))
    return worst


def steps_to_tenth(rate: float) -> float:
    """Steps needed to shrink the error 10×: ln 0.1 / ln rate (inf when rate ≥ 1)."""
    rate = validation.real(rate, "수렴 속도 rate", finite=False)
    return math.log(0.1) / math.log(rate) if 0 < rate < 1 else math.inf


def rate_table(kappas=(10, 30, 100, 300, 1000), steps: int = 800) -> list[dict]:
    """For each κ: GD at its best η and momentum at (η*, μ*), theory vs the rate measured from a run."""
    kappas = [check_kappa(k) for k in validation.reals(kappas, "조건수 목록 kappas")]
    steps = validation.count(steps, "스텝 수", minimum=2)
    rows = []
    for kappa in kappas:
        m, big = quadratic.valley_curvatures(kappa, LARGEST)
        eta, mu = quadratic.optimal_momentum(big, m)
        gd = quadratic.run("gd", (m, big), X0, quadratic.gd_optimal_lr(big, m), steps)
        heavy = quadratic.run("heavy_ball", (m, big), X0, eta, steps, mu)
        # At (η*, μ*) the two roots coincide, so the error is ~ t·rᵗ: fit a late window [steps/4, steps/2] where
        # the factor t barely changes the slope, and the error is still far above the float64 floor.
        rows.append({
            "kappa": float(kappa), "lr": eta, "momentum": mu,
            "gd_theory": quadratic.gd_optimal_rate(kappa), "gd_measured": quadratic.measured_rate(gd.distances),
            "momentum_theory": quadratic.momentum_optimal_rate(kappa),
            "momentum_measured": quadratic.measured_rate(heavy.distances[: steps // 2], start=steps // 4),
        })
    return rows


def render_rate_vs_kappa(kappas=(10, 30, 100, 300, 1000), steps: int = 800) -> tuple[Figure, str]:
    """Steps to shrink the error 10× against κ (log-log): GD grows like κ, momentum like √κ; dots measured."""
    rows = rate_table(kappas, steps)
    kappas = [row["kappa"] for row in rows]
    fig = new_figure(6.4, 4.2)
    ax = fig.subplots()
    grid = np.geomspace(min(kappas), max(kappas), 100)
    ax.plot(grid, [steps_to_tenth(quadratic.gd_optimal_rate(k)) for k in grid], color=COLORS["gd"],
            label="경사 하강법 이론: (κ-1)/(κ+1)")
    ax.plot(grid, [steps_to_tenth(quadratic.momentum_optimal_rate(k)) for k in grid], color=COLORS["heavy_ball"],
            label="모멘텀 이론: (√κ-1)/(√κ+1)")
    ax.plot([r["kappa"] for r in rows], [steps_to_tenth(r["gd_measured"]) for r in rows], "o",
            color=COLORS["gd"], label="경사 하강법 측정 (최적 η)")
    ax.plot([r["kappa"] for r in rows], [steps_to_tenth(r["momentum_measured"]) for r in rows], "s",
            color=COLORS["heavy_ball"], label="모멘텀 측정 (η*, μ*)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    plotting.plain_log_ticks(ax)
    ax.set_xlabel("조건수 κ (로그 눈금)")
    ax.set_ylabel("오차를 1/10로 줄이는 스텝 수")
    ax.set_title("조건수가 100배 커지면: 경사 하강법 100배, 모멘텀 10배", fontsize=10)
    ax.legend(fontsize=8)
    lines = [f"κ = {r['kappa']:>6g}: 경사 하강법 {r['gd_measured']:.4f} (이론 {r['gd_theory']:.4f}), "
             f"모멘텀 {r['momentum_measured']:.4f} (이론 {r['momentum_theory']:.4f})" for r in rows]
    return fig, "\n".join(lines)


def momentum_panel(kappa: float = DEFAULT_KAPPA, steps: int = 200) -> widgets.LivePanel:
    """Sliders for η (log), μ, κ (log) and the number of steps; it starts at the optimal (η*, μ*)."""
    kappa = check_kappa(kappa)
    steps = validation.count(steps, "스텝 수", minimum=2)
    lr, mu = default_parameters(kappa)
    controls = {
        "lr": widgets.log_slider("학습률 η", lr, 1e-2, 10.0),
        "momentum": widgets.float_slider("모멘텀 μ", mu, 0.0, 0.99, 0.01),
        "kappa": widgets.log_slider("조건수 κ", kappa, 1.0, 1000.0),
        "steps": widgets.int_slider("스텝 수", steps, 10, 300, 10),
    }
    return widgets.LivePanel(render_momentum, controls)


__all__ = ["default_parameters", "render_momentum", "rate_table", "render_rate_vs_kappa", "steps_to_tenth",
           "momentum_panel", "draw_stable_region", "heavy_ball_identity"]
