"""One small, seeded training loop shared by the labs, recording what the chapters talk about.

It records per-step training loss, global gradient norm and learning rate, and (optionally) held-out loss and accuracy.
A run whose loss becomes NaN/inf, or grows past ``divergence_threshold`` times its first value (:func:`loss_diverged`,
the one divergence rule of the labs), stops and is marked diverged instead of raising: a lab at an extreme slider
value must say "발산" and keep a readable plot. The gradient norm and clipping are the core's
(:mod:`sgd_reference.gradients`, torch's rounding order).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import torch
from torch import nn

from .. import validation
from ..gradients import clip_grad_norm, global_grad_norm
from .datasets import Split


@dataclass
class TrainLog:
    """What one run did, step by step. Lists are aligned by step; held-out metrics at ``eval_steps``."""

    losses: list[float] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    val_accuracies: list[float] = field(default_factory=list)
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    def summary(self, label: str = "") -> str:
        """One Korean line: first/last loss, or where it diverged."""
        prefix = f"{label}: " if label else ""
        if not self.losses:
            return f"{prefix}기록된 스텝이 없습니다."
        if self.diverged:
            return f"{prefix}발산했습니다 ({self.diverged_at}번째 스텝에서 손실이 폭발하거나 NaN/inf가 되었습니다)."
        text = f"{prefix}손실 {self.losses[0]:.4f} → {self.losses[-1]:.4f}"
        if self.val_accuracies:
            text += f", 검증 정확도 {self.val_accuracies[-1]:.1%}"
        return text


def keeps_global_rng(function: Callable) -> Callable:
    """Decorator: the learner's global torch RNG is the same after the call as before.

    The labs seed the global RNG as the source document does (``torch.manual_seed``); without this, a learner's
    ``torch.manual_seed(42)`` followed by one lab call would no longer give the seed-42 stream.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with torch.random.fork_rng(devices=[]):
            return function(*args, **kwargs)

    return wrapper


def mlp(num_features: int = 32, hidden: int = 64, num_classes: int = 10, seed: int = 0,
        dtype: torch.dtype = torch.float32, restore_rng: bool = True) -> nn.Sequential:
    """The source document's model, ``Linear(32, 64) - ReLU - Linear(64, 10)``, initialised from ``seed``.

    ``dtype=torch.float64`` makes a run identical on every CPU kernel path (float32 reductions differ between AVX2,
    AVX-512 and the generic path). The global RNG is put back afterwards; ``restore_rng=False`` leaves it where the
    document's ``torch.manual_seed(seed)`` and initialisation leave it, for a caller that keeps drawing from it the
    way the document does (and restores it itself, with :func:`keeps_global_rng`).
    """
    if validation.flag(restore_rng, "restore_rng"):
        return keeps_global_rng(mlp)(num_features, hidden, num_classes, seed, dtype, restore_rng=False)
    num_features, hidden, num_classes = (validation.count(v, name) for v, name in (
        (num_features, "입력 특성 수 num_features"), (hidden, "은닉 유닛 수 hidden"), (num_classes, "클래스 수 num_classes")))
    dtype = validation.float_dtype(dtype)
    torch.manual_seed(validation.seed(seed))
    return nn.Sequential(nn.Linear(num_features, hidden, dtype=dtype), nn.ReLU(),
                         nn.Linear(hidden, num_classes, dtype=dtype))


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and accuracy on held-out data (model put back in its previous train/eval mode)."""
    validation.instance(model, nn.Module, "model", "torch.nn.Module")
    validation.tensor(y, "정답 y")
    was_training = model.training
    model.eval()
    try:
        logits, loss = outputs_and_loss(model, x, y)
    finally:
        model.train(was_training)
    loss = loss.item()
    accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


def outputs_and_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor | None = None,
                     loss_fn: Callable = nn.functional.cross_entropy) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``model(x)`` and ``loss_fn(model(x), y)`` (None without ``y``), or a Korean error that names the shapes when the
    model cannot take them (torch's own message is kept at the end)."""
    validation.instance(model, nn.Module, "model", "torch.nn.Module")
    validation.tensor(x, "입력 x")
    if y is not None:
        validation.tensor(y, "정답 y")
    try:
        outputs = model(x)
        return outputs, None if y is None else loss_fn(outputs, y)
    except (RuntimeError, ValueError, IndexError) as error:
        shapes = f"입력 x(모양 {tuple(x.shape)}, {x.dtype})" + (
            "" if y is None else f"와 정답 y(모양 {tuple(y.shape)}, {y.dtype})")
        raise validation.InvalidArgument(f"모델이 {shapes}를 받지 못했습니다. 모양과 dtype을 확인하세요 "
                                         f"({type(error).__name__}: {str(error)[:200]})") from error


# The document's "손실 급등": a loss more than this many times the run's first loss has blown up.
DIVERGENCE_FACTOR = 1e3


def loss_diverged(loss: float, first_loss: float | None, factor: float = DIVERGENCE_FACTOR) -> bool:
    """The divergence rule of every lab run: the loss is NaN/inf, or above ``factor`` × the first loss (a first loss
    below 1e-8 counts as 1e-8, so a run that starts at 0 is not divergent for any tiny rise)."""
    loss = validation.real(loss, "손실 loss", finite=False)
    factor = validation.real(factor, "배수 factor", above=0.0, finite=False)
    if not math.isfinite(loss):
        return True
    if first_loss is None:
        return False
    return loss > factor * max(validation.real(first_loss, "첫 손실 first_loss", finite=False), 1e-8)


