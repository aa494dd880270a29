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

__all__ = ["sgd_step", "sgd_foreach_step", "as_scalar_lr"]


def as_scalar_lr(lr: float | Tensor) -> float | Tensor:
    """Turn a 1-element lr tensor of any shape into a 0-dim tensor (torch's ``_to_scalar``); floats pass."""
    if isinstance(lr, Tensor) and lr.dim() != 0:
        return lr.squeeze()
    return lr


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
    Returns ``None`` when μ = 0 (plain SGD keeps no state). Call it under ``torch.no_grad()``.
    """
    lr = as_scalar_lr(lr)
    g = grad if not maximize else -grad  # g ← ∇L(θ)   (g ← −∇L(θ) if maximize)

    if weight_decay != 0:  # g ← g + λθ   (coupled L2: λθ goes through v below)
        if isinstance(weight_decay, Tensor) and weight_decay.requires_grad:
            # torch's differentiable branch, kept so a requires_grad λ tensor behaves the same.
            g = g.addcmul_(theta.clone(), weight_decay)
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


def sgd_foreach_step(
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
    """The same step as :func:`sgd_step` for a list of parameters, with ``torch._foreach_*`` kernels.

    Mirrors ``torch.optim.sgd._multi_tensor_sgd`` op for op, so results are bit-identical to it.
    Fewer Python-level calls: faster for many small tensors. All tensors must share device and
    dtype (``sgd_reference.SGD`` groups them). Sparse gradients are handled by :func:`sgd_step`
    (the caller falls back), since foreach kernels do not take sparse tensors.
    Returns the velocity list (new tensors where it was ``None``).
    """
    velocities = list(velocities)
    if len(thetas) == 0:
        return velocities
    lr = as_scalar_lr(lr)
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
        if nesterov:
            # In place: without maximize/λ this writes into p.grad itself, exactly as torch does.
            torch._foreach_add_(gs, vs, alpha=momentum)  # g ← g + μv
        else:
            gs = vs  # g ← v

    torch._foreach_add_(thetas, gs, alpha=-lr)  # θ ← θ − ηg
    return velocities
