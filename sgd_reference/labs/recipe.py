"""Lab 8 (스케줄과 레시피): the source document's quick-start recipe, run on scikit-learn's digits.

Recipe: ``SGD(momentum=0.9, nesterov=True)``, lr 0.01 at batch 64 (linear rule for other batch sizes), weight decay
1e-4 on weights only (biases and BatchNorm parameters excluded), a few epochs of linear warmup, then cosine decay,
with the scheduler stepped once per optimizer step. The lab compares it with a constant learning rate and shows what
a large learning rate does in the first steps without warmup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure
from torch import nn

from .. import validation
from ..teaching import datasets, training, widgets
from ..teaching.caching import copied_cache
from ..batch_scaling import scale_lr_linear
from ..optimizer import SGD
from ..param_groups import decay_param_groups
from ..teaching.plotting import finite_ylim, plain_log_ticks, use_korean_font
from ..schedules import WarmupCosineLR

BASE_LR, BASE_BATCH, WEIGHT_DECAY, MOMENTUM = 0.01, 64, 1e-4, 0.9
EPOCHS, WARMUP_EPOCHS = 20, 3
WARMUP_COSINE, CONSTANT = "warmup_cosine", "constant"
SCHEDULES = (("워밍업 + 코사인 감쇠", WARMUP_COSINE), ("워밍업 + 고정 학습률", CONSTANT))
SCHEDULE_NAMES = {value: label for label, value in SCHEDULES}
BATCH_SIZES = (16, 32, 64, 128, 256)
# The "large learning rate" of the warmup experiment: 100× the recipe's, where the first steps visibly spike without
# warmup. Not larger: from about 1.5 on, the 420 steps turn chaotic and the final accuracy depends on the CPU's kernel
# path even in float64 (at 2.0 it ranges 80-90% with warmup), so no printed number would hold for every learner.
LARGE_LR = 1.0
# float64: 420 steps at a large lr amplify float32's kernel-path differences (AVX2, AVX-512, generic) into final
# accuracies ~10 points apart; in float64 every learner sees the same run.
DTYPE = torch.float64


@copied_cache(maxsize=1)
def digits_split() -> datasets.Split:
    return datasets.digits(seed=0).to(DTYPE)


@training.keeps_global_rng
def recipe_model(seed: int = 0) -> nn.Sequential:
    """Chapter 8's model: Linear(64, 128) - BatchNorm - ReLU - Linear(128, 10)."""
    torch.manual_seed(validation.seed(seed))
    return nn.Sequential(nn.Linear(64, 128, dtype=DTYPE), nn.BatchNorm1d(128, dtype=DTYPE), nn.ReLU(),
                         nn.Linear(128, 10, dtype=DTYPE))


def steps_per_epoch(batch_size: int) -> int:
    """Full mini-batches per pass over the training set (``training.batches`` reshuffles instead of a short batch)."""
    n = len(digits_split().x_train)
    return n // validation.count(batch_size, "배치 크기", maximum=n)


def recipe_lr(base_lr: float, batch_size: int) -> float:
    """The recipe's lr is quoted at batch 64: scale it by the linear rule (a starting point to compare, not an answer)."""
    return scale_lr_linear(base_lr, BASE_BATCH, batch_size)  # validates η and B (once, there)


def recipe_optimizer(model: nn.Module, lr: float) -> SGD:
    """SGD(momentum 0.9, Nesterov) with weight decay 1e-4 on weights only (``decay_param_groups``)."""
    return SGD(decay_param_groups(model, WEIGHT_DECAY), lr=validation.positive(lr, "학습률"), momentum=MOMENTUM, nesterov=True)


def make_scheduler(optimizer, schedule: str, warmup_steps: int, total_steps: int):
    """Warmup then cosine (the core's ``WarmupCosineLR``), or the same linear warmup then a constant lr."""
    validation.instance(optimizer, torch.optim.Optimizer, "optimizer", "torch.optim.Optimizer")
    warmup_steps = validation.count(warmup_steps, "워밍업 스텝 수", minimum=0)
    if validation.choice(schedule, SCHEDULE_NAMES, "스케줄") == WARMUP_COSINE:
        return WarmupCosineLR(optimizer, warmup_steps=warmup_steps, total_steps=total_steps)
    if warmup_steps == 0:
        return None
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup_steps))


