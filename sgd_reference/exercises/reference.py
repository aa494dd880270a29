"""References the graders compare against: torch itself, so a learner's answer is judged by what PyTorch does."""

from __future__ import annotations

from typing import Sequence

import torch


def torch_sgd_step(param: torch.Tensor, grad: torch.Tensor, buf: torch.Tensor | None, lr: float,
                   momentum: float = 0.0, dampening: float = 0.0, weight_decay: float = 0.0,
                   nesterov: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
    """One `torch.optim.SGD` step on a copy of `param`; returns (new_param, new_momentum_buffer).

    Calls `torch.optim.sgd.sgd`, the function `torch.optim.SGD.step` runs for each parameter group: the same
    arithmetic without constructing an optimizer (whose first construction imports torch._dynamo, seconds).
    """
    from torch.optim.sgd import sgd

    p = param.detach().clone()
    buffers = [None if buf is None else buf.detach().clone()]
    sgd([p], [grad.detach().clone()], buffers, weight_decay=weight_decay, momentum=momentum, lr=lr,
        dampening=dampening, nesterov=nesterov, maximize=False, foreach=False)
    new_buf = buffers[0] if momentum != 0 else None
    return p, new_buf


def velocity(grad: torch.Tensor, buf: torch.Tensor | None, momentum: float, dampening: float = 0.0, *,
             scale: float = 1.0, damp_first: bool = False) -> torch.Tensor:
    """torch's momentum buffer: v ← g on the first step (``buf`` None), else v ← μv + (1 − τ)g.

    ``scale`` (η put inside v) and ``damp_first`` (τ applied on the first step) write the usual mistakes with the
    same rule, so every exercise's wrong variants differ from torch in exactly the one place they name.
    """
    if buf is None:
        return scale * ((1 - dampening) * grad if damp_first else grad)
    return momentum * buf + scale * (1 - dampening) * grad


def _as_params(grads: Sequence[torch.Tensor]) -> list[torch.nn.Parameter]:
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros_like(g))
        p.grad = g.detach().clone()
        params.append(p)
    return params


def torch_clip_grad_norm(grads: Sequence[torch.Tensor], max_norm: float) -> list[torch.Tensor]:
    """The gradients after `torch.nn.utils.clip_grad_norm_` (global L2 norm, eps 1e-6)."""
    params = _as_params(grads)
    torch.nn.utils.clip_grad_norm_(params, max_norm, foreach=False)
    return [p.grad.detach().clone() for p in params]


def torch_global_grad_norm(grads: Sequence[torch.Tensor]) -> float:
    """The global L2 norm that `clip_grad_norm_` computes (and returns)."""
    params = _as_params(grads)
    return float(torch.nn.utils.clip_grad_norm_(params, float("inf"), foreach=False))


def torch_optimizer_state_bytes_per_param(optimizer: str) -> int:
    """Bytes of per-element optimizer state per float32 parameter, measured on real torch optimizers.

    Only tensors with one value per parameter element count (momentum buffer, Adam's two moments); Adam's scalar
    `step` counter is per tensor, not per element, and is left out.
    """
    n = 7
    p = torch.nn.Parameter(torch.zeros(n, dtype=torch.float32))
    p.grad = torch.ones(n)
    if optimizer == "sgd":
        opt = torch.optim.SGD([p], lr=0.1)
    elif optimizer == "sgd_momentum":
        opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    elif optimizer == "adam":
        opt = torch.optim.Adam([p], lr=0.1)
    else:
        raise ValueError(optimizer)
    opt.step()
    total = sum(t.numel() * t.element_size() for t in opt.state[p].values()
                if isinstance(t, torch.Tensor) and t.numel() == n)
    return total // n
