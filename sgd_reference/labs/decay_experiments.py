"""Lab 6 (가중치 감쇠): coupled L2 against decoupled decay, weight norm and the train/validation gap, bias/BN exclusion.

Three experiments, each one claim of chapter 6:

1. On a least-squares problem, coupled L2 (``torch.optim.SGD(weight_decay=λ)``) and decoupled decay (SGDW) follow the
   same trajectory without momentum at a constant learning rate, and different ones with momentum.
2. On a small task with noisy training labels (so the network can memorise), a larger λ keeps the weight norm smaller
   and narrows the gap between training and validation.
3. On a small CNN with BatchNorm, the document's rule puts few scalars but many tensors in the no-decay group.
"""

from __future__ import annotations

import itertools
import math
from collections import OrderedDict
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure
from torch import nn

from .. import validation
from ..teaching import datasets, training, widgets
from ..teaching.caching import copied_cache
from ..optimizer import SGD
from ..param_groups import decay_param_groups, describe_param_groups, split_decay_param_names
from ..teaching.plotting import finite_ylim, plain_log_ticks, use_korean_font
from ..weight_decay import SGDW, coupled_weight_decay_step, decoupled_weight_decay_step

COUPLED, DECOUPLED = "coupled", "decoupled"
MODES = (("결합형 L2 (torch SGD의 weight_decay)", COUPLED), ("분리형 감쇠 (SGDW)", DECOUPLED))
MODE_NAMES = {COUPLED: "결합형 L2", DECOUPLED: "분리형 감쇠"}
# The document's range plus 3e-2, where the accuracy gap finally closes on this short run.
DECAY_VALUES = (0.0, 1e-4, 1e-3, 1e-2, 3e-2)
# The noisy task: 30% of the 512 training labels are random, validation labels are clean. 4 classes keep it learnable.
TASK = dict(num_train=512, num_val=1024, num_classes=4, label_noise=0.3, seed=0)
LR, BATCH_SIZE, STEPS, RECORD_EVERY = 0.05, 32, 400, 40
_COLORS = ("tab:gray", "tab:blue", "tab:orange", "tab:red", "tab:green", "tab:purple")


def _settings(weight_decay, momentum, mode) -> tuple[float, float, str]:
    """λ, μ and the decay mode as plain values, checked once where a learner's settings come in."""
    return (validation.nonnegative(weight_decay, "가중치 감쇠 λ"), validation.momentum(momentum),
            validation.choice(mode, MODE_NAMES, "감쇠 방식"))


# --- 1. coupled vs decoupled on least squares -------------------------------------------------------------------


@dataclass(frozen=True)
class TrajectoryPair:
    """‖θ_t‖ under coupled L2 and decoupled decay from the same start, and max_j |θ_coupled − θ_decoupled| per step."""

    momentum: float
    weight_decay: float
    coupled_norms: list[float]
    decoupled_norms: list[float]
    max_differences: list[float]

    @property
    def final_difference(self) -> float:
        return self.max_differences[-1]

    @property
    def at_rounding_level(self) -> bool:
        """The final difference is float64 rounding (below ``ROUNDING_LEVEL``), not a different trajectory."""
        return self.final_difference < ROUNDING_LEVEL

    def difference_text(self) -> str:
        """The final difference as a lab prints it: a rounding-level one only as "< 1e-12", since its exact value
        (0, 2e-16, 4e-16, ...) depends on the CPU kernel path (fused multiply-add or not)."""
        if self.at_rounding_level:
            return f"< {ROUNDING_LEVEL:.0e} (반올림 수준)"
        return f"{self.final_difference:.1e}"


# float64 rounding of a ‖θ‖ ≈ 3 trajectory is ~1e-16 per step; a real difference between the rules is far above this.
ROUNDING_LEVEL = 1e-12


