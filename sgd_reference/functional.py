"""SGD 한 스텝의 산술: 파라미터 하나(또는 같은 연산을 묶은 목록)에 대한 순수 함수.

Notation of the book (chapter 02-06):
θ param, g gradient, η lr, μ momentum, τ dampening, λ weight decay, v velocity (momentum buffer).

Bit-exactness rule used everywhere here: do the *same tensor operations in the same order* as
``torch.optim.sgd``. ``θ.add_(g, alpha=-η)`` computes θ + (−η)·g with a single rounding per element,
whereas ``θ -= η * g`` first rounds η·g to a new tensor and then rounds the subtraction: the two results
differ in the last bit for some elements. The same holds for ``g.add(θ, alpha=λ)`` vs ``g + λ * θ``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = ["sgd_step", "sgd_foreach_step"]


def _as_scalar_lr(lr: float | Tensor) -> float | Tensor:
    """Turn a 1-element lr tensor of any shape into a 0-dim tensor (torch's ``_to_scalar``); floats pass."""
    if isinstance(lr, Tensor) and lr.dim() != 0:
        return lr.squeeze()
    return lr


def _sgd_step(
    theta: Tensor,
    grad: Tensor,
    velocity: Tensor | None,
    *,
    lr: float | Tensor,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float | Tensor = 0.0,
    nesterov: bool = False,
    maximize: bool = False,
) -> Tensor | None:
    """Unchecked :func:`sgd_step` (the optimiser's hot loop calls this one).

    ``grad`` is never modified. ``velocity`` is updated in place when it exists; on the first step
    (``velocity is None``) v is a copy of g, so dampening does not apply yet (as in PyTorch).
    Returns ``None`` when μ = 0 (plain SGD keeps no state). Call it under ``torch.no_grad()``.
    Shown in the book: 02_basic_sgd (the update), 04_momentum, 05_nesterov, 06_weight_decay.
    """
    lr = _as_scalar_lr(lr)
    g = grad if not maximize else -grad  # g ← ∇L(θ)   (g ← −∇L(θ) if maximize)

    if weight_decay != 0:  # g ← g + λθ   (coupled L2: λθ goes through v below)
        if isinstance(weight_decay, Tensor) and weight_decay.requires_grad:
            # torch's branch for a λ tensor that requires grad: same arithmetic (addcmul), but out of
            # place, because torch's in-place addcmul_ would write into p.grad here.
            g = g.addcmul(theta, weight_decay)
        else:
            g = g.add(theta, alpha=weight_decay)  # new tensor: p.grad stays as it was

    v = velocity
    if momentum != 0:
        if v is None:
            v = g.detach().clone()  # v ← g   (first step: no (1−τ) factor)
        else:
            v.mul_(momentum).add_(g, alpha=1 - dampening)  # v ← μv + (1−τ)g
        if nesterov:
            g = g.add(v, alpha=momentum)  # g ← g + μv
        else:
            g = v  # g ← v

    # θ ← θ − ηg, one rounding per element (see module docstring).
    if isinstance(lr, Tensor) and lr.requires_grad:
        theta.addcmul_(g, lr, value=-1)
    else:
        theta.add_(g, alpha=-lr)
    return v


def _sgd_foreach_step(
    thetas: Sequence[Tensor],
    grads: Sequence[Tensor],
    velocities: list[Tensor | None],
    *,
    lr: float | Tensor,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float | Tensor = 0.0,
    nesterov: bool = False,
    maximize: bool = False,
) -> list[Tensor | None]:
    """Unchecked :func:`sgd_foreach_step`.

    Mirrors ``torch.optim.sgd._multi_tensor_sgd`` op for op, so results are bit-identical to it.
    Fewer Python-level calls: faster for many small tensors. All tensors must share device and
    dtype (``sgd_reference.SGD`` groups them). Sparse gradients are handled by :func:`sgd_step`
    (the caller falls back), since foreach kernels do not take sparse tensors.
    Returns the velocity list (new tensors where it was ``None``).
    """
    velocities = list(velocities)
    if len(thetas) == 0:
        return velocities
    lr = _as_scalar_lr(lr)
    thetas = list(thetas)
    gs: list[Tensor] = list(grads)

    if maximize:
        gs = torch._foreach_neg(gs)  # g ← −∇L(θ)
    if weight_decay != 0:  # g ← g + λθ
        if maximize:  # gs is already a fresh list: reuse its memory, as torch does
            torch._foreach_add_(gs, thetas, alpha=weight_decay)
        else:
            gs = torch._foreach_add(gs, thetas, alpha=weight_decay)

    if momentum != 0:
        if all(v is not None for v in velocities):
            vs: list[Tensor] = velocities  # type: ignore[assignment]
            torch._foreach_mul_(vs, momentum)  # v ← μv
            torch._foreach_add_(vs, gs, alpha=1 - dampening)  # v ← v + (1−τ)g
        else:  # some parameter sees its first gradient now
            for i, v in enumerate(velocities):
                if v is None:
                    velocities[i] = gs[i].detach().clone()  # v ← g
                else:
                    v.mul_(momentum).add_(gs[i], alpha=1 - dampening)
            vs = velocities  # type: ignore[assignment]
        if nesterov:  # g ← g + μv
            if maximize or weight_decay != 0:
                torch._foreach_add_(gs, vs, alpha=momentum)  # gs are our own tensors: in place
            else:
                # gs are the p.grad tensors. torch's foreach path writes into them here; its for-loop
                # path (CPU default) does not. We never touch p.grad: same θ and v, one allocation.
                gs = torch._foreach_add(gs, vs, alpha=momentum)
        else:
            gs = vs  # g ← v

    torch._foreach_add_(thetas, gs, alpha=-lr)  # θ ← θ − ηg
    return velocities


def _check_step(theta: object, grad: object, velocity: object, lr: object, momentum: object,
                dampening: object, weight_decay: object, nesterov: object) -> None:
    if not isinstance(theta, Tensor) or not isinstance(grad, Tensor):
        raise TypeError(
            f"파라미터 θ 와 기울기 g 는 torch.Tensor 여야 합니다 (받은 값: {type(theta).__name__}, {type(grad).__name__})."
        )
    if theta.shape != grad.shape:
        raise ValueError(f"파라미터 모양 {tuple(theta.shape)} 과 기울기 모양 {tuple(grad.shape)} 이 같아야 합니다.")
    if velocity is not None and (not isinstance(velocity, Tensor) or velocity.shape != theta.shape):
        raise ValueError("속도 v 는 None(첫 스텝) 이거나 파라미터와 같은 모양의 텐서여야 합니다.")
    for name, value in (("학습률 η", lr), ("모멘텀 μ", momentum), ("가중치 감쇠 λ", weight_decay)):
        if isinstance(value, Tensor):
            if value.numel() != 1:
                raise ValueError(f"{name} 텐서는 원소가 하나여야 합니다.")
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ValueError(f"{name} 는 0 이상의 수여야 합니다 (받은 값: {value!r}).")
    if isinstance(dampening, bool) or not isinstance(dampening, (int, float)):
        raise ValueError(f"dampening τ 는 수여야 합니다 (받은 값: {dampening!r}).")
    if nesterov and (momentum == 0 or dampening != 0):
        raise ValueError("네스테로프 모멘텀에는 0보다 큰 모멘텀 μ 와 dampening τ = 0 이 필요합니다.")


def sgd_step(
    theta: Tensor,
    grad: Tensor,
    velocity: Tensor | None,
    *,
    lr: float | Tensor,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float | Tensor = 0.0,
    nesterov: bool = False,
    maximize: bool = False,
) -> Tensor | None:
    """One SGD step for one parameter: updates ``theta`` in place and returns the new velocity v.

    ``grad`` is never modified. ``velocity`` is updated in place when it exists; on the first step
    (``velocity is None``) v is a copy of g, so dampening does not apply yet (as in PyTorch).
    Returns ``None`` when μ = 0 (plain SGD keeps no state). Bad arguments raise Korean errors.
    """
    _check_step(theta, grad, velocity, lr, momentum, dampening, weight_decay, nesterov)
    with torch.no_grad():
        return _sgd_step(theta, grad, velocity, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)


def sgd_foreach_step(
    thetas: Sequence[Tensor],
    grads: Sequence[Tensor],
    velocities: Sequence[Tensor | None],
    *,
    lr: float | Tensor,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float | Tensor = 0.0,
    nesterov: bool = False,
    maximize: bool = False,
) -> list[Tensor | None]:
    """The same step as :func:`sgd_step` for a list of parameters, with ``torch._foreach_*`` kernels.

    Mirrors ``torch.optim.sgd._multi_tensor_sgd`` op for op, so results are bit-identical to it.
    Fewer Python-level calls: faster for many small tensors. All tensors must share device and
    dtype. Returns the velocity list (new tensors where it was ``None``).
    """
    thetas, grads, velocities = list(thetas), list(grads), list(velocities)
    if not (len(thetas) == len(grads) == len(velocities)):
        raise ValueError(
            f"파라미터({len(thetas)}개), 기울기({len(grads)}개), 속도({len(velocities)}개) 목록의 길이가 같아야 합니다."
        )
    for t, g, v in zip(thetas, grads, velocities):
        _check_step(t, g, v, lr, momentum, dampening, weight_decay, nesterov)
        if g.is_sparse:
            raise ValueError("sgd_foreach_step 은 희소(sparse) 기울기를 받지 않습니다: sgd_step 을 쓰세요.")
        if (t.device, t.dtype) != (thetas[0].device, thetas[0].dtype):
            raise ValueError("sgd_foreach_step 의 텐서들은 device 와 dtype 이 모두 같아야 합니다.")
    with torch.no_grad():
        return _sgd_foreach_step(thetas, grads, velocities, lr=lr, momentum=momentum, dampening=dampening,
                                 weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
