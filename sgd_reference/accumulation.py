r"""기울기 누적: 작은 미니배치 여러 개의 기울기를 모아 큰 배치 하나의 기울기를 만든다.

With a mean-reduced loss, the full-batch gradient is ∇(1/N Σᵢ ℓᵢ) = Σₖ (nₖ/N) ∇L̄ₖ, where L̄ₖ is the mean
loss of micro-batch k with nₖ samples. So each micro-batch loss is scaled by its share nₖ/N before
``backward()`` (and ``.grad`` adds them up). Scaling by 1/K instead is only right when all micro-batches
have the same size.

The result equals the large-batch gradient mathematically but not bit for bit: the sums are done in
another order (per micro-batch, then across them) and floating-point addition is not associative.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from torch import Tensor, nn

from . import validation

__all__ = ["accumulate_gradients", "accumulation_steps", "effective_batch_size"]


def effective_batch_size(micro_batch_size: int, steps: int) -> int:
    """유효 배치 크기 = micro-batch size × accumulation steps (per optimizer step, one device)."""
    return validation.integer(micro_batch_size, "마이크로배치 크기", minimum=1) * validation.integer(steps, "누적 스텝 수", minimum=1)


def accumulation_steps(target_batch_size: int, micro_batch_size: int) -> int:
    """How many micro-batches to accumulate to reach ``target_batch_size`` (must divide evenly)."""
    target = validation.integer(target_batch_size, "목표 배치 크기", minimum=1)
    micro = validation.integer(micro_batch_size, "마이크로배치 크기", minimum=1)
    if target % micro:
        raise ValueError(
            f"목표 배치 크기 {target} 가 마이크로배치 크기 {micro} 로 나누어떨어지지 않습니다: "
            f"{target // micro}번 누적하면 {target // micro * micro}, {math.ceil(target / micro)}번이면 "
            f"{math.ceil(target / micro) * micro} 입니다."
        )
    return target // micro


def accumulate_gradients(
    model: nn.Module,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    inputs: Tensor,
    targets: Tensor,
    micro_batch_size: int,
    *,
    zero_grad: bool = True,
) -> float:
    """Fill ``p.grad`` with the gradient of the mean loss over all of ``inputs``, one micro-batch at a time.

    ``loss_fn`` must return the *mean* loss of a batch (``reduction="mean"``, PyTorch's default).
    With ``zero_grad=True`` (default) existing gradients are cleared first, so the result is exactly
    "the big batch's gradient"; pass ``False`` to add onto them. Returns the full-batch mean loss.
    Only peak activation memory shrinks: the optimizer then takes *one* step.
    """
    validation.instance(model, nn.Module, "model", "torch.nn.Module")
    validation.function(loss_fn, "loss_fn", "(출력, 정답)을 받아 평균 손실 텐서를 돌려줍니다")
    validation.tensor(inputs, "inputs")
    validation.tensor(targets, "targets")
    n = inputs.shape[0] if inputs.dim() > 0 else 0
    if n == 0 or targets.dim() == 0 or targets.shape[0] != n:
        raise ValueError(
            f"inputs 와 targets 의 첫 차원(샘플 수)이 같고 1 이상이어야 합니다 "
            f"(inputs {tuple(inputs.shape)}, targets {tuple(targets.shape)})."
        )
    micro = validation.integer(micro_batch_size, "마이크로배치 크기", minimum=1)
    if validation.flag(zero_grad, "zero_grad"):
        model.zero_grad(set_to_none=True)

    total_loss = 0.0
    for start in range(0, n, micro):
        x, y = inputs[start:start + micro], targets[start:start + micro]
        share = x.shape[0] / n  # nₖ / N: the last micro-batch may be smaller
        loss = loss_fn(model(x), y)
        if not isinstance(loss, Tensor) or loss.dim() != 0:
            raise ValueError("loss_fn 은 스칼라(평균) 손실을 돌려줘야 합니다: reduction='mean' 을 쓰세요.")
        (loss * share).backward()  # .grad += (nₖ/N) ∇L̄ₖ
        total_loss += loss.item() * share
    return total_loss