def coupled_vs_decoupled(momentum: float, weight_decay: float = 0.1, lr: float = 0.05, steps: int = 100,
                         seed: int = 1) -> TrajectoryPair:
    """Run both rules on the same least-squares problem in float64 (so a difference is not float32 rounding)."""
    weight_decay, momentum, _ = _settings(weight_decay, momentum, COUPLED)
    lr, steps = validation.positive(lr, "학습률 η"), validation.count(steps, "스텝 수", minimum=0)
    if lr * weight_decay > 1:  # θ ← (1 − ηλ)θ would push θ through 0 and beyond: not decay any more
        raise validation.InvalidArgument(f"ηλ = {lr * weight_decay:g} 는 1 이하여야 합니다 (가중치 감쇠 λ ≤ 1/η = {1 / lr:g}).")
    seed = validation.seed(seed, "시드 seed")
    x, y, _ = datasets.linear_regression(num_samples=64, num_features=10, noise=0.1, seed=seed)
    theta0 = torch.randn(10, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64)
    thetas = {COUPLED: theta0.clone(), DECOUPLED: theta0.clone()}
    velocities = {COUPLED: None, DECOUPLED: None}
    step_fn = {COUPLED: coupled_weight_decay_step, DECOUPLED: decoupled_weight_decay_step}
    norms = {COUPLED: [theta0.norm().item()], DECOUPLED: [theta0.norm().item()]}
    differences = [0.0]
    for _ in range(steps):
        for mode in (COUPLED, DECOUPLED):
            theta = thetas[mode]
            grad = x.T @ (x @ theta - y) / len(x)  # ∇ of (1/2n)‖Xθ − y‖²
            velocities[mode] = step_fn[mode](theta, grad, velocities[mode], lr=lr, weight_decay=weight_decay,
                                             momentum=momentum)
            norms[mode].append(theta.norm().item())
        differences.append((thetas[COUPLED] - thetas[DECOUPLED]).abs().max().item())
    return TrajectoryPair(momentum, weight_decay, norms[COUPLED], norms[DECOUPLED], differences)


# Differences that are exactly 0 cannot sit on a log axis; they are drawn at this floor (and said so in the legend).
_DIFF_FLOOR = 1e-18


def render_coupled_vs_decoupled(weight_decay: float = 0.1, momentum: float = 0.9) -> tuple[Figure, str]:
    """Left: ‖θ‖ of both rules at μ. Right: their largest coordinate difference at μ and at μ = 0 (log scale)."""
    pair = coupled_vs_decoupled(momentum, weight_decay)
    plain = coupled_vs_decoupled(0.0, weight_decay)
    use_korean_font()
    fig = Figure(figsize=(9, 3.4))
    left, right = fig.subplots(1, 2)
    left.plot(pair.coupled_norms, color="tab:blue", label="결합형 L2")
    left.plot(pair.decoupled_norms, color="tab:orange", linestyle="--", label="분리형 감쇠")
    left.set_title(f"파라미터 크기 ‖θ‖ (μ={momentum:g}, λ={weight_decay:g})")
    left.set_xlabel("스텝")
    left.set_ylabel("‖θ‖")
    left.legend()
    for p, color, label in ((plain, "tab:gray", "μ=0"), (pair, "tab:red", f"μ={momentum:g}")):
        right.plot([max(d, _DIFF_FLOOR) for d in p.max_differences], color=color, label=label)
    right.set_yscale("log")
    plain_log_ticks(right, "y")
    right.set_title("두 방식의 차이 max|θ결합 - θ분리|")
    right.set_xlabel("스텝")
    right.set_ylabel("최대 좌표 차이 (0은 1e-18에 표시)")
    right.legend()
    fig.tight_layout()
    text = (f"μ=0: 최대 차이 {plain.difference_text()}, "
            f"μ={momentum:g}: 최대 차이 {pair.difference_text()}, "
            f"‖θ‖ 결합형 {pair.coupled_norms[-1]:.4f} / 분리형 {pair.decoupled_norms[-1]:.4f}")
    return fig, text


# --- 2. weight norm and the train/validation gap ----------------------------------------------------------------


@copied_cache(maxsize=1)
def noisy_task() -> datasets.Split:
    """The fixed task of this lab (cached: every run sees the same values, each in its own copy).

    float64, as is the model trained on it: the 400-step runs then print the same table on every CPU kernel path.
    """
    return datasets.teacher_classification(**TASK, dtype=torch.float64)


@dataclass(frozen=True)
class DecayRun:
    """One training run on the noisy task, measured every ``RECORD_EVERY`` steps (step 0 included)."""

    weight_decay: float
    momentum: float
    mode: str
    steps: list[int]
    weight_norms: list[float]
    train_accuracies: list[float]
    val_accuracies: list[float]
    train_losses: list[float]
    val_losses: list[float]
    diverged_at: int | None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def accuracy_gap(self) -> float:
        """Final training accuracy minus final validation accuracy (the overfitting gap)."""
        return self.train_accuracies[-1] - self.val_accuracies[-1]


