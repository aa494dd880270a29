"""The document's failure patterns, made to happen on purpose and then given their first-aid fix.

All runs train the document's two-layer MLP on scikit-learn's handwritten digits with mini-batch SGD, so the only
thing that differs between two runs is the setting under test. Each run logs the training loss, the global gradient
norm before clipping (the number that "spots" a failure) and held-out loss/accuracy.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure

from .. import validation
from ..teaching import datasets, training, widgets
from ..teaching.caching import copied_cache
from ..gradients import GradNormLogger, NonFiniteError, check_finite, clip_grad_norm
from ..optimizer import SGD
from ..teaching.plotting import finite_ylim, plain_log_ticks

BASE_LR, MOMENTUM, BATCH_SIZE, STEPS, WARMUP_STEPS, MAX_NORM = 0.05, 0.9, 32, 150, 30, 1.0
# float64: a run near divergence amplifies float32's kernel-path differences (AVX2, AVX-512, generic) into a different
# blow-up step; in float64 every learner sees the same run.
DTYPE = torch.float64
# float64 holds numbers up to 1.8e308, so 100x the base lr only grows the loss (to ~1e124) within 150 steps; 1000x
# reaches a real NaN within the run, well before the last steps (the step is the same on every kernel path).
NAN_LR = 1000 * BASE_LR


@dataclass(frozen=True)
class RunConfig:
    """One training run. ``lr_spike_at``: from that step on the lr is 10x (a config mistake mid-run)."""

    lr: float = BASE_LR
    momentum: float = MOMENTUM
    clip: bool = False
    warmup: bool = False
    steps: int = STEPS
    batch_size: int = BATCH_SIZE
    lr_spike_at: int | None = None
    train_size: int | None = None
    stop_on_blowup: bool = True  # False: keep going until the loss is NaN/inf, to see a real NaN

    def label(self) -> str:
        parts = [f"η={self.lr:g}", f"μ={self.momentum:g}"]
        if self.batch_size != BATCH_SIZE:
            parts.append(f"B={self.batch_size}")
        if self.warmup:
            parts.append(f"워밍업 {WARMUP_STEPS}스텝")
        if self.clip:
            parts.append(f"클리핑 {MAX_NORM:g}")
        if self.lr_spike_at is not None:
            parts.append(f"{self.lr_spike_at}스텝부터 η×10")
        if self.train_size is not None:
            parts.append(f"학습 데이터 {self.train_size}개")
        return ", ".join(parts)


@copied_cache(maxsize=4)
def digits_split(train_size: int | None = None) -> datasets.Split:
    if train_size is not None:
        train_size = validation.count(train_size, "학습 데이터 수 train_size")
    split = datasets.digits(seed=0).to(DTYPE)
    # A pixel that never lights up in the training images carries nothing the model could have learned: zero it in
    # the validation images too, so one unusual image cannot swing the validation loss.
    constant = split.x_train.abs().amax(dim=0) == 0
    split = datasets.Split(split.x_train, split.y_train, split.x_val.masked_fill(constant, 0.0), split.y_val)
    if train_size is None:
        return split
    return datasets.Split(split.x_train[:train_size], split.y_train[:train_size], split.x_val, split.y_val)


def _log(log: training.TrainLog) -> training.TrainLog:
    return validation.instance(log, training.TrainLog, "log", "training.TrainLog (run(...)의 결과)")


def _configs_and_labels(pairs) -> list[tuple[RunConfig, str]]:
    checked = []
    for i, pair in enumerate(validation.instances(pairs, (tuple, list), "configs_and_labels", "(RunConfig, 이름) 쌍"), 1):
        if len(pair) != 2 or not isinstance(pair[0], RunConfig):
            raise validation.InvalidArgument(f"configs_and_labels의 {i}번째 값은 (RunConfig, 이름) 쌍이어야 합니다.")
        checked.append((pair[0], str(pair[1])))
    return checked


def _lr_factor(config: RunConfig):
    def factor(step: int) -> float:
        value = min(1.0, (step + 1) / WARMUP_STEPS) if config.warmup else 1.0
        if config.lr_spike_at is not None and step >= config.lr_spike_at:
            value *= 10.0
        return value
    return factor


def _validate(config: RunConfig) -> RunConfig:
    """The config with every field checked and spelled as a plain Python value."""
    validation.instance(config, RunConfig, "config", "RunConfig")
    optional = {"lr_spike_at": "학습률을 키우는 스텝 lr_spike_at", "train_size": "학습 데이터 수 train_size"}
    return dataclasses.replace(
        config, lr=validation.positive(config.lr, "학습률"), momentum=validation.momentum(config.momentum, "모멘텀"),
        clip=validation.flag(config.clip, "clip"), warmup=validation.flag(config.warmup, "warmup"),
        steps=validation.count(config.steps, "스텝 수"), batch_size=validation.count(config.batch_size, "배치 크기"),
        stop_on_blowup=validation.flag(config.stop_on_blowup, "stop_on_blowup"),
        **{field: None if getattr(config, field) is None else validation.count(getattr(config, field), name, minimum=0)
           for field, name in optional.items()})


@copied_cache(maxsize=64)
def run(config: RunConfig = RunConfig()) -> training.TrainLog:
    """Train once with ``config`` (cached: runs are deterministic, and the panels redraw the same baselines often)."""
    config = _validate(config)
    split = digits_split(config.train_size)
    model = training.mlp(split.num_features, 64, split.num_classes, seed=0, dtype=DTYPE)
    opt = SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    needs_schedule = config.warmup or config.lr_spike_at is not None
    scheduler = torch.optim.lr_scheduler.LambdaLR(opt, _lr_factor(config)) if needs_schedule else None
    return training.train(model, opt, training.batches(split, config.batch_size, config.steps, seed=0),
                          scheduler=scheduler, max_grad_norm=MAX_NORM if config.clip else None,
                          val=(split.x_val, split.y_val), eval_every=10,
                          divergence_threshold=training.DIVERGENCE_FACTOR if config.stop_on_blowup else math.inf)


def oscillation(log: training.TrainLog, skip: int = 50) -> float:
    """Mean |loss_t+1 - loss_t| after the first ``skip`` steps: how much the loss jumps from step to step."""
    log, skip = _log(log), validation.integer(skip, "건너뛸 스텝 수 skip", minimum=0)
    losses = [v for v in log.losses[skip:] if math.isfinite(v)]
    if len(losses) < 2:
        return math.inf
    return sum(abs(b - a) for a, b in zip(losses, losses[1:])) / (len(losses) - 1)


def describe(log: training.TrainLog) -> str:
    """One Korean line for a run: diverged (and how), or final loss, accuracy and max gradient norm."""
    log = _log(log)
    if not log.losses:
        return "기록된 스텝이 없습니다"
    finite_norms = [g for g in log.grad_norms if math.isfinite(g)]
    peak = f", 최대 기울기 노름 {max(finite_norms):.3g}" if finite_norms else ""
    if log.diverged:
        last = log.losses[-1]
        if not math.isfinite(last):
            what = "NaN/inf가 되었습니다"
        elif len(log.losses) > 1 and training.loss_diverged(last, log.losses[0]):
            what = f"처음의 {training.DIVERGENCE_FACTOR:.0f}배를 넘었습니다"
        else:
            what = "유한하지만 기울기가 NaN/inf가 되었습니다"
        return f"발산: {log.diverged_at}번째 스텝에서 손실이 {what}{peak}"
    acc = f", 검증 정확도 {log.val_accuracies[-1]:.1%}" if log.val_accuracies else ""
    return f"손실 {_loss(log.losses[0])} → {_loss(log.losses[-1])}{acc}{peak}"


def _loss(value: float) -> str:
    """Three decimals for an ordinary loss; three significant digits for a huge one (its last digits are noise)."""
    return f"{value:.3f}" if abs(value) < 1e3 else f"{value:.3g}"


def loss_spread(log: training.TrainLog, skip: int = 50) -> str:
    """Min, median and max training loss after ``skip`` steps: where a run that never settles keeps jumping."""
    log, skip = _log(log), validation.integer(skip, "건너뛸 스텝 수 skip", minimum=0)
    losses = sorted(v for v in log.losses[skip:] if math.isfinite(v))
    if not losses:
        return f"{skip}스텝 이후 유한한 손실이 없습니다"
    median = losses[len(losses) // 2]
    return (f"{skip}스텝 이후 학습 손실: 최소 {_loss(losses[0])}, 중앙값 {_loss(median)}, "
            f"최대 {_loss(losses[-1])}")


# --- NaN, detected before it reaches the parameters ------------------------------------------------------------------

def first_nonfinite_step(lr: float = NAN_LR, clip: bool = False, steps: int = STEPS) -> dict:
    """Train (no blow-up stop) and run ``gradients.check_finite`` on the loss and gradients before every ``step()``.

    Returns the first step with NaN/inf (or None), the checker's Korean message, and whether the parameters are
    still finite: the bad step is caught before ``step()`` could write NaN into them.
    """
    lr, clip = validation.positive(lr, "학습률"), validation.flag(clip, "clip")
    steps = validation.count(steps, "스텝 수")
    split = digits_split()
    model = training.mlp(split.num_features, 64, split.num_classes, seed=0, dtype=DTYPE)
    opt = SGD(model.parameters(), lr=lr, momentum=MOMENTUM)
    logger = GradNormLogger()
    for step, (x, y) in enumerate(training.batches(split, BATCH_SIZE, steps, seed=0)):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        try:
            check_finite(loss, model)
        except NonFiniteError as error:
            logger.log(model)
            return {"step": step, "message": str(error), "params_finite": _all_finite(model), "logger": logger}
        if clip:
            logger.record(clip_grad_norm(model, MAX_NORM))
        else:
            logger.log(model)
        opt.step()
    return {"step": None, "message": "", "params_finite": _all_finite(model), "logger": logger}


def _all_finite(model) -> bool:
    return all(bool(torch.isfinite(p).all()) for p in model.parameters())


def spot_spikes(config: RunConfig, spike_factor: float = 10.0) -> GradNormLogger:
    """Feed a run's logged gradient norms to ``GradNormLogger``: the steps it flags are where to look first."""
    logger = GradNormLogger(spike_factor=spike_factor)
    for norm in run(config).grad_norms:
        logger.record(norm if not math.isnan(norm) else math.inf)
    return logger