@dataclass(frozen=True)
class RecipeRun:
    base_lr: float
    lr: float
    batch_size: int
    warmup_steps: int
    schedule: str
    log: training.TrainLog

    @property
    def label(self) -> str:
        return f"{SCHEDULE_NAMES[self.schedule]}, η={self.lr:.3g}, 배치 {self.batch_size}, 워밍업 {self.warmup_steps} 스텝"


@copied_cache(maxsize=64)
def run_recipe(base_lr: float = BASE_LR, warmup_epochs: int = WARMUP_EPOCHS, schedule: str = WARMUP_COSINE,
               batch_size: int = BASE_BATCH, epochs: int = EPOCHS) -> RecipeRun:
    """Train the recipe for ``epochs`` epochs; validation accuracy once per epoch. Cached by arguments."""
    batch_size = validation.choice(batch_size, BATCH_SIZES, "배치 크기")
    epochs = validation.count(epochs, "에폭 수")
    warmup_epochs = validation.integer(warmup_epochs, "워밍업 에폭 수", minimum=0, maximum=epochs - 1)
    lr = recipe_lr(base_lr, batch_size)
    split = digits_split()
    per_epoch = steps_per_epoch(batch_size)
    total, warmup = epochs * per_epoch, warmup_epochs * per_epoch
    model = recipe_model()
    optimizer = recipe_optimizer(model, lr)
    scheduler = make_scheduler(optimizer, schedule, warmup, total)
    log = training.train(model, optimizer, training.batches(split, batch_size, total, seed=0), scheduler=scheduler,
                         val=(split.x_val, split.y_val), eval_every=per_epoch)
    return RecipeRun(float(base_lr), lr, batch_size, warmup, schedule, log)


def final_accuracy(run: RecipeRun) -> float | None:
    validation.instance(run, RecipeRun, "run", "RecipeRun (run_recipe의 결과)")
    return None if run.log.diverged or not run.log.val_accuracies else run.log.val_accuracies[-1]


def first_steps_peak(run: RecipeRun, steps: int = 60) -> float:
    """The largest training loss in the first ``steps`` steps (inf if the run diverged there)."""
    validation.instance(run, RecipeRun, "run", "RecipeRun (run_recipe의 결과)")
    head = run.log.losses[:validation.count(steps, "스텝 수")]
    return max((v if math.isfinite(v) else math.inf) for v in head)


def _draw_runs(runs: list[tuple[RecipeRun, str, str]], title_suffix: str = "") -> Figure:
    """Three axes: the lr actually used per step, training loss (moving average), validation accuracy per epoch."""
    use_korean_font()
    fig = Figure(figsize=(11, 3.4))
    ax_lr, ax_loss, ax_acc = fig.subplots(1, 3)
    for run, color, label in runs:
        log = run.log
        ax_lr.plot(log.lrs, color=color, label=label)
        finite = [v for v in log.losses if math.isfinite(v)]
        ax_loss.plot(training.moving_average(finite, 10) if finite else [], color=color, label=label)
        ax_acc.plot(log.eval_steps, log.val_accuracies, color=color, marker=".", label=label)
    ax_lr.set_title("스텝마다 실제로 쓴 학습률")
    ax_lr.set_xlabel("스텝")
    ax_lr.set_ylabel("학습률")
    ax_lr.set_ylim(bottom=0)
    ax_lr.legend(fontsize=8)
    ax_loss.set_title("학습 손실 (10 스텝 이동 평균)" + title_suffix)
    ax_loss.set_xlabel("스텝")
    ax_loss.set_yscale("log")
    plain_log_ticks(ax_loss, "y")
    finite_ylim(ax_loss, [v for run, _, _ in runs for v in run.log.losses], cap=100.0)
    ax_acc.set_title("검증 정확도 (에폭마다)")
    ax_acc.set_xlabel("스텝")
    ax_acc.set_ylim(0, 1.02)
    fig.tight_layout()
    return fig


