r"""네스테로프 모멘텀: 원문의 look-ahead 형태와 PyTorch 형태, 그리고 둘을 잇는 변수 변환.

Look-ahead form (Sutskever et al. 2013, as the source document writes it), v₀ = 0:

    v_t     = μ v_{t−1} + ∇L(θ_t − η μ v_{t−1})
    θ_{t+1} = θ_t − η v_t

PyTorch form (``torch.optim.SGD(nesterov=True)``): the gradient is taken at the parameter φ itself,

    v_t     = μ v_{t−1} + ∇L(φ_t)                 (v_1 = ∇L(φ_1))
    φ_{t+1} = φ_t − η (∇L(φ_t) + μ v_t)

Change of variables φ_t = θ_t − η μ v_{t−1}: PyTorch's parameter *is* the look-ahead point. Substituting
θ_t = φ_t + ημv_{t−1} into the look-ahead form gives exactly the PyTorch form — but only because the η
inside φ_t and the η of the step are the same number. With a learning rate that changes between steps
the two iterations drift apart (tests show both facts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import torch
from torch import Tensor

from . import validation
from .functional import sgd_step

__all__ = [
    "NesterovTrajectory",
    "lookahead_nesterov_trajectory",
    "pytorch_nesterov_trajectory",
    "heavy_ball_trajectory",
    "lookahead_to_pytorch",
    "pytorch_to_lookahead",
]

GradFn = Callable[[Tensor], Tensor]


class NesterovTrajectory(NamedTuple):
    """``params[k]``: the parameter after k steps (``params[0]`` is the start; shape ``(steps+1, *θ.shape)``).
    ``velocities[k]``: v after k steps (``velocities[0]`` = 0). The change of variables reads
    ``φ[k] = θ[k] − ημ·v[k]`` between the two forms, with equal velocities."""

    params: Tensor
    velocities: Tensor


def _check_common(grad_fn: object, theta0: object, momentum: object, steps: object) -> tuple[float, int]:
    """The momentum and step count as plain numbers, after checking every argument of a trajectory function."""
    validation.function(grad_fn, "grad_fn", "파라미터 텐서를 받아 같은 모양의 기울기 텐서를 돌려줍니다")
    validation.tensor(theta0, "시작 파라미터", floating=True)
    return validation.momentum(momentum), validation.count(steps, "스텝 수", minimum=0)


def _lr_schedule(lr: float | Sequence[float], steps: int, dtype: torch.dtype) -> list[float]:
    """A number means a constant learning rate; a sequence gives η for each step (len == steps). Each must fit the
    parameter's dtype (torch cannot scale a float32 gradient by 1e308)."""
    largest = torch.finfo(dtype).max
    if validation.as_real(lr) is not None:
        return [validation.nonnegative(lr, "학습률 η", maximum=largest)] * steps
    if not isinstance(lr, Sequence) or isinstance(lr, str):
        raise validation.InvalidArgument(
            f"학습률은 수 또는 스텝별 수의 목록이어야 합니다 (받은 값의 타입: {type(lr).__name__}).")
    if len(lr) != steps:
        raise validation.InvalidArgument(f"학습률 목록의 길이({len(lr)})가 스텝 수({steps})와 같아야 합니다.")
    return [validation.nonnegative(x, f"{i}번째 학습률 η", maximum=largest) for i, x in enumerate(lr, 1)]


def _gradient(grad_fn: GradFn, point: Tensor) -> Tensor:
    g = grad_fn(point)
    if not isinstance(g, Tensor) or g.shape != point.shape:
        raise validation.InvalidArgument(f"grad_fn 은 파라미터와 같은 모양 {tuple(point.shape)}의 텐서를 돌려줘야 합니다 "
                                         f"(돌려준 값: {type(g).__name__} {tuple(getattr(g, 'shape', ()))}).")
    return g