# --- figures ---------------------------------------------------------------------------------------------------------

_COLORS = ("black", "tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple")


def _mark_divergence(ax, log: training.TrainLog, color: str, cap: float, **kwargs) -> None:
    """An x where the run stopped, clamped to the visible range (the last finite loss may be astronomically large)."""
    finite = [v for v in log.losses if math.isfinite(v)]
    ax.plot([log.diverged_at], [min(finite[-1], cap) if finite else cap], "x", color=color, ms=10, mew=2, **kwargs)


def _draw_runs(loss_ax, norm_ax, configs_and_labels, loss_cap: float) -> list[float]:
    values = []
    for (config, label), color in zip(configs_and_labels, _COLORS):
        log = run(config)
        shown = label + (" (발산)" if log.diverged else "")
        loss_ax.plot(range(len(log.losses)), log.losses, color=color, lw=1.1, label=shown)
        if log.diverged:
            _mark_divergence(loss_ax, log, color, loss_cap)
        norm_ax.plot(range(len(log.grad_norms)), log.grad_norms, color=color, lw=1.1, label=shown)
        values += log.losses
    norm_ax.set_yscale("log")
    plain_log_ticks(norm_ax)
    loss_ax.set(xlabel="스텝", ylabel="학습 손실")
    norm_ax.set(xlabel="스텝", ylabel="전체 기울기 노름 (클리핑 전, 로그 눈금)")
    return values


