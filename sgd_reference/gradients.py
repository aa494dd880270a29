"""기울기 점검 도구: 전체 기울기 노름, 기울기 클리핑, NaN/inf 검사, 스텝별 노름 기록(급등 표시).

``global_grad_norm`` and ``clip_grad_norm`` do the same tensor operations as
``torch.nn.utils.get_total_norm`` / ``clip_grad_norm_`` (a norm per tensor, then the norm of those
norms; scale every gradient by min(max_norm / (norm + 1e-6), 1)), so their results are bit-identical
to torch's when all gradients share one dtype and device.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import Any

import torch
from torch import Tensor, nn

from . import validation

__all__ = ["NonFiniteError", "global_grad_norm", "clip_grad_norm", "check_finite", "GradNormLogger"]


class NonFiniteError(FloatingPointError):
    """손실이나 기울기에 NaN/inf 가 나타났을 때 (어느 파라미터인지 메시지에 적는다)."""


def _as_tensor_list(params_or_grads: Any, what: str) -> list[Tensor]:
    if isinstance(params_or_grads, nn.Module):
        return list(params_or_grads.parameters())
    if isinstance(params_or_grads, Tensor):
        return [params_or_grads]
    if not isinstance(params_or_grads, Iterable) or isinstance(params_or_grads, (str, bytes, dict)):
        raise TypeError(f"{what}에는 텐서의 목록이나 nn.Module 을 넘겨 주세요 (받은 값: {type(params_or_grads).__name__}).")
    items = list(params_or_grads)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{what}의 {i}번째 원소가 텐서가 아닙니다 (받은 값: {type(t).__name__}).")
    return items


def _grads_of(tensors: list[Tensor]) -> list[Tensor]:
    """A parameter (``nn.Parameter`` or ``requires_grad``) contributes its ``.grad`` (skipped if None);
    any other tensor is taken to be a gradient itself."""
    grads = []
    for t in tensors:
        if isinstance(t, nn.Parameter) or t.requires_grad:
            if t.grad is not None:
                grads.append(t.grad)
        else:
            grads.append(t)
    return grads


def _check_norm_type(norm_type: object) -> float:
    return validation.real(norm_type, "노름 차수 norm_type", above=0.0, finite=False)  # inf: the largest |g|


@torch.no_grad()
def global_grad_norm(params_or_grads: Any, norm_type: float = 2.0) -> Tensor:
    """The norm of all gradients seen as one long vector (0-dim tensor; ``tensor(0.)`` if none).

    Accepts a model, parameters (their ``.grad`` is used) or the gradient tensors themselves.
    """
    norm_type = _check_norm_type(norm_type)
    grads = _grads_of(_as_tensor_list(params_or_grads, "global_grad_norm"))
    if not grads:
        return torch.tensor(0.0)
    # ‖g‖ = ‖(‖g₁‖, ‖g₂‖, …)‖: per-tensor norms first, exactly as torch does (same rounding).
    per_tensor = [torch.linalg.vector_norm(g, norm_type) for g in grads]
    return torch.linalg.vector_norm(torch.stack([n.to(grads[0].device) for n in per_tensor]), norm_type)


@torch.no_grad()
def clip_grad_norm(params: Any, max_norm: float, norm_type: float = 2.0) -> Tensor:
    """기울기 클리핑: scale all gradients in place so their global norm is at most ``max_norm``.

    Returns the norm *before* clipping (what to log). Same result as ``torch.nn.utils.clip_grad_norm_``:
    coefficient min(max_norm / (‖g‖ + 1e-6), 1), multiplied into every gradient even when it is 1.
    Shown in the book: 09_debugging.
    """
    max_norm = validation.real(max_norm, "max_norm", minimum=0.0, finite=False)  # torch also takes a 0-d tensor, or inf
    tensors = _as_tensor_list(params, "clip_grad_norm")
    if any(not (isinstance(t, nn.Parameter) or t.requires_grad) for t in tensors):
        raise TypeError("clip_grad_norm 에는 기울기가 아니라 파라미터(또는 모델)를 넘겨 주세요: 파라미터의 .grad 를 고칩니다.")
    grads = _grads_of(tensors)
    total = global_grad_norm(grads, norm_type)
    if not grads:
        return total
    coef = torch.clamp(float(max_norm) / (total + 1e-6), max=1.0)  # never scales up
    for g in grads:
        g.mul_(coef.to(g.device))
    return total


def _named(params: Any) -> list[tuple[str, Tensor]]:
    if isinstance(params, nn.Module):
        return list(params.named_parameters())
    if isinstance(params, Tensor):
        return [("params[0]", params)]
    if not isinstance(params, Iterable) or isinstance(params, (str, bytes, dict)):
        raise TypeError(f"params 에는 모델, 파라미터 목록 또는 (이름, 파라미터) 목록을 넘겨 주세요 (받은 값: {type(params).__name__}).")
    named = []
    for i, item in enumerate(params):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Tensor):
            named.append((str(item[0]), item[1]))
        elif isinstance(item, Tensor):
            named.append((f"params[{i}]", item))
        else:
            raise TypeError(f"params 의 {i}번째 원소가 텐서나 (이름, 텐서) 쌍이 아닙니다 (받은 값: {type(item).__name__}).")
    return named


@torch.no_grad()
def check_finite(loss: Any = None, params: Any = None) -> None:
    """Raise :class:`NonFiniteError` if the loss or any gradient has NaN/inf, naming the culprits.

    ``params``: a model (names from ``named_parameters``), ``named_parameters()`` pairs, or tensors.
    Parameters without a gradient are skipped. Returns ``None`` when everything is finite.
    """
    if loss is None and params is None:
        raise ValueError("check_finite 에 검사할 손실(loss)이나 파라미터(params)를 하나 이상 넘겨 주세요.")
    problems = []
    if loss is not None:
        if isinstance(loss, Tensor):
            bad = not bool(torch.isfinite(loss).all())
            shown = loss.detach().flatten()[:1].tolist()
        elif validation.as_real(loss) is not None:
            bad, shown = not math.isfinite(validation.as_real(loss)), [loss]
        else:
            raise TypeError(f"loss 는 수나 텐서여야 합니다 (받은 값: {type(loss).__name__}).")
        if bad:
            problems.append(f"손실이 유한하지 않습니다 (값: {shown[0] if shown else '?'})")
    if params is not None:
        for name, p in _named(params):
            g = p.grad
            if g is None:
                continue
            if g.is_sparse:
                g = g.coalesce().values()
            n_nan, n_inf = int(torch.isnan(g).sum()), int(torch.isinf(g).sum())
            if n_nan or n_inf:
                problems.append(f"파라미터 '{name}' 의 기울기에 NaN {n_nan}개, inf {n_inf}개 (원소 {g.numel()}개 중)")
    if problems:
        raise NonFiniteError(
            "NaN/inf 발견: " + "; ".join(problems)
            + ". 학습률을 낮추거나 기울기 클리핑(max_norm=1.0 등)을 임시로 적용한 뒤 원인을 추적하세요."
        )


class GradNormLogger:
    """스텝마다 전체 기울기 노름을 기록하고, 급등(spike)을 표시한다.

    A step is a spike when its norm is not finite, or exceeds ``spike_factor`` × the median of the
    previous ``window`` finite norms (once ``min_history`` of them exist). The median resists the
    spikes themselves, unlike a mean.
    """

    def __init__(self, spike_factor: float = 10.0, window: int = 50, min_history: int = 5) -> None:
        spike_factor = validation.real(spike_factor, "spike_factor", above=1.0)
        window = validation.integer(window, "window", minimum=1)
        min_history = validation.integer(min_history, "min_history", minimum=1)
        if min_history > window:
            raise validation.InvalidArgument(f"min_history({min_history})는 window({window})보다 클 수 없습니다.")
        self.spike_factor, self.window, self.min_history = spike_factor, window, min_history
        self.norms: list[float] = []
        self.spikes: list[int] = []

    def log(self, params_or_grads: Any) -> float:
        """Compute the global gradient norm now (call after ``backward()``), record it, return it."""
        return self.record(float(global_grad_norm(params_or_grads)))

    def record(self, norm: float | Tensor) -> float:
        """Record a norm computed elsewhere (e.g. the return value of ``clip_grad_norm``)."""
        norm = validation.real(norm, "노름", finite=False)  # NaN/inf: recorded, and flagged as a spike
        if norm < 0:
            raise validation.InvalidArgument(f"노름은 음수일 수 없습니다 (받은 값: {norm}).")
        step = len(self.norms)
        history = [n for n in self.norms[-self.window:] if math.isfinite(n)]
        if not math.isfinite(norm) or (
            len(history) >= self.min_history and norm > self.spike_factor * statistics.median(history)
        ):
            self.spikes.append(step)
        self.norms.append(norm)
        return norm

    def is_spike(self, step: int = -1) -> bool:
        """Was ``step`` (default: the latest) flagged?"""
        if not self.norms:
            return False
        index = step if step >= 0 else len(self.norms) + step
        return index in self.spikes

    def summary(self) -> str:
        """One Korean line for a log or a lab cell."""
        if not self.norms:
            return "기록된 기울기 노름이 없습니다."
        finite = [n for n in self.norms if math.isfinite(n)]
        median = f"{statistics.median(finite):.4g}" if finite else "없음"
        return (f"{len(self.norms)} 스텝 기록, 기울기 노름 중앙값 {median}, "
                f"급등 {len(self.spikes)}회" + (f" (스텝 {self.spikes[:10]})" if self.spikes else ""))
