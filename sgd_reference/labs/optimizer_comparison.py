"""Lab 7 (SGD와 Adam): the source document's comparison table, measured on one small task.

Four rows, four measurements on scikit-learn's 8×8 digits with a 64-64-10 MLP:

- early convergence: training loss over the first few hundred steps at each optimizer's usual learning rate;
- final validation accuracy of those runs;
- optimizer-state memory: bytes of every tensor in ``optimizer.state`` after one step, on the same model;
- learning-rate sensitivity: final validation accuracy over a sweep of learning rates, and the width of the good region.

One small task cannot confirm or refute the table's tendencies, which come from large-scale studies; the lab says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
from matplotlib.figure import Figure
from torch import nn

from .. import validation
from ..teaching import datasets, training, widgets
from ..teaching.caching import copied_cache
from ..optimizer import SGD
from ..teaching.plotting import finite_ylim, plain_log_ticks, use_korean_font

SGD_PLAIN, SGD_MOMENTUM, ADAM = "sgd", "sgd_momentum", "adam"
NAMES = {SGD_PLAIN: "SGD", SGD_MOMENTUM: "SGD + 모멘텀 0.9", ADAM: "Adam"}
# The learning rates people start from: the recipe's 0.01 for SGD, PyTorch's default 1e-3 for Adam.
USUAL_LR = {SGD_PLAIN: 0.01, SGD_MOMENTUM: 0.01, ADAM: 1e-3}
COLORS = {SGD_PLAIN: "tab:gray", SGD_MOMENTUM: "tab:blue", ADAM: "tab:orange"}
# Half-decade grids of equal width (3.5 decades) around each optimizer's usual value.
SWEEP_LRS = {SGD_MOMENTUM: (1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0, 3.0),
             ADAM: (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1)}
BATCH_SIZE, STEPS, SWEEP_STEPS, EVAL_EVERY, HIDDEN = 64, 300, 150, 25, 64
# "Good" learning rates: final validation accuracy within this many points of the optimizer's best.
GOOD_MARGIN = 0.02


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    """The course's ``sgd_reference.SGD`` for the SGD rows, ``torch.optim.Adam`` (defaults β=(0.9, 0.999)) for Adam."""
    name, lr = validation.choice(name, sorted(NAMES), "옵티마이저"), validation.positive(lr, "학습률")
    params = validation.instances(params, (torch.Tensor, dict), "params", "파라미터 텐서(또는 파라미터 그룹 dict)")
    if name == ADAM:
        return torch.optim.Adam(params, lr=lr)
    return SGD(params, lr=lr, momentum=0.9 if name == SGD_MOMENTUM else 0.0)


# The runs are float64: a sweep that reaches the edge of divergence amplifies rounding, and float32 rounding differs
# between CPU kernel paths (one path's Adam "good region" was a decade narrower than another's). The memory table
# stays float32, the dtype people train in, so its bytes are the ones the exercise computes.
DTYPE = torch.float64


@copied_cache(maxsize=2)
def digits_split(dtype: torch.dtype = DTYPE) -> datasets.Split:
    return datasets.digits(seed=0, dtype=dtype)


def make_model(seed: int = 0, dtype: torch.dtype = DTYPE) -> nn.Sequential:
    """The same MLP for every optimizer: 64 pixels → 64 hidden → 10 digits, same initial weights."""
    return training.mlp(num_features=64, hidden=HIDDEN, num_classes=10, seed=seed, dtype=dtype)


def make_float32_model(seed: int = 0) -> nn.Sequential:
    """:func:`make_model` in float32, for the memory table."""
    return make_model(seed, torch.float32)


@copied_cache(maxsize=256)
def train_digits(name: str, lr: float, steps: int = STEPS, eval_every: int = EVAL_EVERY,
                 seed: int = 0) -> training.TrainLog:
    """One run on digits (cached: the panel, the figures and the tests reuse the same runs).

    ``seed`` sets both the initial weights and the mini-batch order; every optimizer gets the same ones.
    """
    name, lr, steps = validation.choice(name, sorted(NAMES), "옵티마이저"), validation.positive(lr, "학습률"), validation.count(steps, "스텝 수")
    eval_every, seed = validation.count(eval_every, "평가 간격 eval_every"), validation.seed(seed)
    split = digits_split()
    model = make_model(seed)
    optimizer = make_optimizer(name, model.parameters(), lr)
    return training.train(model, optimizer, training.batches(split, BATCH_SIZE, steps, seed=seed),
                          val=(split.x_val, split.y_val), eval_every=eval_every)