def render_comparison(configs_and_labels, title: str, loss_cap: float = 10.0) -> tuple[Figure, str]:
    """Loss (left) and gradient norm (right) for a few labelled runs; a diverged run ends with an x."""
    configs_and_labels = _configs_and_labels(configs_and_labels)
    title, loss_cap = str(title), validation.positive(loss_cap, "손실 상한 loss_cap")
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    loss_ax, norm_ax = fig.subplots(1, 2)
    values = _draw_runs(loss_ax, norm_ax, configs_and_labels, loss_cap)
    finite_ylim(loss_ax, [min(v, loss_cap) for v in values if math.isfinite(v)] + [0.0])
    loss_ax.set_title(title)
    norm_ax.set_title("기울기 노름이 먼저 알려 줍니다")
    loss_ax.legend(fontsize=8)
    text = " | ".join(f"{label}: {describe(run(config))}" for config, label in configs_and_labels)
    return fig, text


SPIKE_RUNS = (
    (RunConfig(lr=BASE_LR), f"기준 η={BASE_LR:g}"),
    (RunConfig(lr=10 * BASE_LR), f"η×10 = {10 * BASE_LR:g}"),
    (RunConfig(lr=10 * BASE_LR, warmup=True), f"η×10 + 워밍업 {WARMUP_STEPS}스텝"),
    (RunConfig(lr=BASE_LR, warmup=True), f"1차 대응: η÷10 (= {BASE_LR:g}) + 워밍업"),
)
CLIP_RUNS = (
    (RunConfig(lr=NAN_LR, stop_on_blowup=False), f"η={NAN_LR:g} (기준의 {NAN_LR / BASE_LR:.0f}배)"),
    (RunConfig(lr=NAN_LR, clip=True, stop_on_blowup=False), f"같은 η + 클리핑 max_norm={MAX_NORM:g}"),
    (RunConfig(lr=BASE_LR, stop_on_blowup=False), f"원인 제거: η={BASE_LR:g}"),
)
MOMENTUM_RUNS = tuple((RunConfig(momentum=mu), f"μ={mu:g}") for mu in (0.85, 0.9, 0.99))
LOGGING_RUNS = (
    (RunConfig(), "정상"),
    (RunConfig(lr_spike_at=40), "40스텝부터 η×10"),
    (RunConfig(lr_spike_at=40, clip=True), "40스텝부터 η×10 + 클리핑"),
    (RunConfig(momentum=0.99), "μ=0.99"),
)