def _accuracy_text(run: RecipeRun) -> str:
    accuracy = final_accuracy(run)
    return "발산" if accuracy is None else f"{accuracy:.1%}"


def render_schedule_comparison(base_lr: float = BASE_LR) -> tuple[Figure, str]:
    """The recipe (warmup + cosine) against warmup + constant lr, same everything else."""
    cosine = run_recipe(base_lr, WARMUP_EPOCHS, WARMUP_COSINE)
    constant = run_recipe(base_lr, WARMUP_EPOCHS, CONSTANT)
    fig = _draw_runs([(constant, "tab:gray", SCHEDULE_NAMES[CONSTANT]), (cosine, "tab:blue", SCHEDULE_NAMES[WARMUP_COSINE])])
    parts = [f"{SCHEDULE_NAMES[r.schedule]}: 마지막 에폭 손실 {sum(r.log.losses[-21:]) / 21:.4f}, 검증 정확도 "
             f"{_accuracy_text(r)}" for r in (constant, cosine)]
    return fig, " / ".join(parts)


def render_warmup_spike(base_lr: float = LARGE_LR, steps: int = 60) -> tuple[Figure, str]:
    """A large lr with and without warmup: per-step training loss of the first ``steps`` steps, and what follows."""
    steps = validation.count(steps, "스텝 수")
    cold = run_recipe(base_lr, 0, WARMUP_COSINE)
    warm = run_recipe(base_lr, WARMUP_EPOCHS, WARMUP_COSINE)
    use_korean_font()
    fig = Figure(figsize=(9.5, 3.5))
    left, right = fig.subplots(1, 2)
    for run, color, label in ((cold, "tab:red", "워밍업 없음"), (warm, "tab:blue", f"워밍업 {WARMUP_EPOCHS} 에폭")):
        head = run.log.losses[:steps]
        left.plot(range(1, len(head) + 1), head, color=color, label=label)
        right.plot(run.log.eval_steps, run.log.val_accuracies, color=color, marker=".", label=label)
    left.set_yscale("log")
    plain_log_ticks(left, "y")
    finite_ylim(left, cold.log.losses[:steps] + warm.log.losses[:steps], cap=1e4)
    left.set_title(f"처음 {steps} 스텝의 학습 손실 (η={base_lr:g})")
    left.set_xlabel("스텝")
    left.set_ylabel("손실 (로그 눈금)")
    left.legend()
    right.set_title("검증 정확도 (에폭마다)")
    right.set_xlabel("스텝")
    right.set_ylim(0, 1.02)
    right.legend(loc="lower right")
    fig.tight_layout()
    text = (f"η={base_lr:g}, 처음 {steps} 스텝의 최대 손실: 워밍업 없음 {first_steps_peak(cold, steps):.2f}, "
            f"워밍업 {first_steps_peak(warm, steps):.2f}")
    return fig, text


def render_recipe(base_lr: float = BASE_LR, warmup_epochs: int = WARMUP_EPOCHS, schedule: str = WARMUP_COSINE,
                  batch_size: int = BASE_BATCH) -> tuple[Figure, str]:
    """The panel: the chosen settings against the recipe itself (gray)."""
    run = run_recipe(base_lr, warmup_epochs, schedule, batch_size)  # run_recipe validates
    reference = run_recipe()
    fig = _draw_runs([(reference, "tab:gray", "레시피 (배치 64, η=0.01)"), (run, "tab:red", "선택한 설정")])
    return fig, recipe_text(run)


