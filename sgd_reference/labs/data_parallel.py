"""Lab 10's figures and experiments: what DDP does in backward(), how close it comes to one process, linear scaling.

The runs are real: :func:`sgd_reference.distributed.launch` forks gloo ranks on 127.0.0.1. What the lab prints is
what every CPU prints: pass/fail against the stated tolerance, "bit for bit" where the arithmetic is exactly the same,
and float64 losses to three decimals; the measured rounding-level differences (which vary with the CPU's kernels) are
drawn in the figure only. The site's explorable figure (``explorable_*``, precomputed by labs.explorable_data) runs the
same DDP ranks and single-process runs on a grid of worker counts, learning rates and lr rules.
"""

from __future__ import annotations

import functools
import math

import torch
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .. import batch_scaling, distributed, validation
from ..teaching.plotting import plain_log_ticks

#: Linear-scaling experiment: a fixed data set, a fixed batch per worker, the same number of epochs for every run.
SCALING_SAMPLES, PER_WORKER_BATCH, BASE_LR, SCALING_EPOCHS = 512, 8, 0.02, 4


# --- what DDP does in backward() -------------------------------------------------------------------------------------

def _box(ax, x, y, w, h, text, color, *, size=9.5):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.01,rounding_size=0.02", linewidth=1.2,
                                edgecolor="#333333", facecolor=color))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size)


def _arrow(ax, start, end, color="#333333", style="-|>"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, linewidth=1.3, color=color))


def render_ddp_backward(workers: int = 2, global_batch: int = 32) -> tuple[Figure, str]:
    """A diagram of one DDP step: shards, forward, backward filling buckets from the last layer, all-reduce, same step."""
    sizes = distributed.shard_sizes(global_batch, workers)
    fig = Figure(figsize=(9.5, 4.6))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5.2)
    ax.axis("off")
    rows = [3.55, 0.75]
    for rank, y in enumerate(rows[:2]):
        ax.text(0.1, y + 1.05, f"rank {rank}", fontsize=10)
        _box(ax, 0.1, y, 1.35, 0.8, f"샤드\n{sizes[rank]}개 샘플", "#dbe9f6")
        _box(ax, 1.8, y, 1.35, 0.8, "순전파\n손실 평균", "#e8e8e8")
        _box(ax, 3.5, y + 0.42, 1.5, 0.38, "버킷 2: 마지막 층", "#fde2c8", size=8.5)
        _box(ax, 3.5, y, 1.5, 0.38, "버킷 1: 첫 층", "#fde2c8", size=8.5)
        _box(ax, 7.2, y, 1.2, 0.8, "평균 기울기\n(모두 같음)", "#d9f0d3", size=8.5)
        _box(ax, 8.65, y, 1.2, 0.8, "SGD 스텝\n같은 θ", "#d9f0d3", size=8.5)
        _arrow(ax, (1.45, y + 0.4), (1.8, y + 0.4))
        _arrow(ax, (3.15, y + 0.4), (3.5, y + 0.4))
        _arrow(ax, (8.4, y + 0.4), (8.65, y + 0.4))
        ax.text(4.25, y - 0.22 if rank else y + 0.95, "backward(): 뒤 층부터 채워지는 대로 보냄", ha="center",
                fontsize=8, color="#555555")
    _box(ax, 5.55, 1.95, 1.3, 1.3, f"올-리듀스\n(all-reduce)\n÷ {workers} 한 값의 합", "#f6d5d5")
    for y in rows[:2]:
        _arrow(ax, (5.0, y + 0.6), (5.55, 2.6), color="#b03a2e")
        _arrow(ax, (5.0, y + 0.2), (5.55, 2.6), color="#b03a2e")
        _arrow(ax, (6.85, 2.6), (7.2, y + 0.4), color="#1e7b34")
    more = " (그림에는 rank 0, 1 만 그림)" if workers > 2 else ""
    text = (f"DDP 한 스텝{more}: 작업자 {workers}개가 전역 배치 {global_batch}를 "
            f"{'/'.join(map(str, sizes))}개씩 나눠 순전파하고, backward() 가 기울기를 {workers}로 나눠 버킷에 "
            f"모으고, 버킷이 차는 대로 올-리듀스(모든 rank의 합)합니다. 모든 rank가 같은 평균 기울기로 같은 SGD 스텝을 밟습니다.")
    return fig, text