def render_spike() -> tuple[Figure, str]:
    return render_comparison(SPIKE_RUNS, "학습률 10배: 손실 급등")


def render_clipping() -> tuple[Figure, str]:
    fig, text = render_comparison(CLIP_RUNS, "NaN과 기울기 클리핑", loss_cap=50.0)
    clipped, label = CLIP_RUNS[1]
    return fig, f"{text} | {label}의 {loss_spread(run(clipped))}"


def render_momentum() -> tuple[Figure, str]:
    fig, _ = render_comparison(MOMENTUM_RUNS, "모멘텀이 지나치면 진동합니다", loss_cap=10.0)
    text = ", ".join(f"{label}: 스텝 간 손실 변화 평균 {oscillation(run(config)):.3f}, 마지막 손실 "
                     f"{_loss(run(config).losses[-1])}" for config, label in MOMENTUM_RUNS)
    ratio = oscillation(run(RunConfig(momentum=0.99))) / oscillation(run(RunConfig()))
    return fig, f"{text} | μ=0.99 의 손실 변화는 μ=0.9 의 {ratio:.0f}배"


def render_logging() -> tuple[Figure, str]:
    fig, text = render_comparison(LOGGING_RUNS, "기울기 노름 기록으로 문제 찾기", loss_cap=10.0)
    for ax in fig.axes:
        ax.axvline(40, color="gray", ls=":", lw=1)
    normal, (clipped, label) = oscillation(run(LOGGING_RUNS[0][0])), LOGGING_RUNS[2]
    return fig, (f"{text} | 스텝 간 손실 변화 평균: 정상 {normal:.3f}, {label} {oscillation(run(clipped)):.3f} "
                 f"(정상의 {oscillation(run(clipped)) / normal:.0f}배)")