def recipe_text(run: RecipeRun) -> str:
    """The panel's status line for ``run`` (the site's explorable shows the same line)."""
    validation.instance(run, RecipeRun, "run", "RecipeRun (run_recipe의 결과)")
    warmup_epochs = run.warmup_steps // steps_per_epoch(run.batch_size)
    head = (f"{SCHEDULE_NAMES[run.schedule]}, 배치 {run.batch_size}, η={run.lr:.3g} (= 배치 64 기준 {run.base_lr:.3g} × "
            f"{run.batch_size}/64), 워밍업 {warmup_epochs} 에폭: ")
    if run.log.diverged:
        return head + f"발산했습니다 ({run.log.diverged_at}번째 스텝). 학습률을 낮추거나 워밍업을 늘려 보세요."
    return head + f"처음 60 스텝 최대 손실 {first_steps_peak(run):.2f}, 검증 정확도 {final_accuracy(run):.1%}"


def recipe_panel() -> widgets.LivePanel:
    return widgets.LivePanel(render_recipe, {
        "base_lr": widgets.log_slider("기준 학습률 η (배치 64 기준)", BASE_LR, 1e-3, 10.0, steps_per_decade=4),
        "warmup_epochs": widgets.int_slider("워밍업 에폭 수", WARMUP_EPOCHS, 0, 5),
        "schedule": widgets.choice("스케줄", SCHEDULES, WARMUP_COSINE),
        "batch_size": widgets.choice("배치 크기", [(str(b), b) for b in BATCH_SIZES], BASE_BATCH),
    })


# The site's explorable (book/_ext/explorable.py): the panel's schedule, base lr (a 1-3 grid from 1e-3 to 10, the
# slider's range) and warmup epochs (the slider's 0-5) at batch 64, each run drawn as the panel draws it against the
# recipe itself; sgd_reference.labs.explorable_data puts the grid together.
EXPLORABLE_LRS = (1e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
EXPLORABLE_WARMUPS = tuple(range(6))
EXPLORABLE_EVERY = 7  # every 7th step (a third of an epoch) of the loss's moving average (and the last one)
EXPLORABLE_LR_EVERY = 21  # the lr once an epoch: it is linear within the warmup's epochs and smooth after
EXPLORABLE_HEAD = 60  # the first steps' per-step loss, as section 2's figure shows it (render_warmup_spike)


def explorable_controls() -> list[dict]:
    return [
        {"name": "schedule", "label": "스케줄", "values": [value for _, value in SCHEDULES],
         "labels": [label for label, _ in SCHEDULES], "value": WARMUP_COSINE},
        {"name": "base_lr", "label": "기준 학습률 η (배치 64 기준)", "values": list(EXPLORABLE_LRS), "value": BASE_LR},
        {"name": "warmup_epochs", "label": "워밍업 에폭 수", "values": list(EXPLORABLE_WARMUPS), "value": WARMUP_EPOCHS},
    ]


def _sampled(values: list[float], every: int) -> list[float]:
    keep = sorted(set(range(0, len(values), every)) | ({len(values) - 1} if values else set()))
    return [values[i] for i in keep]


def _explorable_series(run: RecipeRun) -> dict:
    """What the panel draws (the lr used, the loss's 10-step moving average, validation accuracy), every few steps,
    and section 2's per-step loss of the first steps."""
    log = run.log
    finite = [v for v in log.losses if math.isfinite(v)]
    return {"n": len(log.lrs), "lr": _sampled(log.lrs, EXPLORABLE_LR_EVERY),
            "loss": _sampled(training.moving_average(finite, 10) if finite else [], EXPLORABLE_EVERY),
            "head": log.losses[:EXPLORABLE_HEAD], "eval_steps": log.eval_steps, "acc": log.val_accuracies,
            "diverged_at": log.diverged_at}


def explorable_shared() -> dict:
    return {"every": EXPLORABLE_EVERY, "lr_every": EXPLORABLE_LR_EVERY, "steps": EPOCHS * steps_per_epoch(BASE_BATCH),
            "per_epoch": steps_per_epoch(BASE_BATCH), "base": _explorable_series(run_recipe())}


def explorable_point(schedule: str, base_lr: float, warmup_epochs: int) -> dict:
    """One grid point: the panel's three curves for these settings (batch 64) and its status line."""
    run = run_recipe(base_lr, warmup_epochs, schedule)
    return dict(_explorable_series(run), text=recipe_text(run))