# --- how close: DDP against one process and accumulation ---------------------------------------------------------------

def describe(result: distributed.DataParallelResult) -> str:
    """The result in words every CPU prints identically: pass/fail and exact equality, not the rounding-level values."""
    dtype = str(result.config.dtype).removeprefix("torch.")

    def difference(value: float) -> str:
        if value == 0.0:
            return "0 (비트 단위로 같음)"
        if value <= result.tolerance:
            return f"허용 오차 {result.tolerance:g} 이내 (반올림 수준)"
        return f"{value:.1e} (허용 오차 {result.tolerance:g} 를 넘음)"

    return "\n".join([
        f"[{dtype}] 작업자 {result.workers}개, 샤드 {'/'.join(map(str, result.shards))}, {result.config.steps}스텝, "
        f"손실 스케일링 '{result.config.loss_scaling}'",
        f"  작업자끼리 파라미터가 비트 단위로 같은가: {'예' if result.ranks_agree else '아니요'}",
        f"  한 프로세스(전체 배치)와의 가장 큰 차이: {difference(result.diff_single)}",
        f"  기울기 누적(마이크로배치 {len(result.shards)}개)과의 가장 큰 차이: {difference(result.diff_accumulated)}",
    ])


def render_differences(results: list[distributed.DataParallelResult]) -> tuple[Figure, str]:
    """Log-scale bars of the measured largest differences with each dtype's tolerance; exact zeros marked as such."""
    if not results:
        raise validation.InvalidArgument("그릴 결과가 없습니다: distributed.run_data_parallel(...) 의 결과 목록을 넘기세요.")
    fig = Figure(figsize=(8.5, 4.2))
    ax = fig.add_subplot(1, 1, 1)
    floor = 1e-18
    labels, values, colors = [], [], []
    for result in results:
        dtype = str(result.config.dtype).removeprefix("torch.")
        for name, value, color in (("한 프로세스", result.diff_single, "#1f77b4"),
                                   ("기울기 누적", result.diff_accumulated, "#ff7f0e")):
            labels.append(f"{dtype}\nW={result.workers}, {name}")
            values.append(value)
            colors.append(color)
    positions = range(len(values))
    ax.bar(positions, [max(v, floor) for v in values], color=colors, bottom=floor * 0.1)
    for i, value in zip(positions, values):
        ax.text(i, max(value, floor) * 1.6, "0\n(비트 단위로 같음)" if value == 0 else f"{value:.1e}", ha="center",
                fontsize=8)
    for dtype, tolerance in ((torch.float64, distributed.TOLERANCE[torch.float64]),
                             (torch.float32, distributed.TOLERANCE[torch.float32])):
        if any(r.config.dtype == dtype for r in results):
            ax.axhline(tolerance, color="#b03a2e", linestyle="--", linewidth=1)
            ax.text(len(values) - 0.5, tolerance * 1.4, f"허용 오차 {str(dtype).removeprefix('torch.')} {tolerance:g}",
                    ha="right", fontsize=8, color="#b03a2e")
    ax.set_yscale("log")
    ax.set_ylim(floor * 0.1, 1e-4)
    plain_log_ticks(ax, "y")
    ax.set_xticks(list(positions))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("가장 큰 파라미터 차이 (로그 눈금)")
    ax.set_title("DDP 와 한 프로세스·기울기 누적의 차이 (막대 위 숫자는 이 기계의 값)")
    fig.tight_layout()
    passed = sum(r.ok for r in results)
    return fig, f"비교 {len(results)}개 중 허용 오차 이내: {passed}개"


# --- the linear scaling rule, for real ------------------------------------------------------------------------------