def parameter_norm(model: nn.Module) -> float:
    """‖θ‖ over every parameter of the model (the quantity weight decay pulls toward 0)."""
    validation.instance(model, nn.Module, "model", "torch.nn.Module")
    return torch.linalg.vector_norm(torch.cat([p.detach().flatten() for p in model.parameters()])).item()


def make_optimizer(model: nn.Module, weight_decay: float, momentum: float, mode: str, lr: float = LR):
    """``sgd_reference.SGD`` (coupled L2, as torch) or ``SGDW`` (decoupled), λ on every parameter as in the document."""
    weight_decay, momentum, mode = _settings(weight_decay, momentum, mode)
    validation.instance(model, nn.Module, "model", "torch.nn.Module")
    lr = validation.positive(lr, "학습률 η")
    cls = SGD if mode == COUPLED else SGDW
    return cls(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)


@copied_cache(maxsize=64)
def train_noisy_task(weight_decay: float, momentum: float = 0.9, mode: str = COUPLED,
                     steps: int = STEPS, lr: float = LR) -> DecayRun:
    """Train the document's MLP on the noisy task; cached, so the panel's λ = 0 reference is computed once."""
    weight_decay, momentum, mode = _settings(weight_decay, momentum, mode)
    steps, lr = validation.count(steps, "스텝 수", minimum=0), validation.positive(lr, "학습률 η")
    split = noisy_task()
    model = training.mlp(num_classes=split.num_classes, seed=0, dtype=split.x_train.dtype)
    optimizer = make_optimizer(model, weight_decay, momentum, mode, lr)
    data = training.batches(split, BATCH_SIZE, steps, seed=0)
    record = {"steps": [], "norms": [], "train_acc": [], "val_acc": [], "train_loss": [], "val_loss": []}
    diverged_at = None

    def measure(step: int) -> None:
        train_loss, train_acc = training.evaluate(model, split.x_train, split.y_train)
        val_loss, val_acc = training.evaluate(model, split.x_val, split.y_val)
        for key, value in (("steps", step), ("norms", parameter_norm(model)), ("train_acc", train_acc),
                           ("val_acc", val_acc), ("train_loss", train_loss), ("val_loss", val_loss)):
            record[key].append(value)

    measure(0)
    for start in range(0, steps, RECORD_EVERY):
        chunk = itertools.islice(data, RECORD_EVERY)
        log = training.train(model, optimizer, chunk)
        if log.diverged or not math.isfinite(parameter_norm(model)):
            diverged_at = start + (log.diverged_at or 0)
            break
        measure(start + len(log.losses))
    return DecayRun(weight_decay, momentum, mode, record["steps"], record["norms"], record["train_acc"],
                    record["val_acc"], record["train_loss"], record["val_loss"], diverged_at)


def decay_sweep(weight_decays=DECAY_VALUES, momentum: float = 0.9, mode: str = COUPLED) -> list[DecayRun]:
    weight_decays = validation.reals(weight_decays, "가중치 감쇠 목록 weight_decays", minimum=0.0)
    return [train_noisy_task(wd, momentum, mode) for wd in weight_decays]


def sweep_table(runs: list[DecayRun]) -> str:
    """The sweep as a Korean text table: final ‖θ‖, train/val accuracy and loss, and the gaps."""
    runs = validation.instances(runs, DecayRun, "runs", "DecayRun (decay_sweep의 결과)")
    lines = [f"{'λ':>7} | {'‖θ‖':>6} | {'학습 정확도':>6} | {'검증 정확도':>6} | {'정확도 차이':>6} | "
             f"{'학습 손실':>5} | {'검증 손실':>5}"]
    for run in runs:
        if run.diverged:
            lines.append(f"{run.weight_decay:>7g} | 발산 ({run.diverged_at}번째 스텝)")
            continue
        lines.append(f"{run.weight_decay:>7g} | {run.weight_norms[-1]:>6.2f} | {run.train_accuracies[-1]:>11.1%} | "
                     f"{run.val_accuracies[-1]:>11.1%} | {run.accuracy_gap:>11.1%} | {run.train_losses[-1]:>9.3f} | "
                     f"{run.val_losses[-1]:>9.3f}")
    return "\n".join(lines)