def final_accuracy(log: training.TrainLog) -> float | None:
    """Validation accuracy at the end of the run, or ``None`` when the run diverged."""
    validation.instance(log, training.TrainLog, "log", "training.TrainLog")
    if log.diverged or not log.val_accuracies:
        return None
    return log.val_accuracies[-1]


# --- early convergence and final accuracy -----------------------------------------------------------------------


def render_early_convergence(steps: int = STEPS) -> tuple[Figure, str]:
    """Left: training loss (moving average of 10 steps). Right: validation accuracy. Each optimizer at its usual lr."""
    steps = validation.count(steps, "스텝 수")
    logs = {name: train_digits(name, USUAL_LR[name], steps) for name in NAMES}
    use_korean_font()
    fig = Figure(figsize=(9.5, 3.6))
    left, right = fig.subplots(1, 2)
    for name, log in logs.items():
        label = f"{NAMES[name]} (η={USUAL_LR[name]:g})"
        left.plot(training.moving_average(log.losses, 10), color=COLORS[name], label=label)
        right.plot(log.eval_steps, log.val_accuracies, color=COLORS[name], marker=".", label=label)
    left.set_title("학습 손실 (10 스텝 이동 평균)")
    left.set_xlabel("스텝")
    left.set_ylabel("손실")
    left.legend()
    right.set_title("검증 정확도")
    right.set_xlabel("스텝")
    right.set_ylabel("정확도")
    right.set_ylim(0, 1.02)
    right.legend(loc="lower right")
    fig.tight_layout()
    parts = [f"{NAMES[n]} 검증 정확도 {final_accuracy(log):.1%}" if final_accuracy(log) is not None
             else f"{NAMES[n]} 발산" for n, log in logs.items()]
    return fig, f"{steps} 스텝 뒤: " + ", ".join(parts)


def steps_to_loss(log: training.TrainLog, target: float, window: int = 10) -> int | None:
    """First step at which the moving-average training loss falls below ``target`` (None if never)."""
    validation.instance(log, training.TrainLog, "log", "training.TrainLog")
    target = validation.real(target, "목표 손실 target", finite=False)
    for step, value in enumerate(training.moving_average(log.losses, window)):
        if value < target:
            return step + 1
    return None


# --- optimizer-state memory -------------------------------------------------------------------------------------


def state_bytes(optimizer: torch.optim.Optimizer) -> dict[str, int]:
    """Bytes of every tensor in ``optimizer.state``, summed per state key (``momentum_buffer``, ``exp_avg``, ...)."""
    validation.instance(optimizer, torch.optim.Optimizer, "optimizer", "torch.optim.Optimizer")
    totals: dict[str, int] = {}
    for state in optimizer.state.values():
        for key, value in state.items():
            if torch.is_tensor(value):
                totals[key] = totals.get(key, 0) + value.numel() * value.element_size()
    return totals


def measure_state_bytes(name: str, model_factory: Callable[[], nn.Module] = make_float32_model
                        ) -> tuple[int, dict[str, int]]:
    """(parameter bytes, state bytes per key) after ONE step: the state is created lazily by the first ``step()``."""
    name = validation.choice(name, sorted(NAMES), "옵티마이저")
    validation.function(model_factory, "model_factory", "인자 없이 불러 nn.Module을 돌려줍니다")
    model = validation.instance(model_factory(), nn.Module, "model_factory()의 결과", "torch.nn.Module")
    optimizer = make_optimizer(name, model.parameters(), USUAL_LR[name])
    dtype = next(model.parameters()).dtype
    x, y = digits_split().x_train[:BATCH_SIZE].to(dtype), digits_split().y_train[:BATCH_SIZE]
    training.outputs_and_loss(model, x, y)[1].backward()
    optimizer.step()
    param_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    return param_bytes, state_bytes(optimizer)


def memory_table(model_factory: Callable[[], nn.Module] = make_float32_model) -> str:
    """The memory row of the table, measured: state bytes and their ratio to the parameters' own bytes."""
    validation.function(model_factory, "model_factory", "인자 없이 불러 nn.Module을 돌려줍니다")
    lines = [f"{'옵티마이저':<16} | {'상태 바이트':>9} | {'파라미터 대비':>8} | 상태 텐서 (키별 바이트)"]
    for name in NAMES:
        param_bytes, by_key = measure_state_bytes(name, model_factory)
        total = sum(by_key.values())
        detail = ", ".join(f"{k} {v:,}" for k, v in by_key.items()) or "상태 없음"
        lines.append(f"{NAMES[name]:<15} | {total:>14,} | {total / param_bytes:>13.4f}배 | {detail}")
    lines.append(f"(파라미터 자체: {param_bytes:,} 바이트)")
    return "\n".join(lines)


