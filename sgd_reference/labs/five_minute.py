"""The source document's "5분 실습" (lr 1e-2 vs 1e-1), reproduced, examined, and redone on a task with something to learn.

The document draws fresh ``torch.randn`` inputs and ``torch.randint`` labels at every step. Labels that are independent
of the inputs carry no information, so the best any classifier can do is predict 1/10 for every class, whose expected
cross-entropy is ln 10 ≈ 2.303. Its "progress" is the network shrinking its logits toward uniform, not learning. This
module measures that, and runs the same comparison on a fixed, learnable task judged on held-out data.
"""

from __future__ import annotations

import math

import torch
from matplotlib.figure import Figure
from torch import nn

from .. import validation
from ..teaching import datasets, training, widgets
from ..optimizer import SGD
from ..teaching.plotting import finite_ylim

LN10 = math.log(10)
NUM_FEATURES, NUM_CLASSES, BATCH_SIZE = 32, 10, 128
RANDOM, LEARNABLE = "random", "learnable"
DATA_MODES = (("문서 원본: 매 스텝 무작위", RANDOM), ("고정된 학습 가능한 과제", LEARNABLE))
_MODE_NAMES = {value: label for label, value in DATA_MODES}
# The learnable task: a fixed training set drawn once, judged on held-out data (fast enough to rerun on a slider move).
TASK_TRAIN, TASK_VAL, TASK_SEED = 2048, 2048, 0
_COLORS = ("tab:blue", "tab:orange", "tab:red", "tab:green")


@training.keeps_global_rng
def run_once(lr: float, steps: int = 20, momentum: float = 0.9, seed: int = 0) -> list[float]:
    """The document's ``run_once``, line for line (global RNG, model, SGD with momentum, fresh random batch each step).

    Uses :class:`sgd_reference.SGD`, which equals ``torch.optim.SGD`` bit for bit, so the losses are the document's.
    """
    lr, steps, momentum, seed = _settings(lr, steps, momentum, seed, torch.finfo(torch.get_default_dtype()).max)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(NUM_FEATURES, 64), nn.ReLU(), nn.Linear(64, NUM_CLASSES))
    crit = nn.CrossEntropyLoss()
    opt = SGD(model.parameters(), lr=lr, momentum=momentum)
    losses = []
    for _ in range(steps):
        x = torch.randn(BATCH_SIZE, NUM_FEATURES)
        y = torch.randint(0, NUM_CLASSES, (BATCH_SIZE,))
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())  # the document writes float(loss): same value, but torch 2.13 warns
    return losses


def _settings(lr, steps, momentum, seed, largest_lr: float = math.inf) -> tuple[float, int, float, int]:
    """η, the step count, μ and the seed of one run, checked once. An η too big for the weights' dtype is divergence
    ("발산") in the runs that step through ``training.step_or_overflow``; ``run_once`` steps as the document does and
    says so before it starts (``largest_lr``)."""
    return (validation.positive(lr, "학습률", maximum=largest_lr), validation.count(steps, "스텝 수"),
            validation.momentum(momentum, "모멘텀"), validation.seed(seed))