def linear_scaling_runs(workers=(1, 2, 4), per_worker_batch: int = PER_WORKER_BATCH, base_lr: float = BASE_LR,
                        epochs: int = SCALING_EPOCHS) -> list[dict]:
    """For each W: DDP with lr unchanged and with lr scaled linearly (η·W), same epochs, whole-data loss per epoch."""
    per_worker_batch = validation.integer(per_worker_batch, "작업자당 배치", minimum=1, maximum=SCALING_SAMPLES)
    epochs = validation.integer(epochs, "에폭 수", minimum=1, maximum=20)
    runs = []
    for w in workers:
        w = validation.integer(w, "작업자 수", minimum=1, maximum=8)
        global_batch = w * per_worker_batch
        if SCALING_SAMPLES % global_batch:
            raise validation.InvalidArgument(f"데이터 {SCALING_SAMPLES}개가 전역 배치 {global_batch}로 "
                                             f"나누어떨어져야 합니다 (작업자 {w}개 × {per_worker_batch}).")
        scaled_lr = batch_scaling.scale_lr_linear(base_lr, per_worker_batch, global_batch)
        for scaled, lr in ((False, base_lr), (True, scaled_lr)):
            if w == 1 and scaled:
                continue  # one worker: the two are the same run
            config = scaling_config(w, lr, per_worker_batch=per_worker_batch, epochs=epochs)
            curve = distributed.launch(config, w)[0].curve
            runs.append({"workers": w, "scaled": scaled, "lr": lr, "global_batch": global_batch,
                         "steps": config.steps, "losses": [loss for _, loss in curve]})
    return runs