# --- learning-rate sensitivity ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sweep:
    """Final validation accuracy per learning rate (None = diverged) and the good region around the best."""

    name: str
    lrs: tuple[float, ...]
    accuracies: tuple[float | None, ...]

    @property
    def best(self) -> float:
        return max(a for a in self.accuracies if a is not None)

    @property
    def best_lr(self) -> float:
        return self.lrs[self.accuracies.index(self.best)]

    @property
    def good_lrs(self) -> list[float]:
        """The good region: from the best lr outwards, the neighbouring grid lrs (in ascending order) whose accuracy
        is within GOOD_MARGIN of the best, stopping at the first that is not. An interval, so a lucky lr beyond a bad
        one never widens it."""
        order = sorted(range(len(self.lrs)), key=lambda i: self.lrs[i])
        ok = [self.accuracies[i] is not None and self.accuracies[i] >= self.best - GOOD_MARGIN for i in order]
        lo = hi = order.index(self.accuracies.index(self.best))
        while lo > 0 and ok[lo - 1]:
            lo -= 1
        while hi < len(order) - 1 and ok[hi + 1]:
            hi += 1
        return [self.lrs[i] for i in order[lo:hi + 1]]

    @property
    def good_width_decades(self) -> float:
        """log10(largest good lr / smallest good lr): how many decades of lr give near-best accuracy."""
        good = self.good_lrs
        return math.log10(max(good) / min(good))


def lr_sweep(name: str, lrs=None, steps: int = SWEEP_STEPS, seed: int = 0) -> Sweep:
    name = validation.choice(name, sorted(NAMES), "옵티마이저")
    if lrs is None:  # the lab's own grids exist for the two optimizers it compares
        lrs = SWEEP_LRS[validation.choice(name, sorted(SWEEP_LRS), "학습률 목록 lrs 없이 훑을 옵티마이저")]
    else:
        lrs = validation.reals(lrs, "학습률 목록 lrs", above=0.0)
    lrs, steps, seed = tuple(lrs), validation.count(steps, "스텝 수"), validation.seed(seed)
    return Sweep(name, lrs, tuple(final_accuracy(train_digits(name, lr, steps, steps, seed)) for lr in lrs))


SWEEP_SEEDS = range(5)


def seed_sweeps(seeds=SWEEP_SEEDS, steps: int = SWEEP_STEPS) -> dict[str, list[Sweep]]:
    """The sweep of every optimizer repeated for each seed (initial weights and batch order): the width is a
    seed-dependent measurement (449 validation images, a 2-point margin), so the lab reports its spread."""
    seeds = validation.integers(seeds, "시드 목록 seeds")
    return {name: [lr_sweep(name, steps=steps, seed=seed) for seed in seeds] for name in SWEEP_LRS}


def _lr_list(lrs) -> str:
    return ", ".join(f"{lr:g}" for lr in lrs) or "없음"


def seed_width_table(seeds=SWEEP_SEEDS, steps: int = SWEEP_STEPS) -> str:
    """Per optimizer and seed: the good region and its width in decades, the diverged lrs; then the comparison count."""
    seeds = validation.integers(seeds, "시드 목록 seeds")
    sweeps = seed_sweeps(seeds, steps)
    lines = []
    for name, per_seed in sweeps.items():
        for seed, sweep in zip(seeds, per_seed):
            diverged = [lr for lr, a in zip(sweep.lrs, sweep.accuracies) if a is None]
            lines.append(f"{NAMES[name]:<15} 시드 {seed}: 최고 {sweep.best:.1%} (η={sweep.best_lr:g}), 좋은 구간 "
                         f"{min(sweep.good_lrs):g}~{max(sweep.good_lrs):g} (10배 구간 {sweep.good_width_decades:.1f}개), "
                         f"발산 {_lr_list(diverged)}")
    adam, sgd = sweeps[ADAM], sweeps[SGD_MOMENTUM]
    # widths are multiples of the half-decade grid step: compare them rounded to that step, not as raw floats
    widths = [(round(2 * a.good_width_decades), round(2 * s.good_width_decades)) for a, s in zip(adam, sgd)]
    wider = sum(a > s for a, s in widths)
    same = sum(a == s for a, s in widths)
    lines.append(f"시드 {len(seeds)}개 중 좋은 구간이 Adam 쪽이 더 넓은 시드 {wider}개, 같은 시드 {same}개, "
                 f"모멘텀 SGD 쪽이 더 넓은 시드 {len(seeds) - wider - same}개")
    return "\n".join(lines)


