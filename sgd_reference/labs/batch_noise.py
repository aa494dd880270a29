"""Batch size versus gradient noise: the 1/B law measured, the linear scaling rule tried, accumulation checked.

A mini-batch gradient is an average of ``B`` per-sample gradients, so its variance around the full gradient shrinks
like 1/B. We sample batches *without* replacement (what a shuffled ``DataLoader`` does), so the exact law carries the
finite-population correction: E‖g_B - ḡ‖² = (N - B)/(N - 1) · σ²/B, where σ² = mean_i ‖g_i - ḡ‖² over the N samples.
Least squares gives per-sample gradients in closed form, so σ² is computed exactly, not estimated.
"""

from __future__ import annotations

import math

import torch
from matplotlib.figure import Figure
from torch import nn

from .. import accumulation, validation
from ..teaching import datasets, training, widgets
from ..teaching.caching import copied_cache
from ..optimizer import SGD
from ..teaching.plotting import finite_ylim, plain_log_ticks

BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
NUM_SAMPLES, NUM_FEATURES = 4096, 10


def _batch_size(batch_size, num_samples: int) -> int:
    return validation.integer(batch_size, "배치 크기", minimum=1, maximum=num_samples)


# --- the 1/B law ---------------------------------------------------------------------------------------------------

def per_sample_gradients(x: torch.Tensor, y: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Row i is ∇_w of ℓ_i(w) = ½(x_i·w - y_i)², i.e. (x_i·w - y_i) x_i. Shape (N, d)."""
    validation.tensor(x, "입력 x", floating=True, ndim=2)
    validation.tensor(y, "정답 y", floating=True, ndim=1)
    validation.tensor(w, "가중치 w", floating=True, ndim=1)
    if y.shape[0] != x.shape[0] or w.shape[0] != x.shape[1] or not x.dtype == y.dtype == w.dtype:
        raise validation.InvalidArgument(
            f"x (N, d), y (N,), w (d,) 가 같은 dtype이어야 합니다 (받은 모양: x {tuple(x.shape)} {x.dtype}, "
            f"y {tuple(y.shape)} {y.dtype}, w {tuple(w.shape)} {w.dtype}).")
    return (x @ w - y).unsqueeze(1) * x


def noise_theory(sigma2: float, batch_size, num_samples: int, replacement: bool = False):
    """E‖g_B - ḡ‖²: σ²/B with replacement, (N - B)/(N - 1)·σ²/B without (exact for sampling without replacement)."""
    sigma2 = validation.nonnegative(sigma2, "분산 σ² sigma2")
    num_samples = validation.count(num_samples, "샘플 수 N", minimum=2)
    batch_size = validation.real(batch_size, "배치 크기 B", minimum=1.0, maximum=num_samples)
    if validation.flag(replacement, "replacement"):
        return sigma2 / batch_size
    return (num_samples - batch_size) / (num_samples - 1) * sigma2 / batch_size


def measure_gradient_noise(batch_sizes=BATCH_SIZES, num_batches: int = 2000, replacement: bool = False,
                           seed: int = 0) -> dict:
    """Mean squared distance of mini-batch gradients from the full gradient, over ``num_batches`` random batches per B.

    The problem: least squares on ``datasets.linear_regression`` at a fixed point w = 0 (any fixed w works).
    Returns batch sizes, measured variances, σ², N and the matching theory.
    """
    seed = validation.seed(seed)
    x, y, _ = datasets.linear_regression(NUM_SAMPLES, NUM_FEATURES, noise=0.5, seed=seed)
    n = len(x)
    sizes = [_batch_size(b, n) for b in validation.integers(batch_sizes, "배치 크기 목록 batch_sizes")]
    num_batches = validation.count(num_batches, "배치 수 num_batches")
    replacement = validation.flag(replacement, "replacement")
    grads = per_sample_gradients(x, y, torch.zeros(NUM_FEATURES, dtype=x.dtype))
    full = grads.mean(dim=0)
    sigma2 = float(((grads - full) ** 2).sum(dim=1).mean())
    generator = torch.Generator().manual_seed(seed + 1)
    if replacement:
        index = torch.randint(0, n, (num_batches, max(sizes)), generator=generator)
    else:
        # One random permutation per batch; its first B entries are a uniform sample of B distinct indices.
        index = torch.rand(num_batches, n, generator=generator).argsort(dim=1)[:, :max(sizes)]
    measured = []
    for b in sizes:
        batch_grads = grads[index[:, :b]].mean(dim=1)
        measured.append(float(((batch_grads - full) ** 2).sum(dim=1).mean()))
    return {"batch_sizes": sizes, "measured": measured, "sigma2": sigma2, "num_samples": n,
            "replacement": replacement, "num_batches": num_batches,
            "theory": [noise_theory(sigma2, b, n, replacement) for b in sizes]}


def loglog_slope(batch_sizes, values) -> float:
    """Least-squares slope of log(values) against log(B): -1 for a pure 1/B law."""
    batch_sizes = validation.reals(batch_sizes, "배치 크기 목록 batch_sizes", above=0.0)
    values = validation.reals(values, "값 목록 values", above=0.0)
    if len(values) != len(batch_sizes) or len(values) < 2:
        raise validation.InvalidArgument(f"배치 크기와 값은 같은 개수(2개 이상)여야 합니다 (받은 개수: {len(batch_sizes)}, "
                                         f"{len(values)}).")
    lx = torch.tensor([math.log(b) for b in batch_sizes], dtype=torch.float64)
    ly = torch.tensor([math.log(v) for v in values], dtype=torch.float64)
    lx, ly = lx - lx.mean(), ly - ly.mean()
    return float((lx * ly).sum() / (lx * lx).sum())


def render_noise(result: dict | None = None, highlight: int | None = None) -> tuple[Figure, str]:
    """Log-log plot of measured mini-batch gradient variance against B, with σ²/B and the matching exact theory."""
    result = measure_gradient_noise() if result is None else validation.record(
        result, "result", ("batch_sizes", "measured", "num_samples", "sigma2", "replacement", "num_batches", "theory"),
        "measure_gradient_noise()")
    sizes, measured, n = result["batch_sizes"], result["measured"], result["num_samples"]
    if highlight is not None:
        highlight = validation.integer(highlight, "선택한 배치 크기 highlight", minimum=1, maximum=n)
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    fine = sorted(set(torch.logspace(0, math.log10(max(sizes)), 60).tolist() + sizes))
    ax.plot(fine, [result["sigma2"] / b for b in fine], color="gray", ls="--", lw=1,
            label=r"$\sigma^2/B$ (복원 추출, 또는 N이 무한할 때)")
    if not result["replacement"]:
        ax.plot(fine, [noise_theory(result["sigma2"], b, n) for b in fine], color="black", lw=1.2,
                label=r"$(N-B)/(N-1)\cdot\sigma^2/B$ (비복원 추출 이론)")
    ax.plot(sizes, measured, "o", color="tab:red", label=f"측정값 (배치 {result['num_batches']}개 평균)")
    if highlight is not None:
        ax.plot([highlight], [noise_theory(result["sigma2"], highlight, n, result["replacement"])], "s", ms=11,
                mfc="none", color="tab:blue", label=f"선택한 B={highlight}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax)
    how = "복원 추출" if result["replacement"] else "비복원 추출"
    ax.set(title=f"미니배치 기울기의 잡음: {how}, N={n}", xlabel="배치 크기 B",
           ylabel=r"분산 $E\|g_B - \bar{g}\|^2$ (로그 눈금)")
    ax.legend(fontsize=8)
    ratio = [m / t for m, t in zip(measured, result["theory"])]
    text = (f"σ² = {result['sigma2']:.3f}, 로그-로그 기울기 {loglog_slope(sizes, measured):.3f} (1/B 법칙이면 -1), "
            f"측정값/이론값 {min(ratio):.3f} ~ {max(ratio):.3f}")
    return fig, text


# --- the linear scaling rule, tried ----------------------------------------------------------------------------------

BASE_BATCH, BASE_LR, MOMENTUM, EPOCHS = 32, 0.02, 0.9, 4
SCALING_TRAIN, SCALING_VAL = 2048, 2048


@copied_cache(maxsize=1)
def scaling_task() -> datasets.Split:
    """The fixed classification task of sections 2-3, in float64 so the printed losses are the same on every CPU path."""
    return datasets.teacher_classification(num_train=SCALING_TRAIN, num_val=SCALING_VAL, seed=1, dtype=torch.float64)


def train_epochs(batch_size: int, lr: float, epochs: int = EPOCHS, split: datasets.Split | None = None,
                 seed: int = 0) -> training.TrainLog:
    """Train the document's MLP for a fixed number of *epochs* (samples seen), evaluating at every epoch's end.

    The model takes the split's dtype (float64 for :func:`scaling_task`).
    """
    split = scaling_task() if split is None else validation.instance(split, datasets.Split, "split", "datasets.Split")
    seed = validation.seed(seed)
    n = len(split.x_train)
    batch_size, lr = _batch_size(batch_size, n), validation.positive(lr, "학습률")
    epochs = validation.count(epochs, "에폭 수")
    steps_per_epoch = n // batch_size
    model = training.mlp(split.num_features, 64, split.num_classes, seed=seed, dtype=split.x_train.dtype)
    opt = SGD(model.parameters(), lr=lr, momentum=MOMENTUM)
    data = training.batches(split, batch_size, steps_per_epoch * epochs, seed=seed)
    return training.train(model, opt, data, val=(split.x_val, split.y_val), eval_every=steps_per_epoch)


@copied_cache(maxsize=32)
def _default_task_run(batch_size: int, lr: float, epochs: int = EPOCHS) -> training.TrainLog:
    """``train_epochs`` on the default task, cached: the panel redraws the same baseline on every change."""
    return train_epochs(batch_size, lr, epochs, scaling_task())


def scaling_runs(base_batch: int = BASE_BATCH, base_lr: float = BASE_LR, multipliers=(1.0, 1.5, 2.0),
                 batch_factor: int = 2, epochs: int = EPOCHS) -> list[dict]:
    """The baseline (B, η) and (kB, m·η) for each lr multiplier m, all for the same number of epochs."""
    base_batch = _batch_size(base_batch, SCALING_TRAIN)
    base_lr = validation.positive(base_lr, "기준 학습률 base_lr")
    multipliers = validation.reals(multipliers, "학습률 배수 목록 multipliers", above=0.0)
    batch_factor = validation.integer(batch_factor, "배치 배수 batch_factor", minimum=1, maximum=SCALING_TRAIN // base_batch)
    epochs = validation.count(epochs, "에폭 수")
    split = scaling_task()
    runs = [{"batch_size": base_batch, "lr": base_lr, "label": f"B={base_batch}, η={base_lr:g} (기준)",
             "log": train_epochs(base_batch, base_lr, epochs, split)}]
    for m in multipliers:
        b, lr = base_batch * batch_factor, base_lr * m
        runs.append({"batch_size": b, "lr": lr, "label": f"B={b}, η={lr:g} (×{m:g})",
                     "log": train_epochs(b, lr, epochs, split)})
    return runs


def _epoch_axis(run: dict) -> list[float]:
    steps_per_epoch = SCALING_TRAIN // run["batch_size"]
    return [s / steps_per_epoch for s in run["log"].eval_steps]


def render_scaling(runs: list[dict] | None = None) -> tuple[Figure, str]:
    """Validation loss per epoch (same samples seen) for the baseline and the doubled batch at each lr multiplier."""
    runs = scaling_runs() if runs is None else validation.records(runs, "runs", ("batch_size", "lr", "label", "log"),
                                                                   "scaling_runs()")
    for run in runs:
        validation.instance(run["log"], training.TrainLog, "run['log']", "training.TrainLog")
        _batch_size(run["batch_size"], SCALING_TRAIN)
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    colors = ("black", "tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple")
    values = []
    for run, color in zip(runs, colors):
        log = run["log"]
        label = run["label"] + (" (발산)" if failed(log) else "")
        left.plot(_epoch_axis(run), log.val_losses, marker="o", color=color, label=label)
        right.plot(_epoch_axis(run), [100 * a for a in log.val_accuracies], marker="o", color=color, label=label)
        values += log.val_losses
    finite_ylim(left, values)
    left.set(title="검증 손실 (같은 에폭 = 같은 수의 샘플)", xlabel="에폭", ylabel="검증 손실")
    right.set(title="검증 정확도", xlabel="에폭", ylabel="정확도 (%)")
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    return fig, _scaling_text(runs)


def failed(log: training.TrainLog) -> bool:
    """A scaling run counts as diverged: stopped (NaN/inf or loss blown up) or validation worse than before training."""
    validation.instance(log, training.TrainLog, "log", "training.TrainLog")
    return log.diverged or not log.val_losses or log.val_losses[-1] > log.losses[0]


def _scaling_text(runs: list[dict]) -> str:
    """The status line of :func:`render_scaling`: each run's final validation loss, or why it counts as diverged."""
    parts = []
    for run in runs:
        log = run["log"]
        if log.diverged or not log.val_losses:
            parts.append(f"{run['label']}: 발산 (손실이 NaN/inf 또는 {training.DIVERGENCE_FACTOR:.0f}배)")
        elif log.val_losses[-1] > log.losses[0]:
            parts.append(f"{run['label']}: 발산 (검증 손실 {log.val_losses[-1]:.3f}, 학습 전 {log.losses[0]:.3f}보다 나쁨)")
        else:
            parts.append(f"{run['label']}: 검증 손실 {log.val_losses[-1]:.3f}")
    return " | ".join(parts)


def step_jumpiness(losses) -> float:
    """Mean |loss_t+1 - loss_t|: how jagged a training-loss curve is from one step to the next."""
    losses = validation.reals(losses, "손실 목록 losses", finite=False, nonempty=False)
    return sum(abs(b - a) for a, b in zip(losses, losses[1:])) / max(1, len(losses) - 1)


def render_step_noise(batch_sizes=(8, 128), epochs: int = 2, window: int = 20) -> tuple[Figure, str]:
    """Per-step training loss for a small and a large batch (same lr, same samples seen), with moving averages."""
    batch_sizes = [_batch_size(b, SCALING_TRAIN) for b in validation.integers(batch_sizes, "배치 크기 목록 batch_sizes")]
    if len(batch_sizes) != 2:
        raise validation.InvalidArgument(f"batch_sizes는 비교할 배치 크기 두 개여야 합니다 (받은 개수: {len(batch_sizes)}).")
    epochs, window = validation.count(epochs, "에폭 수"), validation.count(window, "이동 평균 구간 window")
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    axes = fig.subplots(1, len(batch_sizes), sharey=True)
    parts = []
    for ax, b, color in zip(axes, batch_sizes, ("tab:red", "tab:blue")):
        log = _default_task_run(b, BASE_LR, epochs)
        steps_per_epoch = SCALING_TRAIN // b
        x = [(s + 1) / steps_per_epoch for s in range(len(log.losses))]
        ax.plot(x, log.losses, color=color, lw=0.7, alpha=0.6, label="스텝마다의 학습 손실")
        ax.plot(x, training.moving_average(log.losses, min(window, len(log.losses))), color="black", lw=1.6,
                label=f"이동 평균 ({min(window, len(log.losses))}스텝)")
        ax.set(title=f"배치 크기 B={b} ({len(log.losses)}스텝)", xlabel="에폭", ylabel="학습 손실")
        ax.legend(fontsize=8)
        parts.append(f"B={b}: 스텝 간 손실 변화 평균 {step_jumpiness(log.losses):.3f}")
    return fig, f"같은 η={BASE_LR:g}, {epochs}에폭 — " + ", ".join(parts)


# --- gradient accumulation == one large batch ------------------------------------------------------------------------

def full_batch_gradients(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list:
    validation.instance(model, nn.Module, "model", "torch.nn.Module")
    validation.tensor(y, "정답 y")
    model.zero_grad()
    _, loss = training.outputs_and_loss(model, x, y)
    loss.backward()
    return [p.grad.detach().clone() for p in model.parameters()]


ROUNDING_BOUND = 4  # "rounding level": within this many units ε·max|value| of the dtype


def accumulation_check(batch_size: int = 256, micro_batch_size: int = 32, lr: float = 0.1, seed: int = 0,
                       dtype: torch.dtype = torch.float32) -> dict:
    """One SGD step from the large batch and one from accumulated micro-batches, from the same start: compare both.

    In float32, the dtype training uses. The exact differences are a few rounding units and depend on the CPU kernel
    path (how each sum is vectorised), so what a lab prints is the portable fact: ``within_rounding`` says both
    differences are at most ``ROUNDING_BOUND`` units ε·max|·| of ``dtype``, and ``bit_equal`` whether they are 0.
    """
    batch_size = _batch_size(batch_size, SCALING_TRAIN)
    micro_batch_size = validation.integer(micro_batch_size, "마이크로배치 크기", minimum=1, maximum=batch_size)
    accumulation.accumulation_steps(batch_size, micro_batch_size)  # divides evenly, or a Korean error now
    dtype = validation.float_dtype(dtype) or torch.get_default_dtype()
    lr, seed = validation.positive(lr, "학습률", maximum=torch.finfo(dtype).max), validation.seed(seed)
    split = scaling_task().to(dtype)
    x, y = split.x_train[:batch_size], split.y_train[:batch_size]
    results = {}
    for name in ("large", "accumulated"):
        model = training.mlp(split.num_features, 64, split.num_classes, seed=seed, dtype=dtype)
        opt = SGD(model.parameters(), lr=lr, momentum=MOMENTUM)
        if name == "large":
            grads = full_batch_gradients(model, x, y)
        else:  # the core's accumulation: each micro-batch loss scaled by its share n_k/N, then one step
            accumulation.accumulate_gradients(model, nn.functional.cross_entropy, x, y, micro_batch_size)
            grads = [p.grad.detach().clone() for p in model.parameters()]
        opt.step()
        results[name] = (grads, [p.detach().clone() for p in model.parameters()])
    grad_diff = max(float((a - b).abs().max()) for a, b in zip(results["large"][0], results["accumulated"][0]))
    param_diff = max(float((a - b).abs().max()) for a, b in zip(results["large"][1], results["accumulated"][1]))
    grad_scale = max(float(g.abs().max()) for g in results["large"][0])
    param_scale = max(float(p.abs().max()) for p in results["large"][1])
    eps = torch.finfo(dtype).eps
    return {"batch_size": batch_size, "micro_batch_size": micro_batch_size,
            "steps": accumulation.accumulation_steps(batch_size, micro_batch_size),
            "max_grad_diff": grad_diff, "max_param_diff": param_diff, "max_grad": grad_scale, "max_param": param_scale,
            "eps": eps, "bit_equal": grad_diff == 0 and param_diff == 0,
            "within_rounding": grad_diff <= ROUNDING_BOUND * eps * grad_scale
            and param_diff <= ROUNDING_BOUND * eps * param_scale}


# --- the widget ------------------------------------------------------------------------------------------------------

def batch_choice_runs(batch_size: int = 64, lr_multiplier: float = 2.0) -> list[dict]:
    """The panel's two runs: the baseline (B=32, η=0.02) and the chosen B with lr = multiplier × 0.02."""
    lr_multiplier = validation.positive(lr_multiplier, "학습률 배수")
    batch_size = _batch_size(batch_size, SCALING_TRAIN)
    lr = BASE_LR * lr_multiplier
    return [{"batch_size": BASE_BATCH, "lr": BASE_LR, "label": f"B={BASE_BATCH}, η={BASE_LR:g} (기준)",
             "log": _default_task_run(BASE_BATCH, BASE_LR)},
            {"batch_size": batch_size, "lr": lr, "label": f"B={batch_size}, η={lr:.3g}",
             "log": _default_task_run(batch_size, lr)}]


def _batch_choice_text(runs: list[dict]) -> str:
    """The panel's status line (the site's explorable shows the same): both runs, then the chosen B's noise and steps."""
    batch_size = runs[-1]["batch_size"]
    noise = (SCALING_TRAIN - batch_size) / (SCALING_TRAIN - 1) * BASE_BATCH / batch_size \
        / ((SCALING_TRAIN - BASE_BATCH) / (SCALING_TRAIN - 1))
    steps = SCALING_TRAIN // batch_size * EPOCHS
    return _scaling_text(runs) + f" | 기울기 분산은 기준의 {noise:.3g}배, {EPOCHS}에폭 동안 스텝 {steps}번"


def render_batch_choice(batch_size: int = 64, lr_multiplier: float = 2.0) -> tuple[Figure, str]:
    """Baseline (B=32, η=0.02) against a chosen batch size and lr = multiplier × 0.02, with its gradient-noise level."""
    runs = batch_choice_runs(batch_size, lr_multiplier)
    fig, _ = render_scaling(runs)
    return fig, _batch_choice_text(runs)


def batch_panel() -> widgets.LivePanel:
    controls = {
        "batch_size": widgets.choice("배치 크기 B", [(str(b), b) for b in (8, 16, 32, 64, 128, 256, 512)], 64),
        "lr_multiplier": widgets.log_slider("학습률 배수 (기준 η=0.02 에 곱함)", 2.0, 0.25, 64.0, steps_per_decade=20),
    }
    return widgets.LivePanel(render_batch_choice, controls)


# --- the site's explorable (book/_ext/explorable.py) ---------------------------------------------------------------
# The panel's batch sizes and its lr multipliers at the powers of 2 from 0.25 to 64 (the ones the lab asks about), each
# run against the baseline; the gradient noise of section 1 as a standard deviation, which goes as 1/√B.
# sgd_reference.labs.explorable_data puts the grid together.
EXPLORABLE_BATCHES = (8, 16, 32, 64, 128, 256, 512)
EXPLORABLE_MULTIPLIERS = tuple(2.0 ** k for k in range(-2, 7))
EXPLORABLE_TRAIN_POINTS = 64  # at most this many steps of a run's per-step training loss go to the page


def explorable_controls() -> list[dict]:
    return [
        {"name": "batch_size", "label": "배치 크기 B", "values": list(EXPLORABLE_BATCHES), "value": 64},
        {"name": "lr_multiplier", "label": f"학습률 배수 (기준 η={BASE_LR:g} 에 곱함)",
         "values": list(EXPLORABLE_MULTIPLIERS), "value": 2.0},
    ]


def _explorable_series(run: dict) -> dict:
    """A run for the page: validation loss per epoch, every few steps' training loss, where it failed (in epochs)."""
    log, steps_per_epoch = run["log"], SCALING_TRAIN // run["batch_size"]
    every = max(1, len(log.losses) // EXPLORABLE_TRAIN_POINTS)
    failed_at = None
    if log.diverged:
        failed_at = log.diverged_at / steps_per_epoch
    elif failed(log):  # the first epoch whose validation loss is worse than before training
        failed_at = next((s for s, v in zip(log.eval_steps, log.val_losses) if v > log.losses[0]),
                         len(log.losses)) / steps_per_epoch
    return {"steps_per_epoch": steps_per_epoch, "every": every, "n": len(log.losses),
            "train": log.losses[::every], "val": log.val_losses, "diverged_at": failed_at}


def explorable_shared() -> dict:
    """What every point draws against: the baseline run, and section 1's noise as a standard deviation."""
    noise = measure_gradient_noise()
    sizes, n = noise["batch_sizes"], noise["num_samples"]
    fine = [2.0 ** (k / 4) for k in range(4 * int(math.log2(max(sizes))) + 1)]
    return {"epochs": EPOCHS, "base": _explorable_series(batch_choice_runs(BASE_BATCH, 1.0)[0]),
            "base_label": f"B={BASE_BATCH}, η={BASE_LR:g} (기준)",
            "noise": {"batch_sizes": sizes, "std": [math.sqrt(v) for v in noise["measured"]],
                      "num_batches": noise["num_batches"], "num_samples": n, "fine": fine,
                      "std_theory": [math.sqrt(noise_theory(noise["sigma2"], b, n)) for b in fine],
                      "std_iid": [math.sqrt(noise["sigma2"] / b) for b in fine]}}


def explorable_point(batch_size: int, lr_multiplier: float) -> dict:
    """One grid point: the chosen run (validation loss, sampled training loss) and the panel's status line."""
    runs = batch_choice_runs(batch_size, lr_multiplier)
    return dict(_explorable_series(runs[-1]), text=_batch_choice_text(runs))