@torch.no_grad()
def lookahead_nesterov_trajectory(
    grad_fn: GradFn, theta0: Tensor, lr: float | Sequence[float], momentum: float, steps: int
) -> NesterovTrajectory:
    """Run the look-ahead form for ``steps`` steps: the gradient is taken at θ_t − ημv_{t−1} (book: 05_nesterov)."""
    momentum, steps = _check_common(grad_fn, theta0, momentum, steps)
    lrs = _lr_schedule(lr, steps, theta0.dtype)
    theta = theta0.detach().clone()
    v = torch.zeros_like(theta)
    thetas, vs = [theta.clone()], [v.clone()]
    for eta in lrs:
        lookahead = theta - eta * momentum * v  # θ_t − ημv_{t−1}
        v = momentum * v + _gradient(grad_fn, lookahead)  # v_t = μv_{t−1} + ∇L(look-ahead)
        theta = theta - eta * v  # θ_{t+1} = θ_t − ηv_t
        thetas.append(theta.clone())
        vs.append(v.clone())
    return NesterovTrajectory(torch.stack(thetas), torch.stack(vs))


@torch.no_grad()
def _pytorch_momentum_trajectory(
    grad_fn: GradFn, phi0: Tensor, lr: float | Sequence[float], momentum: float, steps: int, nesterov: bool
) -> NesterovTrajectory:
    momentum, steps = _check_common(grad_fn, phi0, momentum, steps)
    if nesterov and momentum == 0:
        raise validation.InvalidArgument("네스테로프 모멘텀에는 0보다 큰 모멘텀 μ 가 필요합니다 (torch.optim.SGD 와 같은 규칙).")
    lrs = _lr_schedule(lr, steps, phi0.dtype)
    phi = phi0.detach().clone()
    v: Tensor | None = None
    phis, vs = [phi.clone()], [torch.zeros_like(phi)]
    for eta in lrs:
        # The exact torch.optim.SGD step (same ops), so this trajectory equals torch's bit for bit.
        v = sgd_step(phi, _gradient(grad_fn, phi), v, lr=eta, momentum=momentum, nesterov=nesterov)
        phis.append(phi.clone())
        vs.append(v.clone() if v is not None else torch.zeros_like(phi))  # μ = 0: torch keeps no v
    return NesterovTrajectory(torch.stack(phis), torch.stack(vs))


def pytorch_nesterov_trajectory(
    grad_fn: GradFn, phi0: Tensor, lr: float | Sequence[float], momentum: float, steps: int
) -> NesterovTrajectory:
    """Run ``torch.optim.SGD(nesterov=True)``'s iteration (gradient at φ itself) for ``steps`` steps."""
    return _pytorch_momentum_trajectory(grad_fn, phi0, lr, momentum, steps, nesterov=True)


def heavy_ball_trajectory(
    grad_fn: GradFn, theta0: Tensor, lr: float | Sequence[float], momentum: float, steps: int
) -> NesterovTrajectory:
    """Run plain (heavy-ball) momentum, ``torch.optim.SGD(momentum=μ)``, for comparison with Nesterov."""
    return _pytorch_momentum_trajectory(grad_fn, theta0, lr, momentum, steps, nesterov=False)


def lookahead_to_pytorch(theta: Tensor, v: Tensor, lr: float, momentum: float) -> Tensor:
    """φ = θ − ημv: the point where the look-ahead form takes its gradient, PyTorch's parameter."""
    lr, momentum = _check_pair(theta, v, lr, momentum)
    return theta - lr * momentum * v


def pytorch_to_lookahead(phi: Tensor, v: Tensor, lr: float, momentum: float) -> Tensor:
    """θ = φ + ημv: the inverse of :func:`lookahead_to_pytorch`."""
    lr, momentum = _check_pair(phi, v, lr, momentum)
    return phi + lr * momentum * v


def _check_pair(x: object, v: object, lr: object, momentum: object) -> tuple[float, float]:
    validation.tensor(x, "파라미터")
    validation.tensor(v, "속도 v")
    validation.same_shape(x, v, "파라미터", "속도 v")
    return validation.nonnegative(lr, "학습률 η"), validation.nonnegative(momentum, "모멘텀 μ")