def render_lr_sweep(steps: int = SWEEP_STEPS) -> tuple[Figure, str]:
    """Final validation accuracy against lr (log x). Bars at the bottom: the good region (within 2 points of the best)."""
    sweeps = [lr_sweep(name, steps=steps) for name in SWEEP_LRS]
    use_korean_font()
    fig = Figure(figsize=(7, 3.8))
    ax = fig.subplots()
    for row, sweep in enumerate(sweeps):
        color = COLORS[sweep.name]
        ax.plot(sweep.lrs, [a if a is not None else math.nan for a in sweep.accuracies], color=color, marker="o",
                label=f"{NAMES[sweep.name]} (좋은 구간: 10배 구간 {sweep.good_width_decades:.1f}개)")
        diverged = [lr for lr, a in zip(sweep.lrs, sweep.accuracies) if a is None]
        if diverged:
            ax.plot(diverged, [0.02] * len(diverged), color=color, marker="x", linestyle="none", markersize=9)
        good = sweep.good_lrs
        # The good region as a bar near the bottom (one row per optimizer, so the bars never overlap).
        ax.plot([min(good), max(good)], [0.12 + 0.1 * row] * 2, color=color, linewidth=7, alpha=0.5,
                solid_capstyle="butt")
    ax.set_xscale("log")
    plain_log_ticks(ax, "x")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("학습률 η (로그 눈금)")
    ax.set_ylabel("검증 정확도")
    ax.set_title(f"학습률 스윕: {steps} 스텝 뒤 검증 정확도 (x = 발산, 아래 막대 = 좋은 구간)")
    ax.legend(loc="lower left", fontsize=9)
    fig.tight_layout()
    text = ", ".join(f"{NAMES[s.name]}: 최고 {s.best:.1%} (η={s.best_lr:g}), 최고에서 2%p 안의 구간 "
                     f"{min(s.good_lrs):g}~{max(s.good_lrs):g}" for s in sweeps)
    return fig, text


def sweep_table(steps: int = SWEEP_STEPS) -> str:
    lines = []
    for name in SWEEP_LRS:
        sweep = lr_sweep(name, steps=steps)
        cells = [f"{lr:g}: {'발산' if a is None else f'{a:.1%}'}" for lr, a in zip(sweep.lrs, sweep.accuracies)]
        lines.append(f"{NAMES[name]:<15} " + " | ".join(cells))
    return "\n".join(lines)


# --- the panel ----------------------------------------------------------------------------------------------------


def render_comparison(optimizer: str = ADAM, lr: float = 1e-3, steps: int = STEPS, seed: int = 0
                      ) -> tuple[Figure, str]:
    """The chosen optimizer and lr against the two usual settings (thin lines, same seed): loss left, validation
    accuracy right. ``seed`` sets the initial weights and the mini-batch order of all three runs."""
    name, lr, steps = validation.choice(optimizer, sorted(NAMES), "옵티마이저"), validation.positive(lr, "학습률"), validation.count(steps, "스텝 수")
    seed = validation.seed(seed)
    log = train_digits(name, lr, steps, seed=seed)
    references = {n: train_digits(n, USUAL_LR[n], steps, seed=seed) for n in (SGD_MOMENTUM, ADAM)}
    use_korean_font()
    fig = Figure(figsize=(9.5, 3.6))
    left, right = fig.subplots(1, 2)
    for n, ref in references.items():
        label = f"기준: {NAMES[n]} η={USUAL_LR[n]:g}"
        left.plot(training.moving_average(ref.losses, 10), color=COLORS[n], linewidth=1, alpha=0.5, label=label)
        right.plot(ref.eval_steps, ref.val_accuracies, color=COLORS[n], linewidth=1, alpha=0.5, label=label)
    chosen = f"{NAMES[name]} η={lr:.3g}"
    finite = [v for v in log.losses if math.isfinite(v)]
    left.plot(training.moving_average(finite, 10) if finite else [], color="tab:red", linewidth=2, label=chosen)
    right.plot(log.eval_steps, log.val_accuracies, color="tab:red", linewidth=2, marker=".", label=chosen)
    left.set_title("학습 손실 (10 스텝 이동 평균)")
    left.set_xlabel("스텝")
    left.set_ylabel("손실")
    left.set_xlim(0, steps)
    left.legend(fontsize=8)
    finite_ylim(left, [v for r in (*references.values(), log) for v in r.losses], cap=10.0)
    right.set_title("검증 정확도")
    right.set_xlabel("스텝")
    right.set_ylabel("정확도")
    right.set_xlim(0, steps)
    right.set_ylim(0, 1.02)
    right.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig, comparison_text(name, lr, steps, seed)


