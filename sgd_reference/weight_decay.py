r"""가중치 감쇠: 결합형 L2(coupled, torch 의 ``weight_decay``) 와 분리형(decoupled, SGDW).

Coupled L2 adds λθ to the gradient, so the decay travels through the velocity v:

    g ← g + λθ;  v ← μv + g;  θ ← θ − ηv

Decoupled decay (Loshchilov & Hutter, SGDW) shrinks θ directly and keeps v for the loss gradient only:

    θ ← θ − ηλθ;  v ← μv + g;  θ ← θ − ηv

Without momentum (μ = 0) and at a constant η both are θ ← (1 − ηλ)θ − ηg: the same update, up to
rounding. With momentum they differ: coupled decay is amplified by ~1/(1−μ) through v and lags behind.
Here the decoupled decay is scaled by η (as ``torch.optim.AdamW`` does), so the two agree at μ = 0.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from . import validation
from .functional import sgd_step
from .optimizer import SGD

__all__ = ["coupled_weight_decay_step", "decoupled_weight_decay_step", "SGDW"]


def _check_step_args(theta: object, grad: object, lr: object, weight_decay: object) -> tuple[float, float]:
    validation.tensor(theta, "파라미터 θ")
    validation.tensor(grad, "기울기 g")
    validation.same_shape(theta, grad, "파라미터 θ", "기울기 g")
    largest = torch.finfo(theta.dtype).max  # torch cannot scale a float32 tensor by 1e308
    lr = validation.nonnegative(lr, "학습률 η", maximum=largest)
    weight_decay = validation.nonnegative(weight_decay, "가중치 감쇠 λ", maximum=largest)
    validation.real(lr * weight_decay, "ηλ", maximum=largest)
    return lr, weight_decay


@torch.no_grad()
def coupled_weight_decay_step(
    theta: Tensor, grad: Tensor, velocity: Tensor | None, *, lr: float, weight_decay: float,
    momentum: float = 0.0, dampening: float = 0.0, nesterov: bool = False,
) -> Tensor | None:
    """torch's L2 ``weight_decay``: g ← g + λθ, then the usual step. θ in place; returns v."""
    lr, weight_decay = _check_step_args(theta, grad, lr, weight_decay)
    nesterov = validation.flag(nesterov, "nesterov")
    return sgd_step(theta, grad, velocity, lr=lr, momentum=momentum, dampening=dampening,
                    weight_decay=weight_decay, nesterov=nesterov)


@torch.no_grad()
def decoupled_weight_decay_step(
    theta: Tensor, grad: Tensor, velocity: Tensor | None, *, lr: float, weight_decay: float,
    momentum: float = 0.0, dampening: float = 0.0, nesterov: bool = False,
) -> Tensor | None:
    """SGDW: θ ← θ − ηλθ (from the current θ), then the step without λ. θ in place; returns v."""
    lr, weight_decay = _check_step_args(theta, grad, lr, weight_decay)
    nesterov = validation.flag(nesterov, "nesterov")
    theta.mul_(1 - lr * weight_decay)  # θ ← (1 − ηλ)θ, outside v
    return sgd_step(theta, grad, velocity, lr=lr, momentum=momentum, dampening=dampening,
                    weight_decay=0.0, nesterov=nesterov)


class SGDW(SGD):
    """``SGD`` whose ``weight_decay`` is decoupled (SGDW): each step first does θ ← θ − ηλθ.

    Same arguments as :class:`sgd_reference.SGD`; per-group ``weight_decay`` and ``lr`` are honoured,
    so ``decay_param_groups`` and schedulers work unchanged.
    """

    _supports_fused = False  # the compiled one-pass step (sgd_reference.fused) has coupled λ only

    def _step_group(self, group: dict[str, Any]) -> None:
        # Shown in the book: 06_weight_decay. SGD.step has already checked every group (so a refused
        # group leaves θ undecayed) and run the closure: the gradients are taken at the undecayed θ, as in
        # a plain training loop.
        lr, wd = group["lr"], group["weight_decay"]
        if wd != 0:
            for p in group["params"]:
                if p.grad is not None:
                    p.mul_(1 - lr * wd)  # θ ← (1 − ηλ)θ, outside v
        self._sgd_group(group, weight_decay=0.0)  # the usual step, without λθ in g