def probe_inputs(num_samples: int = 8192, seed: int = 12345) -> torch.Tensor:
    """Fresh random inputs from the document's distribution, never seen in training (own generator: global RNG untouched)."""
    num_samples, seed = validation.count(num_samples, "입력 수 num_samples"), validation.seed(seed)
    return torch.randn(num_samples, NUM_FEATURES, generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def expected_random_label_loss(model: nn.Module, x: torch.Tensor) -> float:
    """Expected cross-entropy when labels are uniform and independent of ``x``: mean over inputs of mean_k(-log p_k).

    Averaging over the 10 possible labels exactly (instead of sampling them) removes label noise. By Gibbs'
    inequality mean_k(-log p_k) ≥ ln 10 for every input, with equality only for the uniform prediction.
    """
    outputs, _ = training.outputs_and_loss(model, x)
    return float(-torch.log_softmax(outputs, dim=1).mean())


@training.keeps_global_rng
def run_random(lr: float, steps: int = 20, momentum: float = 0.9, seed: int = 0,
               probe: torch.Tensor | None = None) -> training.TrainLog:
    """The document's run (same RNG use as ``run_once``) with held-out expected loss recorded after every step.

    ``val_losses[t]`` is the expected random-label loss on ``probe`` after step ``eval_steps[t]`` (step 0 = the
    initial model). A run whose loss turns NaN/inf or grows 1000x stops and is marked diverged.
    """
    lr, steps, momentum, seed = _settings(lr, steps, momentum, seed)
    probe = probe_inputs() if probe is None else validation.tensor(probe, "probe", floating=True, ndim=2)
    # The held-out loss costs 8,192 forward passes: after every step up to 100 steps, then on ~100 evenly spaced
    # steps and the last (a 400-step panel move answers in about a second instead of four).
    eval_every = max(1, steps // 100)
    # torch.manual_seed(seed) and the init, like the document; the draws below continue from that stream
    model = training.mlp(NUM_FEATURES, 64, NUM_CLASSES, seed=seed, restore_rng=False)
    opt = SGD(model.parameters(), lr=lr, momentum=momentum)
    log = training.TrainLog(eval_steps=[0], val_losses=[expected_random_label_loss(model, probe)])
    for step in range(steps):
        x = torch.randn(BATCH_SIZE, NUM_FEATURES)
        y = torch.randint(0, NUM_CLASSES, (BATCH_SIZE,))
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        value = loss.item()
        log.lrs.append(lr)
        if training.loss_diverged(value, log.losses[0] if log.losses else None):
            log.losses.append(value if math.isfinite(value) else math.nan)
            log.diverged_at = step
            break
        loss.backward()
        if not training.step_or_overflow(opt):
            log.losses.append(value)
            log.diverged_at = step
            break
        log.losses.append(value)
        if (step + 1) % eval_every == 0 or step + 1 == steps:
            log.eval_steps.append(step + 1)
            log.val_losses.append(expected_random_label_loss(model, probe))
    return log


def seed_table(lrs=(1e-2, 1e-1), seeds=range(5), steps: int = 20, momentum: float = 0.9) -> list[dict]:
    """For each seed: last training loss and final held-out expected loss per lr, and which lr 'won' on the last step.

    ``initial`` is the held-out expected loss of the untrained model (the same for every lr: same seed, same init).
    """
    lrs = tuple(validation.positive(lr, "학습률") for lr in validation.reals(lrs, "학습률 목록 lrs"))
    seeds = validation.integers(seeds, "시드 목록 seeds")
    probe = probe_inputs()
    rows = []
    for seed in seeds:
        logs = {lr: run_random(lr, steps, momentum, seed, probe) for lr in lrs}
        last = {lr: log.losses[-1] for lr, log in logs.items()}
        rows.append({"seed": seed, "last_loss": last, "initial": logs[lrs[0]].val_losses[0],
                     "heldout": {lr: log.val_losses[-1] for lr, log in logs.items()},
                     "winner": min(last, key=last.get)})
    return rows


def learnable_task() -> datasets.Split:
    """A fixed task with something to learn (labels from a teacher network), same 32 features and 10 classes.

    float64, like the model of :func:`run_learnable`: η = 1 makes the run sensitive enough that float32 rounding,
    which differs between CPU kernel paths, would change the printed accuracies from one machine to the next.
    """
    return datasets.teacher_classification(num_train=TASK_TRAIN, num_val=TASK_VAL, num_features=NUM_FEATURES,
                                           num_classes=NUM_CLASSES, seed=TASK_SEED, dtype=torch.float64)


def run_learnable(lr: float, steps: int = 200, momentum: float = 0.9, seed: int = 0,
                  split: datasets.Split | None = None, eval_every: int = 10) -> training.TrainLog:
    """Same model and optimiser on the fixed task: mini-batches of 128 from the training set, held-out accuracy logged.

    The model takes the split's dtype (float64 for :func:`learnable_task`).
    """
    split = learnable_task() if split is None else validation.instance(split, datasets.Split, "split", "datasets.Split")
    lr, steps, momentum, seed = _settings(lr, steps, momentum, seed)
    eval_every = validation.count(eval_every, "평가 간격 eval_every")
    model = training.mlp(NUM_FEATURES, 64, NUM_CLASSES, seed=seed, dtype=split.x_train.dtype)
    opt = SGD(model.parameters(), lr=lr, momentum=momentum)
    data = training.batches(split, BATCH_SIZE, steps, seed=seed)
    return training.train(model, opt, data, val=(split.x_val, split.y_val), eval_every=min(eval_every, steps))


# --- figures -------------------------------------------------------------------------------------------------------

def _lr_label(lr: float) -> str:
    return f"η={lr:g}"


def render_document_run(losses_by_lr: dict) -> tuple[Figure, str]:
    """Figure 1: the document's two loss curves against the ln 10 floor."""
    if not isinstance(losses_by_lr, dict) or not losses_by_lr:
        raise validation.InvalidArgument("losses_by_lr는 {학습률: run_once(학습률)의 손실 목록} 모양의 dict여야 합니다 "
                                         f"(받은 값의 타입: {type(losses_by_lr).__name__}).")
    losses_by_lr = {validation.positive(lr, "학습률"): validation.reals(losses, f"η={lr}의 손실 목록", finite=False)
                    for lr, losses in losses_by_lr.items()}
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.add_subplot()
    values = []
    for color, (lr, losses) in zip(_COLORS, losses_by_lr.items()):
        ax.plot(range(1, len(losses) + 1), losses, marker="o", ms=3, color=color, label=_lr_label(lr))
        values += losses
    ax.axhline(LN10, color="black", ls="--", lw=1, label="ln 10 ≈ 2.303 (균등 예측)")
    finite_ylim(ax, values + [LN10])
    ax.set(title="문서 원본의 5분 실습: 매 스텝 새 무작위 입력과 레이블", xlabel="스텝", ylabel="학습 손실 (그 스텝의 배치)")
    ax.legend()
    text = " / ".join(f"{_lr_label(lr)}: 처음 {l[0]:.4f} → 마지막 {l[-1]:.4f}" for lr, l in losses_by_lr.items())
    farthest = max(abs(v - LN10) for v in values)
    return fig, text + f" / ln 10 에서 가장 멀리 간 스텝의 거리 {farthest:.3f}"


def render_seeds(rows: list[dict]) -> tuple[Figure, str]:
    """Figure 2: per seed, the last training loss (noisy, ranking flips) and held-out expected loss (never below ln 10)."""
    rows = validation.records(rows, "rows", ("seed", "last_loss", "initial", "heldout", "winner"), "seed_table()")
    lrs = list(rows[0]["last_loss"])
    seeds = [row["seed"] for row in rows]
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    width = 0.8 / len(lrs)
    for i, (lr, color) in enumerate(zip(lrs, _COLORS)):
        offsets = [s + (i - (len(lrs) - 1) / 2) * width for s in range(len(seeds))]
        left.bar(offsets, [row["last_loss"][lr] for row in rows], width, color=color, label=_lr_label(lr))
        right.bar(offsets, [row["heldout"][lr] - LN10 for row in rows], width, color=color, label=_lr_label(lr))
    for ax in (left, right):
        ax.set_xticks(range(len(seeds)), [f"시드 {s}" for s in seeds])
    left.axhline(LN10, color="black", ls="--", lw=1, label="ln 10")
    last = [v for row in rows for v in row["last_loss"].values()]
    left.set_ylim(min(last + [LN10]) - 0.05, max(last + [LN10]) + 0.05)
    left.set(title="20스텝째 학습 손실: 시드마다 순위가 바뀝니다", ylabel="마지막 스텝의 손실")
    right.axhline(0, color="black", lw=1)
    right.set(title="새 무작위 데이터의 기대 손실 - ln 10 (항상 ≥ 0)", ylabel="기대 손실 - ln 10")
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    wins = {lr: sum(row["winner"] == lr for row in rows) for lr in lrs}
    floor = min(v for row in rows for v in row["heldout"].values())
    text = ("마지막 스텝 손실이 더 낮은 쪽: " + ", ".join(f"{_lr_label(lr)} {n}번" for lr, n in wins.items())
            + f" (시드 {len(rows)}개). 새 데이터의 기대 손실: 학습 전 {rows[0]['initial']:.4f} (시드 {seeds[0]}), "
            f"학습 후 최솟값 {floor:.4f} ≥ ln 10 = {LN10:.4f}")
    return fig, text


BLOWUP_FACTOR = 10.0


def blew_up(log: training.TrainLog) -> bool:
    """Diverged: stopped on NaN/inf or a 1000x loss, or ended at more than 10x its first loss (never better again)."""
    log = validation.instance(log, training.TrainLog, "log", "training.TrainLog")
    return log.diverged or (len(log.losses) > 1 and log.losses[-1] > BLOWUP_FACTOR * log.losses[0])


def _summary_line(lr: float, log: training.TrainLog, mode: str) -> str:
    if log.diverged:
        return f"{_lr_label(lr)}: 발산 ({log.diverged_at}번째 스텝에서 손실이 폭발하거나 NaN/inf)"
    if blew_up(log):
        return f"{_lr_label(lr)}: 발산 (마지막 손실 {log.losses[-1]:.3g}, 처음의 {log.losses[-1] / log.losses[0]:.0f}배)"
    if mode == RANDOM:
        return f"{_lr_label(lr)}: 새 데이터 기대 손실 {log.val_losses[-1]:.4f} (ln 10보다 {log.val_losses[-1] - LN10:+.4f})"
    return f"{_lr_label(lr)}: 검증 정확도 {log.val_accuracies[-1]:.1%}, 검증 손실 {log.val_losses[-1]:.3f}" \
        if log.val_accuracies else f"{_lr_label(lr)}: 평가 전에 끝났습니다"


def learnable_reading(lr: float, log: training.TrainLog, target: float = 0.7) -> str:
    """One Korean line of what the learnable-task figure shows for ``lr``, for the lab's reading to quote.

    Accuracy at the first evaluation, when it first reached ``target``, its range after the first evaluation (how much
    it swings), and the end: accuracy and the last training loss (far below the validation loss once it memorises).
    """
    lr, target = validation.positive(lr, "학습률"), validation.real(target, "목표 정확도 target", minimum=0.0, maximum=1.0)
    if blew_up(log) or not log.val_accuracies:
        return _summary_line(lr, log, LEARNABLE)
    steps, acc = log.eval_steps, log.val_accuracies
    reached = next((step for step, a in zip(steps, acc) if a > target), None)
    when = f"{reached}스텝째" if reached is not None else "끝까지 넘지 못함"
    later = acc[1:] or acc
    return (f"{_lr_label(lr)}: {steps[0]}스텝째 검증 정확도 {acc[0]:.1%}, {target:.0%} 를 처음 넘은 평가 {when}, "
            f"{steps[min(1, len(steps) - 1)]}–{steps[-1]}스텝의 범위 {min(later):.1%}–{max(later):.1%}, "
            f"{steps[-1]}스텝째 {acc[-1]:.1%}, "
            f"마지막 학습 손실 {log.losses[-1]:.3f} (검증 손실 {log.val_losses[-1]:.3f})")


def render_comparison(lr_a: float = 1e-2, lr_b: float = 1e-1, momentum: float = 0.9, steps: int = 20,
                      mode: str = RANDOM, extra_lrs=(), readings: bool = False) -> tuple[Figure, str]:
    """Training loss (left) and held-out metric (right) for two (or more) learning rates in either data mode.

    ``readings=True`` (learnable mode) adds one :func:`learnable_reading` line per learning rate to the summary.
    """
    mode = validation.choice(mode, sorted(_MODE_NAMES), "데이터 방식")
    momentum = validation.momentum(momentum, "모멘텀")
    extra_lrs = validation.reals(extra_lrs, "추가 학습률 extra_lrs", nonempty=False)
    lrs = [validation.positive(lr, "학습률") for lr in (lr_a, lr_b, *extra_lrs)]
    readings = validation.flag(readings, "readings")
    steps = validation.count(steps, "스텝 수")
    if mode == RANDOM:
        logs = [run_random(lr, steps, momentum) for lr in lrs]
    else:
        split = learnable_task()
        logs = [run_learnable(lr, steps, momentum, split=split, eval_every=max(1, steps // 20)) for lr in lrs]
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    train_values, right_values = [], []
    for lr, log, color in zip(lrs, logs, _COLORS):
        label = _lr_label(lr) + (" (발산)" if blew_up(log) else "")
        left.plot(range(1, len(log.losses) + 1), log.losses, color=color, lw=1.2, label=label)
        train_values += log.losses
        if mode == RANDOM:
            right.plot(log.eval_steps, log.val_losses, color=color, marker=".", label=label)
            right_values += log.val_losses
        else:
            right.plot(log.eval_steps, [100 * a for a in log.val_accuracies], color=color, marker=".", label=label)
    if mode == RANDOM:
        left.axhline(LN10, color="black", ls="--", lw=1, label="ln 10")
        right.axhline(LN10, color="black", ls="--", lw=1, label="ln 10 (도달할 수 있는 최저)")
        finite_ylim(right, right_values + [LN10])
        right.set(title="새 무작위 데이터의 기대 손실", xlabel="스텝", ylabel="기대 교차 엔트로피")
    else:
        right.axhline(100 / NUM_CLASSES, color="gray", ls=":", lw=1, label="찍기 (10%)")
        right.set_ylim(0, 100)
        right.set(title="검증 정확도 (학습에 쓰지 않은 데이터)", xlabel="스텝", ylabel="정확도 (%)")
    finite_ylim(left, train_values + ([LN10] if mode == RANDOM else []), cap=10 * LN10)
    left.set(title=f"학습 손실 — {_MODE_NAMES[mode]}", xlabel="스텝", ylabel="학습 손실")
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    text = f"{_MODE_NAMES[mode]}, 모멘텀 {momentum:g}, {steps}스텝 — " + " | ".join(
        _summary_line(lr, log, mode) for lr, log in zip(lrs, logs))
    if readings and mode == LEARNABLE:
        text += "".join("\n" + learnable_reading(lr, log) for lr, log in zip(lrs, logs))
    return fig, text


def comparison_panel() -> widgets.LivePanel:
    """Two learning rates, momentum, steps and the data mode; one figure, re-drawn in place."""
    controls = {
        "lr_a": widgets.log_slider("학습률 η (첫째)", 1e-2, 1e-4, 10.0),
        "lr_b": widgets.log_slider("학습률 η (둘째)", 1e-1, 1e-4, 10.0),
        "momentum": widgets.float_slider("모멘텀 μ", 0.9, 0.0, 0.99, 0.01),
        "steps": widgets.int_slider("스텝 수", 20, 5, 400, 5),
        "mode": widgets.choice("데이터", list(DATA_MODES), RANDOM),
    }
    return widgets.LivePanel(render_comparison, controls)



# --- the site's explorable (book/_ext/explorable.py, kind "five-minute") ---------------------------------------------
# One run per (η, μ, steps, mode): η on a 1-2-5 grid over the panel's slider range, a few μ, the document's 20 steps
# and the lab's 200. The page's two η sliders both snap to the η grid and show two runs of the same (μ, steps, mode).
# sgd_reference.labs.explorable_data writes the grid out.
EXPLORABLE_LRS = tuple(float(f"{m}e{e}") for e in range(-4, 1) for m in (1, 2, 5)) + (10.0,)
EXPLORABLE_MOMENTA = (0.0, 0.9)  # the lab asks what μ = 0 changes; two keep the page within its budget
EXPLORABLE_STEPS = (20, 200)


def explorable_controls() -> list[dict]:
    """The grid's axes (the page shows the η axis twice: first and second learning rate)."""
    return [
        {"name": "lr", "label": "학습률 η", "values": list(EXPLORABLE_LRS), "value": 1e-2},
        {"name": "momentum", "label": "모멘텀 μ", "values": list(EXPLORABLE_MOMENTA), "value": 0.9},
        {"name": "steps", "label": "스텝 수", "values": list(EXPLORABLE_STEPS), "value": 20},
        {"name": "mode", "label": "데이터", "values": [m for _, m in DATA_MODES],
         "labels": [label for label, _ in DATA_MODES], "value": RANDOM},
    ]


def explorable_eval_steps(mode: str, steps: int) -> list[int]:
    """The steps at which :func:`render_comparison`'s right panel has a value (a run that stops early has a prefix)."""
    mode, steps = validation.choice(mode, sorted(_MODE_NAMES), "데이터 방식"), validation.count(steps, "스텝 수")
    if mode == RANDOM:  # run_random: the initial model, then every max(1, steps // 100) steps and the last
        every = max(1, steps // 100)
        return [0] + [s for s in range(1, steps + 1) if s % every == 0 or s == steps]
    every = max(1, steps // 20)  # run_learnable through training.train
    return list(range(every, steps + 1, every))


def explorable_shared() -> dict:
    """What every point is drawn with: the page's controls (the panel's: η twice, then μ, steps, mode), the modes'
    names, ln 10 and the evaluation steps."""
    lr, *others = explorable_controls()
    page_controls = [dict(lr, name="lr_a", label="학습률 η (첫째)"), dict(lr, name="lr_b", label="학습률 η (둘째)", value=1e-1),
                     *others]
    return {"page_controls": page_controls, "mode_names": dict(_MODE_NAMES), "ln10": LN10,
            "eval_steps": {f"{mode}-{steps}": explorable_eval_steps(mode, steps)
                           for _, mode in DATA_MODES for steps in EXPLORABLE_STEPS}}


def explorable_point(lr: float, momentum: float, steps: int, mode: str) -> dict:
    """One curve pair of :func:`render_comparison`: training losses, the right panel's values (expected loss on new
    random data, or validation accuracy), whether it blew up, and its part of the summary line."""
    mode, steps = validation.choice(mode, sorted(_MODE_NAMES), "데이터 방식"), validation.count(steps, "스텝 수")
    if mode == RANDOM:
        log = run_random(lr, steps, momentum)
        right = log.val_losses
    else:
        log = run_learnable(lr, steps, momentum, eval_every=max(1, steps // 20))
        right = log.val_accuracies
    return {"loss": log.losses, "right": right, "diverged": blew_up(log), "text": _summary_line(lr, log, mode)}