def render_decay_sweep(weight_decays=DECAY_VALUES, momentum: float = 0.9, mode: str = COUPLED) -> tuple[Figure, str]:
    """Left: ‖θ‖ over steps per λ. Right: final training vs validation accuracy per λ (the gap is the bar difference)."""
    runs = decay_sweep(weight_decays, momentum, mode)
    use_korean_font()
    fig = Figure(figsize=(9.5, 3.6))
    left, right = fig.subplots(1, 2)
    for i, run in enumerate(runs):
        left.plot(run.steps, run.weight_norms, color=_COLORS[i % len(_COLORS)], label=f"λ={run.weight_decay:g}")
    left.set_title(f"파라미터 크기 ‖θ‖ ({MODE_NAMES[mode]}, μ={momentum:g})")
    left.set_xlabel("스텝")
    left.set_ylabel("‖θ‖")
    left.legend()
    finite_ylim(left, [v for run in runs for v in run.weight_norms])
    positions = range(len(runs))
    width = 0.38
    right.bar([p - width / 2 for p in positions], [r.train_accuracies[-1] for r in runs], width, label="학습 정확도",
              color="tab:blue")
    right.bar([p + width / 2 for p in positions], [r.val_accuracies[-1] for r in runs], width, label="검증 정확도",
              color="tab:orange")
    right.set_xticks(list(positions), [f"λ={r.weight_decay:g}" for r in runs])
    right.set_ylim(0, 1.2)
    right.set_title(f"{STEPS} 스텝 뒤 학습/검증 정확도")
    right.set_ylabel("정확도")
    right.legend(loc="upper center", ncol=2)
    fig.tight_layout()
    first, last = runs[0], runs[-1]
    text = (f"λ={first.weight_decay:g}: ‖θ‖ {first.weight_norms[-1]:.2f}, 정확도 차이 {first.accuracy_gap:.1%} → "
            f"λ={last.weight_decay:g}: ‖θ‖ {last.weight_norms[-1]:.2f}, 정확도 차이 {last.accuracy_gap:.1%}")
    return fig, text


def render_weight_decay(weight_decay: float = 1e-2, momentum: float = 0.9, mode: str = COUPLED) -> tuple[Figure, str]:
    """The panel's figure: the chosen run against λ = 0 at the same μ (‖θ‖ left, accuracies right)."""
    weight_decay, momentum, mode = _settings(weight_decay, momentum, mode)
    run = train_noisy_task(weight_decay, momentum, mode)
    base = train_noisy_task(0.0, momentum, COUPLED)  # λ = 0: both modes are plain SGD
    use_korean_font()
    fig = Figure(figsize=(9.5, 3.6))
    left, right = fig.subplots(1, 2)
    left.plot(base.steps, base.weight_norms, color="tab:gray", label="λ=0 (감쇠 없음)")
    left.plot(run.steps, run.weight_norms, color="tab:red", label=f"λ={weight_decay:.3g}, {MODE_NAMES[mode]}")
    left.set_title("파라미터 크기 ‖θ‖")
    left.set_xlabel("스텝")
    left.set_ylabel("‖θ‖")
    left.legend()
    finite_ylim(left, base.weight_norms + run.weight_norms)
    for r, color, name in ((base, "tab:gray", "λ=0"), (run, "tab:red", f"λ={weight_decay:.3g}")):
        right.plot(r.steps, r.train_accuracies, color=color, label=f"{name} 학습")
        right.plot(r.steps, r.val_accuracies, color=color, linestyle="--", label=f"{name} 검증")
    right.set_ylim(0, 1.05)
    right.set_title("학습(실선) / 검증(점선) 정확도")
    right.set_xlabel("스텝")
    right.set_ylabel("정확도")
    right.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig, weight_decay_text(run, base)


def weight_decay_text(run: DecayRun, base: DecayRun) -> str:
    """The panel's status line for ``run`` against the λ = 0 run ``base`` (the site's explorable shows the same)."""
    head = f"λ={run.weight_decay:.3g}, μ={run.momentum:g}, {MODE_NAMES[run.mode]}: "
    if run.diverged:
        return head + f"발산했습니다 ({run.diverged_at}번째 스텝 근처). 모멘텀이나 λ 를 줄여 보세요."
    text = (head + f"‖θ‖ {run.weight_norms[-1]:.2f} (λ=0: {base.weight_norms[-1]:.2f}), "
            f"학습 {run.train_accuracies[-1]:.1%} / 검증 {run.val_accuracies[-1]:.1%}, 차이 {run.accuracy_gap:.1%}")
    if not base.diverged:
        text += f" (λ=0: 차이 {base.accuracy_gap:.1%})"
    return text