def comparison_text(optimizer: str, lr: float, steps: int = STEPS, seed: int = 0) -> str:
    """The panel's status line for one run (the site's explorable shows the same line)."""
    name, lr, steps = validation.choice(optimizer, sorted(NAMES), "옵티마이저"), validation.positive(lr, "학습률"), validation.count(steps, "스텝 수")
    seed = validation.seed(seed)
    log = train_digits(name, lr, steps, seed=seed)
    chosen = f"{NAMES[name]} η={lr:.3g}"
    if log.diverged:
        return f"{chosen}, 시드 {seed}: 발산했습니다 ({log.diverged_at}번째 스텝). 학습률을 낮춰 보세요."
    return log.summary(f"{chosen}, {steps} 스텝, 시드 {seed}")


def comparison_panel() -> widgets.LivePanel:
    return widgets.LivePanel(render_comparison, {
        "optimizer": widgets.choice("옵티마이저", [(label, key) for key, label in NAMES.items()], ADAM),
        "lr": widgets.log_slider("학습률 η", 1e-3, 1e-4, 10.0, steps_per_decade=2),
        "steps": widgets.int_slider("스텝 수", STEPS, 50, 600, 50),
        "seed": widgets.int_slider("시드", 0, 0, max(SWEEP_SEEDS)),
    })


# The site's explorable (book/_ext/explorable.py): the lab's sweep made explorable. Every optimizer on one 1-3 grid of
# learning rates that covers both of section 3's grids (and the panel's maximum, 10), the sweep's five seeds, and the
# sweep's length (150 steps, a position of the panel's step slider); each run is drawn as the panel draws it, against
# the two usual settings with the same seed. sgd_reference.labs.explorable_data puts the grid together.
EXPLORABLE_LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0, 3.0, 10.0)
EXPLORABLE_EVERY = 3  # every 3rd step of the loss curve (and the last one) goes to the page


def explorable_controls() -> list[dict]:
    return [
        {"name": "optimizer", "label": "옵티마이저", "values": list(NAMES), "labels": list(NAMES.values()),
         "value": ADAM},
        {"name": "lr", "label": "학습률 η", "values": list(EXPLORABLE_LRS), "value": USUAL_LR[ADAM]},
        {"name": "seed", "label": "시드", "values": list(SWEEP_SEEDS), "value": 0},
    ]


def _explorable_series(log: training.TrainLog) -> dict:
    """What the panel draws: the loss's 10-step moving average every few steps, and the validation accuracy."""
    finite = [v for v in log.losses if math.isfinite(v)]
    smooth = training.moving_average(finite, 10) if finite else []
    keep = sorted(set(range(0, len(smooth), EXPLORABLE_EVERY)) | ({len(smooth) - 1} if smooth else set()))
    return {"n": len(log.losses), "loss": [smooth[i] for i in keep], "eval_steps": log.eval_steps,
            "acc": log.val_accuracies, "diverged_at": log.diverged_at}


def explorable_shared() -> dict:
    """The sweep's length, the lab's margin of a good lr, and the two usual settings' runs for every seed."""
    return {"steps": SWEEP_STEPS, "every": EXPLORABLE_EVERY, "good_margin": GOOD_MARGIN,
            "references": {n: [_explorable_series(train_digits(n, USUAL_LR[n], SWEEP_STEPS, seed=seed))
                               for seed in SWEEP_SEEDS] for n in (SGD_MOMENTUM, ADAM)},
            "reference_labels": {n: f"기준: {NAMES[n]} η={USUAL_LR[n]:g}" for n in (SGD_MOMENTUM, ADAM)}}


def explorable_point(optimizer: str, lr: float, seed: int) -> dict:
    """One grid point: the panel's curves for this optimizer, lr and seed at the sweep's length, and its status line."""
    log = train_digits(optimizer, lr, SWEEP_STEPS, seed=seed)
    return dict(_explorable_series(log), text=comparison_text(optimizer, lr, SWEEP_STEPS, seed))