def scaling_config(workers: int, lr: float, *, per_worker_batch: int = PER_WORKER_BATCH, epochs: int = SCALING_EPOCHS,
                   evals_per_epoch: int = 1, dtype="float64") -> distributed.Config:
    """One run of the scaling experiment: ``epochs`` passes over the same data at a global batch of W × b, the
    whole-data loss ``evals_per_epoch`` times an epoch (at the same numbers of samples seen in every run)."""
    workers = validation.integer(workers, "작업자 수", minimum=1, maximum=distributed.MAX_WORKERS)
    per_worker_batch = validation.integer(per_worker_batch, "작업자당 배치", minimum=1, maximum=SCALING_SAMPLES)
    epochs = validation.integer(epochs, "에폭 수", minimum=1, maximum=20)
    evals_per_epoch = validation.integer(evals_per_epoch, "에폭당 평가 횟수", minimum=1, maximum=SCALING_SAMPLES)
    global_batch = workers * per_worker_batch
    if SCALING_SAMPLES % global_batch:
        raise validation.InvalidArgument(f"데이터 {SCALING_SAMPLES}개가 전역 배치 {global_batch}로 "
                                         f"나누어떨어져야 합니다 (작업자 {workers}개 × {per_worker_batch}).")
    steps_per_epoch = SCALING_SAMPLES // global_batch
    return distributed.Config(steps=epochs * steps_per_epoch, global_batch=global_batch, lr=lr, dtype=dtype,
                              num_samples=SCALING_SAMPLES, eval_every=max(1, steps_per_epoch // evals_per_epoch))


def scaling_label(run: dict) -> str:
    if run["workers"] == 1:
        return f"W=1, η={run['lr']:g} (기준)"
    return f"W={run['workers']}, η={run['lr']:g} ({'η×' + str(run['workers']) if run['scaled'] else '그대로'})"


def render_linear_scaling(runs: list[dict]) -> tuple[Figure, str]:
    """Whole-data loss per epoch: left lr unchanged, right lr scaled linearly; the one-worker baseline in both."""
    fig = Figure(figsize=(10, 4))
    axes = fig.subplots(1, 2, sharey=True)
    colors = {1: "#000000", 2: "#1f77b4", 4: "#2ca02c", 8: "#d62728"}
    for ax, scaled, title in ((axes[0], False, "학습률 그대로"), (axes[1], True, "선형 스케일링 (η × 작업자 수)")):
        for run in runs:
            if run["workers"] == 1 or run["scaled"] == scaled:
                epochs = range(len(run["losses"]))
                ax.plot(epochs, run["losses"], marker="o", color=colors.get(run["workers"], "#7f7f7f"),
                        label=scaling_label(run))
        ax.set_title(title)
        ax.set_xlabel("에폭 (모든 실행이 같은 수의 샘플을 봄)")
        ax.set_xticks(range(len(runs[0]["losses"])))
        ax.set_yscale("log")
        plain_log_ticks(ax, "y")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("전체 데이터 손실 (로그 눈금)")
    fig.tight_layout()
    parts = [f"{scaling_label(r)}: {r['losses'][-1]:.3f}" for r in runs]
    return fig, f"{len(runs[0]['losses']) - 1}에폭 뒤 전체 데이터 손실 — " + " | ".join(parts)


def scaling_table(runs: list[dict]) -> str:
    lines = [f"{'실행':<26} {'스텝':>4}  에폭별 전체 데이터 손실"]
    for run in runs:
        lines.append(f"{scaling_label(run):<26} {run['steps']:>4}  " + " ".join(f"{v:.3f}" for v in run["losses"]))
    return "\n".join(lines)


# --- the site's explorable figure (precomputed by sgd_reference.labs.explorable_data) ---------------------------------
# Every grid point is the lab's own run: real DDP ranks forked by distributed.launch (one rank for W = 1), against
# one process on the same global batch (distributed.train_single), in float64 and in float32.

EXPLORABLE_WORKERS = (1, 2, 4, 8)
EXPLORABLE_BASE_LRS = (0.01, 0.02, 0.05, 0.1)
LR_RULES = ("fixed", "sqrt", "linear")
LR_RULE_NAMES = {"fixed": "그대로 (η)", "sqrt": "제곱근 규칙 (η×√W)", "linear": "선형 규칙 (η×W)"}
LR_RULE_TEXT = {"fixed": "학습률 그대로", "sqrt": "제곱근 규칙 η×√W", "linear": "선형 규칙 η×W"}
EXPLORABLE_EVALS_PER_EPOCH = 8
#: A run whose whole-data loss passes this (the start is 1.19) has blown up: the panel says 발산.
DIVERGED_LOSS = 10.0


def lr_for_workers(base_lr: float, workers: int, rule: str, per_worker_batch: int = PER_WORKER_BATCH) -> float:
    """The lr for W workers from the one-worker lr: unchanged, ×√W (keeps the gradient noise's std), or ×W (linear)."""
    rule = validation.choice(rule, LR_RULES, "학습률 규칙")
    workers = validation.integer(workers, "작업자 수", minimum=1, maximum=distributed.MAX_WORKERS)
    per_worker_batch = validation.integer(per_worker_batch, "작업자당 배치", minimum=1, maximum=SCALING_SAMPLES)
    if rule == "linear":
        return batch_scaling.scale_lr_linear(base_lr, per_worker_batch, workers * per_worker_batch)
    base_lr = validation.positive(base_lr, "학습률")
    return base_lr * math.sqrt(workers) if rule == "sqrt" else base_lr


def explorable_controls() -> list[dict]:
    return [
        {"name": "workers", "label": "작업자 수 W",
         "values": list(EXPLORABLE_WORKERS), "value": 4},
        {"name": "base_lr", "label": "기준 학습률 η (작업자 1개)", "values": list(EXPLORABLE_BASE_LRS), "value": BASE_LR},
        {"name": "rule", "label": "학습률 규칙", "values": list(LR_RULES),
         "labels": [LR_RULE_NAMES[r] for r in LR_RULES], "value": "linear"},
    ]


def _diverged_at(curve: list[tuple[int, float]]) -> int | None:
    """Samples seen when the whole-data loss first passes DIVERGED_LOSS (or stops being finite), else None."""
    for samples, loss in curve:
        if not math.isfinite(loss) or loss > DIVERGED_LOSS:
            return samples
    return None


@functools.lru_cache(maxsize=None)
def _one_worker(base_lr: float) -> tuple[tuple[int, float], ...]:
    """The one-worker run's (samples seen, whole-data loss) curve, what every W is compared with (once per lr)."""
    config = scaling_config(1, base_lr, evals_per_epoch=EXPLORABLE_EVALS_PER_EPOCH)
    return tuple(distributed.launch(config, 1)[0].curve)


def _baseline(base_lr: float) -> dict:
    curve = _one_worker(base_lr)
    return {"loss": [loss for _, loss in curve], "diverged_at": _diverged_at(curve)}


def explorable_shared() -> dict:
    """The samples seen at each recorded point, the one-worker run at each base lr, and the stated tolerances."""
    return {"samples": [s for s, _ in _one_worker(BASE_LR)], "data_size": SCALING_SAMPLES, "epochs": SCALING_EPOCHS,
            "baselines": [_baseline(lr) for lr in EXPLORABLE_BASE_LRS], "diverged_loss": DIVERGED_LOSS,
            "tolerance": {str(k).removeprefix("torch."): v for k, v in distributed.TOLERANCE.items()}}


def data_parallel_run(workers: int, rule: str, base_lr: float) -> dict:
    """DDP with ``workers`` ranks at the rule's lr, in float64 and float32: the float64 whole-data loss curve and,
    per dtype, the largest parameter difference against one process on the same global batch at each recorded point."""
    lr = lr_for_workers(base_lr, workers, rule)
    result = {"workers": workers, "lr": lr}
    for dtype in ("float64", "float32"):
        config = scaling_config(workers, lr, evals_per_epoch=EXPLORABLE_EVALS_PER_EPOCH, dtype=dtype)
        ddp = distributed.launch(config, workers)[0]
        single = distributed.train_single(config)
        result[f"diff_{dtype}"] = [distributed.max_difference(a, b) for a, b in zip(ddp.snapshots, single.snapshots)]
        if dtype == "float64":
            result.update(steps=config.steps, global_batch=config.global_batch, loss=[v for _, v in ddp.curve],
                          diverged_at=_diverged_at(ddp.curve))
    return result


def data_parallel_text(run: dict, rule: str, baseline: dict) -> str:
    """The figure's status line: the run, its last loss (or 발산) against one worker, and the two largest differences."""
    w = run["workers"]
    head = (f"작업자 {w}개 × 배치 {PER_WORKER_BATCH} = 전역 배치 {run['global_batch']}, η = {run['lr']:.3g} "
            f"({LR_RULE_TEXT[rule]}), {run['steps']}스텝: ")
    if run["diverged_at"] is not None:
        head += f"발산 (샘플 {run['diverged_at']}개를 본 뒤 전체 데이터 손실 {DIVERGED_LOSS:g} 초과)."
    else:
        base = ("발산" if baseline["diverged_at"] is not None else f"{baseline['loss'][-1]:.3f}")
        head += f"{SCALING_EPOCHS}에폭 뒤 전체 데이터 손실 {run['loss'][-1]:.3f} (작업자 1개: {base})."
    if run["diverged_at"] is not None:
        return head + " 발산한 뒤의 파라미터 차이는 뜻이 없습니다."
    if all(d == 0 for dtype in ("float64", "float32") for d in run[f"diff_{dtype}"]):
        return head + " 한 프로세스와 파라미터가 비트 단위로 같습니다 (차이 0)."
    parts = []
    for dtype in ("float64", "float32"):
        worst = max(run[f"diff_{dtype}"])
        tolerance = distributed.TOLERANCE[distributed.DTYPES[dtype]]
        parts.append(f"{dtype} {worst:.1e}" + ("" if worst <= tolerance else f" (20스텝 허용 오차 {tolerance:g} 넘음)"))
    return head + " 한 프로세스와의 가장 큰 파라미터 차이: " + ", ".join(parts) + "."


def explorable_point(workers: int, base_lr: float, rule: str) -> dict:
    """One grid point: the loss curve, the two difference curves and the status line."""
    run = data_parallel_run(workers, rule, base_lr)
    return {"loss": run["loss"], "diverged_at": run["diverged_at"], "diff_float64": run["diff_float64"],
            "diff_float32": run["diff_float32"], "text": data_parallel_text(run, rule, _baseline(base_lr))}