def weight_decay_panel() -> widgets.LivePanel:
    """λ (log), μ and coupled/decoupled: see the weight norm and the train/validation gap move."""
    return widgets.LivePanel(render_weight_decay, {
        "weight_decay": widgets.log_slider("가중치 감쇠 λ", 1e-2, 1e-5, 1e-1, steps_per_decade=4),
        "momentum": widgets.float_slider("모멘텀 μ", 0.9, 0.0, 0.99, 0.01, readout_format=".2f"),
        "mode": widgets.choice("감쇠 방식", MODES, COUPLED),
    })


# The site's explorable (book/_ext/explorable.py): the panel's λ slider positions (1e-5 … 1e-1, four a decade), a few
# μ and both modes, each run against its λ = 0 baseline. sgd_reference.labs.explorable_data puts the grid together.
EXPLORABLE_DECAYS = tuple(10 ** (k / 4 - 5) for k in range(17))
EXPLORABLE_MOMENTA = (0.0, 0.5, 0.9, 0.95, 0.99)


def _explorable_series(run: DecayRun) -> dict:
    return {"norm": run.weight_norms, "train": run.train_accuracies, "val": run.val_accuracies,
            "diverged_at": run.diverged_at}


def explorable_controls() -> list[dict]:
    return [
        {"name": "weight_decay", "label": "가중치 감쇠 λ", "values": list(EXPLORABLE_DECAYS), "value": 1e-2},
        {"name": "momentum", "label": "모멘텀 μ", "values": list(EXPLORABLE_MOMENTA), "value": 0.9},
        {"name": "mode", "label": "감쇠 방식", "values": [m for _, m in MODES],
         "labels": [MODE_NAMES[m] for _, m in MODES], "value": COUPLED},
    ]


def explorable_shared() -> dict:
    """What every grid point draws against: the recorded steps and the λ = 0 run at each μ of the grid."""
    return {"steps": list(range(0, STEPS + 1, RECORD_EVERY)),
            "bases": [_explorable_series(train_noisy_task(0.0, mu, COUPLED)) for mu in EXPLORABLE_MOMENTA]}


def explorable_point(weight_decay: float, momentum: float, mode: str) -> dict:
    """One grid point: ‖θ‖ and the accuracies per recorded step, and the panel's status line."""
    run = train_noisy_task(weight_decay, momentum, mode)
    return dict(_explorable_series(run), text=weight_decay_text(run, train_noisy_task(0.0, momentum, COUPLED)))


# --- 3. which parameters get decay: a small CNN with BatchNorm -------------------------------------------------


@training.keeps_global_rng
def small_cnn(seed: int = 0) -> nn.Sequential:
    """Conv-BN-ReLU ×2 + Linear for 8×8 digit images. Convolutions have no bias: the BN right after makes it redundant."""
    torch.manual_seed(validation.seed(seed))
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 8, kernel_size=3, padding=1, bias=False)),
        ("bn1", nn.BatchNorm2d(8)),
        ("relu1", nn.ReLU()),
        ("conv2", nn.Conv2d(8, 16, kernel_size=3, padding=1, bias=False)),
        ("bn2", nn.BatchNorm2d(16)),
        ("relu2", nn.ReLU()),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(16 * 8 * 8, 10)),
    ]))


def param_group_table(model: nn.Module, weight_decay: float = 1e-4) -> str:
    """Per group (decay / no decay): λ, tensor count, parameter (scalar) count and names, from the core's param-group helpers."""
    rows = describe_param_groups(decay_param_groups(model, weight_decay))
    names = split_decay_param_names(model)
    labels = ("감쇠 받음", "감쇠 제외")
    total = sum(row["parameters"] for row in rows)
    lines = [f"{'그룹':<6} | {'λ':>6} | {'텐서 수':>4} | {'파라미터 수':>8} | {'비율':>6} | 이름"]
    for row, label, group_names in zip(rows, labels, names):
        share = row["parameters"] / total if total else 0.0
        lines.append(f"{label:<5} | {row['weight_decay']:>6g} | {row['tensors']:>7} | {row['parameters']:>12,} | "
                     f"{share:>7.2%} | {', '.join(group_names)}")
    return "\n".join(lines)