def batches(split: Split, batch_size: int, steps: int, seed: int = 0) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """``steps`` mini-batches drawn by reshuffling the training set each epoch (seeded, so runs are comparable).

    The arguments are checked when it is called, not when the first batch is drawn.
    """
    validation.instance(split, Split, "split", "datasets.Split")
    batch_size = validation.count(batch_size, "배치 크기 batch_size")
    steps = validation.count(steps, "스텝 수 steps", minimum=0)
    return _batches(split, batch_size, steps, validation.seed(seed))


def _batches(split: Split, batch_size: int, steps: int, seed: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    n = len(split.x_train)
    order, position = torch.randperm(n, generator=generator), 0
    for _ in range(steps):
        if position + batch_size > n:
            order, position = torch.randperm(n, generator=generator), 0
        index = order[position:position + batch_size]
        position += batch_size
        yield split.x_train[index], split.y_train[index]


def train(model: nn.Module, optimizer: torch.optim.Optimizer, data: Iterable[tuple[torch.Tensor, torch.Tensor]], *,
          loss_fn: Callable = nn.functional.cross_entropy, scheduler=None, max_grad_norm: float | None = None,
          val: tuple[torch.Tensor, torch.Tensor] | None = None, eval_every: int = 10,
          divergence_threshold: float = DIVERGENCE_FACTOR) -> TrainLog:
    """The document's loop (zero_grad, forward, loss, backward, step) over ``data``, with logging and a divergence stop.

    ``max_grad_norm`` clips the global gradient norm before the step (the norm logged is the one *before* clipping,
    which is what tells you something exploded).
    """
    validation.instance(model, nn.Module, "model", "torch.nn.Module")
    validation.instance(optimizer, torch.optim.Optimizer, "optimizer", "torch.optim.Optimizer")
    eval_every = validation.integer(eval_every, "평가 간격 eval_every", minimum=1)
    if max_grad_norm is not None:
        max_grad_norm = validation.real(max_grad_norm, "max_grad_norm", minimum=0.0, finite=False)
    divergence_threshold = validation.real(divergence_threshold, "divergence_threshold", above=0.0, finite=False)
    log = TrainLog()
    parameters = [p for group in optimizer.param_groups for p in group["params"]]
    model.train()
    for step, (x, y) in enumerate(_pairs(data)):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss_value = loss.item()
        log.lrs.append(float(optimizer.param_groups[0]["lr"]))
        if loss_diverged(loss_value, log.losses[0] if log.losses else None, divergence_threshold):
            log.losses.append(loss_value if math.isfinite(loss_value) else math.nan)
            log.grad_norms.append(math.nan)
            log.diverged_at = step
            break
        loss.backward()
        # The norm before clipping (clipping returns it): the number that says something exploded.
        grad_norm = float(global_grad_norm(parameters) if max_grad_norm is None
                          else clip_grad_norm(parameters, max_grad_norm))
        log.losses.append(loss_value)
        log.grad_norms.append(grad_norm)
        if not math.isfinite(grad_norm):
            log.diverged_at = step
            break
        if not step_or_overflow(optimizer):
            log.diverged_at = step
            break
        if scheduler is not None:
            scheduler.step()
        if val is not None and (step + 1) % eval_every == 0:
            val_loss, val_accuracy = evaluate(model, *val)
            log.eval_steps.append(step + 1)
            log.val_losses.append(val_loss)
            log.val_accuracies.append(val_accuracy)
    return log


def _pairs(data: Iterable) -> Iterable[tuple[torch.Tensor, torch.Tensor]]:
    """``data``'s (inputs, targets) pairs, or a Korean error for anything else (a number, a tensor, a string)."""
    if isinstance(data, (str, bytes, dict, torch.Tensor)) or not hasattr(data, "__iter__"):
        raise validation.InvalidArgument(
            f"data는 (입력, 정답) 쌍을 내놓는 반복 가능한 것이어야 합니다 (예: batches(...); 받은 값의 타입: {type(data).__name__}).")
    for item in data:
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise validation.InvalidArgument(f"data의 원소는 (입력, 정답) 쌍이어야 합니다 (받은 값: {type(item).__name__}).")
        yield item


def step_or_overflow(optimizer: torch.optim.Optimizer) -> bool:
    """``optimizer.step()``; False when torch cannot even apply the step because η·g overflows the parameters' dtype
    (an η of 1e308 on float32 weights): that is divergence, said as "발산", not a RuntimeError wall."""
    validation.instance(optimizer, torch.optim.Optimizer, "optimizer", "torch.optim.Optimizer")
    try:
        optimizer.step()
    except RuntimeError as error:
        if "overflow" not in str(error):
            raise
        return False
    return True


def moving_average(values: list[float], window: int) -> list[float]:
    """Trailing mean over ``window`` steps: the trend the FAQ tells you to watch instead of each noisy step."""
    window = validation.integer(window, "이동 평균 구간 window", minimum=1)
    values = validation.reals(values, "values", finite=False, nonempty=False)
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out