# --- the interactive run and the diagnosis quiz ----------------------------------------------------------------------

def render_debug_run(lr_multiplier: float = 1.0, momentum: float = MOMENTUM, clip: bool = False,
                     warmup: bool = False) -> tuple[Figure, str]:
    """A run with the chosen settings against the baseline (η=0.05, μ=0.9): loss and gradient norm."""
    lr_multiplier = validation.positive(lr_multiplier, "학습률 배수")
    config = RunConfig(lr=BASE_LR * lr_multiplier, momentum=validation.momentum(momentum, "모멘텀"),
                       clip=validation.flag(clip, "clip"), warmup=validation.flag(warmup, "warmup"))
    runs = [(RunConfig(), f"기준 η={BASE_LR:g}, μ={MOMENTUM:g}"), (config, "선택: " + config.label())]
    fig, _ = render_comparison(runs, "내가 고른 설정", loss_cap=20.0)
    return fig, debug_run_text(config)


def debug_run_text(config: RunConfig) -> str:
    """The panel's status line for one run (the site's explorable shows the same line)."""
    log = run(config)
    text = f"{config.label()} → {describe(log)}"
    if not log.diverged:
        text += f", 스텝 간 손실 변화 평균 {oscillation(log):.3f} (기준 {oscillation(run(RunConfig())):.3f})"
    return text


def debug_panel() -> widgets.LivePanel:
    controls = {
        "lr_multiplier": widgets.log_slider("학습률 배수 (기준 η=0.05에 곱함)", 1.0, 0.01, 100.0),
        "momentum": widgets.float_slider("모멘텀 μ", MOMENTUM, 0.0, 0.99, 0.01),
        "clip": widgets.checkbox(f"기울기 클리핑 (max_norm={MAX_NORM:g})", False),
        "warmup": widgets.checkbox(f"워밍업 ({WARMUP_STEPS}스텝)", False),
    }
    return widgets.LivePanel(render_debug_run, controls)


# The site's explorable (book/_ext/explorable.py): the panel's controls on a grid (η multiplier two a decade from
# 0.01 to 100, a few μ, clipping and warmup off/on); sgd_reference.labs.explorable_data puts it together. The grid is
# sized for the page's 4.5 MB budget: 144 runs, every 6th step, about 80 KB.
EXPLORABLE_MULTIPLIERS = tuple(10 ** (k / 2) for k in range(-4, 5))
EXPLORABLE_MOMENTA = (0.0, 0.5, 0.9, 0.99)
EXPLORABLE_EVERY = 6  # every 6th step of the loss and gradient-norm curves (and the last one) goes to the page


def explorable_controls() -> list[dict]:
    off_on = ["끔", "켬"]
    return [
        {"name": "lr_multiplier", "label": f"학습률 배수 (기준 η={BASE_LR:g}에 곱함)",
         "values": list(EXPLORABLE_MULTIPLIERS), "value": 1.0},
        {"name": "momentum", "label": "모멘텀 μ", "values": list(EXPLORABLE_MOMENTA), "value": MOMENTUM},
        {"name": "clip", "label": f"기울기 클리핑 (max_norm={MAX_NORM:g})", "values": [False, True], "labels": off_on,
         "value": False, "checkbox": True},
        {"name": "warmup", "label": f"워밍업 ({WARMUP_STEPS}스텝)", "values": [False, True], "labels": off_on,
         "value": False, "checkbox": True},
    ]


def _explorable_series(log: training.TrainLog) -> dict:
    keep = list(range(0, len(log.losses), EXPLORABLE_EVERY))
    if log.losses and keep[-1] != len(log.losses) - 1:
        keep.append(len(log.losses) - 1)
    return {"n": len(log.losses), "loss": [log.losses[i] for i in keep],
            "grad_norm": [log.grad_norms[i] for i in keep], "diverged_at": log.diverged_at}


def explorable_shared() -> dict:
    return {"every": EXPLORABLE_EVERY, "steps": STEPS, "base": _explorable_series(run(RunConfig())),
            "base_label": f"기준 η={BASE_LR:g}, μ={MOMENTUM:g}"}


def explorable_point(lr_multiplier: float, momentum: float, clip: bool, warmup: bool) -> dict:
    """One grid point: the run's loss and gradient norm (every few steps) and the panel's status line."""
    config = RunConfig(lr=BASE_LR * lr_multiplier, momentum=momentum, clip=clip, warmup=warmup)
    return dict(_explorable_series(run(config)), text=debug_run_text(config))


CAUSES = {
    "A": "학습률 과대, 워밍업 없음",
    "B": "가중치 감쇠/데이터 증강 부족",
    "C": "모멘텀 과대 또는 배치가 너무 작음",
    "D": "학습률 과소 또는 스케줄러 미사용",
}
# The four runs of the `diagnose_run` exercise, made real, in its order; the letter is what was actually changed.
DIAGNOSIS_RUNS = (
    (RunConfig(lr=5e-4, steps=200), "D"),
    (RunConfig(lr=1.0, steps=200), "A"),
    (RunConfig(lr=0.01, momentum=0.99, batch_size=8, steps=200), "C"),
    (RunConfig(train_size=64, steps=200), "B"),
)


def render_diagnosis(run_1: str = "", run_2: str = "", run_3: str = "", run_4: str = "") -> tuple[Figure, str]:
    """The four runs' training/validation loss; the text grades the picked causes (empty = not picked yet)."""
    picks = [validation.choice(pick, ["", *CAUSES], f"실행 {i}의 원인") for i, pick in
             enumerate((run_1, run_2, run_3, run_4), 1)]
    fig = Figure(figsize=(10, 6.4), layout="constrained")
    axes = fig.subplots(2, 2).flatten()
    for i, (ax, (config, _)) in enumerate(zip(axes, DIAGNOSIS_RUNS), 1):
        log = run(config)
        ax.plot(range(len(log.losses)), log.losses, color="tab:blue", lw=1, label="학습 손실")
        ax.plot(log.eval_steps, log.val_losses, "o-", color="tab:orange", ms=3, label="검증 손실")
        if log.diverged:
            _mark_divergence(ax, log, "tab:red", 10.0, label="멈춤 (손실 폭발)")
        finite_ylim(ax, [min(v, 10.0) for v in log.losses + log.val_losses if math.isfinite(v)] + [0.0])
        ax.set(title=f"실행 {i}", xlabel="스텝", ylabel="손실")
        ax.legend(fontsize=8)
    lines = []
    for i, (pick, (_, truth)) in enumerate(zip(picks, DIAGNOSIS_RUNS), 1):
        if not pick:
            lines.append(f"실행 {i}: 아직 고르지 않았습니다")
        elif pick == truth:
            lines.append(f"실행 {i}: 정답 ✅")
        else:
            lines.append(f"실행 {i}: '{CAUSES[pick]}' 는 아닙니다 ❌")
    return fig, " | ".join(lines)


def diagnosis_quiz() -> widgets.LivePanel:
    options = [("(고르세요)", "")] + [(f"{k}: {v}", k) for k, v in CAUSES.items()]
    controls = {f"run_{i}": widgets.choice(f"실행 {i}의 원인", options, "") for i in range(1, 5)}
    return widgets.LivePanel(render_diagnosis, controls)
