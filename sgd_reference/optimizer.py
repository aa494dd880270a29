"""``SGD``: a readable optimiser that reproduces ``torch.optim.SGD`` bit for bit.

The class only checks arguments, keeps the velocity v per parameter in ``self.state`` and walks the
parameter groups; the arithmetic lives in :mod:`sgd_reference.functional`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor
from torch.optim import Optimizer

from .functional import _sgd_foreach_step, _sgd_step
from .fused import COMPILED_DTYPES, _fused_sgd_step

__all__ = ["SGD"]

# Device types on which foreach kernels are real fused loops (torch's default there is foreach).
_FOREACH_DEVICES = frozenset({"cuda", "xpu", "mtia"})
# On CPU torch always defaults to its for-loop path. In float32 and float64 both paths do the same
# arithmetic (bit-identical θ and v), so with foreach=None we take the faster one, as measured by
# benchmarks/step_time.py: for small tensors the per-tensor Python overhead dominates and foreach wins;
# for large ones foreach only adds memory traffic (it materialises every intermediate), so the loop wins.
_FOREACH_CPU_MAX_MEAN_NUMEL = 1 << 16
# Only these dtypes: in float16/bfloat16 torch's CPU ``_foreach_mul_(vs, μ)`` rounds μ to the tensor's
# dtype first (0.9 → 0.8984375 in bfloat16) where ``v.mul_(μ)`` keeps it exact, so v differs from step 2.
_FOREACH_CPU_EXACT_DTYPES = frozenset({torch.float32, torch.float64})

class SGD(Optimizer):
    r"""확률적 경사 하강법(SGD), 모멘텀·네스테로프·가중치 감쇠 포함 — ``torch.optim.SGD`` 와 비트 단위로 같다.

    Algorithm, in the book's notation (θ 파라미터, g 기울기, η 학습률, μ 모멘텀, τ dampening,
    λ 가중치 감쇠, v 속도), for every parameter with a gradient at step t:

    .. code-block:: text

        g ← ∇L(θ)                 (g ← −∇L(θ) if maximize)
        g ← g + λθ                (if λ ≠ 0: coupled L2, it goes through v)
        v ← μv + (1−τ)g           (if μ ≠ 0; v ← g on the parameter's first step)
        g ← g + μv  if nesterov   else  g ← v      (if μ ≠ 0)
        θ ← θ − ηg

    Same signature, defaults, ``param_groups`` keys, state key (``"momentum_buffer"``) and argument
    errors as ``torch.optim.SGD``; a ``state_dict`` moves between the two in both directions.

    Differences, all explicit errors rather than silent ones:

    * ``fused=True`` does not call torch's fused kernel: it compiles this class's own step formulas with
      ``torch.compile`` into one pass over memory per tensor (:mod:`sgd_reference.fused`). Equal to
      torch up to rounding (a few units in the last place per step), not bit for bit; the first step,
      half precision, sparse gradients, non-CPU tensors and plain SGD stay on the exact eager step.
      Without a C++ compiler it warns once in Korean and runs the exact eager step.
    * ``differentiable=True`` → ``ValueError``: stepping is always done under ``torch.no_grad()``.
    * ``foreach=None`` on CPU picks the faster of the two exact paths: ``torch._foreach_*`` for float32
      and float64 tensors that are small (mean ≤ 65 536 elements), the for-loop otherwise (torch always
      loops on CPU). Both give bit-identical θ and v there; ``benchmarks/step_time.py`` measures why.
      Half precision always loops: torch's CPU foreach rounds μ to float16/bfloat16.
    * ``p.grad`` is never modified. (torch's foreach path with nesterov and no λ/maximize writes
      g + μv into ``p.grad``; its for-loop path does not.)
    """

    _supports_fused = True  # SGDW (decoupled λ) has no compiled step

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float | Tensor = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        # Same checks, order and (English) messages as torch.optim.SGD, so code that catches them works.
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")

        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

        if fused and not self._supports_fused:
            raise ValueError(
                f"{type(self).__name__}는 fused=True 를 지원하지 않습니다: 빠른 경로(torch.compile)는 sgd_reference.SGD "
                "에만 있습니다. fused 를 빼고(기본값) 쓰세요."
            )
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")  # torch's check and message
        if differentiable:
            raise ValueError(
                "sgd_reference.SGD는 differentiable=True 를 지원하지 않습니다: 스텝은 항상 torch.no_grad() "
                "안에서 실행됩니다. 옵티마이저 스텝을 미분해야 하면 torch.optim.SGD(differentiable=True)를 쓰세요."
            )

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Take one step for every parameter that has a gradient; return ``closure()``'s loss, if any."""
        for group in self.param_groups:  # refuse before anything changes (closure, θ or v)
            _check_group_supported(group, fused_ok=self._supports_fused)
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()

        for group in self.param_groups:
            self._step_group(group)
        return loss

    def _step_group(self, group: dict[str, Any]) -> None:
        """Step every parameter of one group that has a gradient, with coupled λ (SGDW overrides this)."""
        self._sgd_group(group, group["weight_decay"])

    def _sgd_group(self, group: dict[str, Any], weight_decay: float | Tensor) -> None:
        """The step of one group with λ passed in (SGDW passes 0): one device and dtype at a time."""
        # Parameters without a gradient this step are skipped and their v is left untouched.
        params = [p for p in group["params"] if p.grad is not None]
        momentum = group["momentum"]
        hyper = {
            "lr": group["lr"],
            "momentum": momentum,
            "dampening": group["dampening"],
            "weight_decay": weight_decay,
            "nesterov": group["nesterov"],
            "maximize": group["maximize"],
        }
        for same_kind in _group_by_device_and_dtype(params):
            grads = [p.grad for p in same_kind]
            velocities = [self.state[p].get("momentum_buffer") if momentum != 0 else None for p in same_kind]
            if group.get("fused") and self._try_fused(same_kind, grads, velocities, hyper):
                continue  # θ and v updated in place by the compiled step
            if _use_foreach(group["foreach"], same_kind, grads):
                velocities = _sgd_foreach_step(same_kind, grads, velocities, **hyper)
            else:
                velocities = [_sgd_step(p, g, v, **hyper) for p, g, v in zip(same_kind, grads, velocities)]
            if momentum != 0:
                for p, v in zip(same_kind, velocities):
                    self.state[p]["momentum_buffer"] = v

    def _try_fused(self, params: list[Tensor], grads: list[Tensor], velocities: list[Tensor | None],
                   hyper: dict[str, Any]) -> bool:
        """The compiled one-pass step where it applies and compiles; ``False`` → caller runs the eager step."""
        if not _fused_applies(params, grads, velocities, hyper):
            return False
        return _fused_sgd_step(params, grads, velocities, **hyper)  # type: ignore[arg-type]


def _check_group_supported(group: dict[str, Any], *, fused_ok: bool = True) -> None:
    """A state_dict from torch may carry fused/differentiable=True; refuse at step time, clearly."""
    if group.get("fused") and not fused_ok:
        raise ValueError("SGDW는 fused=True 파라미터 그룹을 지원하지 않습니다 (불러온 state_dict 확인): "
                         "빠른 경로(torch.compile)는 sgd_reference.SGD 에만 있습니다.")
    if group.get("differentiable"):
        raise ValueError("sgd_reference.SGD는 differentiable=True 파라미터 그룹을 지원하지 않습니다 (불러온 state_dict 확인).")


def _fused_applies(params: list[Tensor], grads: list[Tensor], velocities: list[Tensor | None],
                   hyper: dict[str, Any]) -> bool:
    """Where the compiled one-pass step runs; everywhere else the exact eager step does (see fused.py)."""
    # Without momentum the eager step is already one or two passes; the compiled body needs a v.
    return (bool(params) and hyper["momentum"] != 0
            and all(v is not None for v in velocities)  # a first step (v ← g) is eager, exact
            and all(p.device.type == "cpu" and p.dtype in COMPILED_DTYPES for p in params)
            and not any(g.is_sparse or g.dtype != p.dtype for p, g in zip(params, grads))
            and not any(isinstance(x, Tensor) and x.requires_grad for x in (hyper["lr"], hyper["weight_decay"])))


def _use_foreach(foreach: bool | None, params: list[Tensor], grads: list[Tensor]) -> bool:
    """For tensors of one device and dtype: explicit True/False wins; None picks foreach where it is
    the faster path *and* bit-identical to torch's default."""
    if any(g.is_sparse for g in grads):
        return False  # foreach kernels don't take sparse tensors; the loop does the same ops
    if foreach is not None:
        return bool(foreach)
    if not params or any(type(p) not in (Tensor, torch.nn.Parameter) for p in params):
        return False
    if all(p.device.type in _FOREACH_DEVICES for p in params):
        return True  # torch's own default on accelerators
    if all(p.device.type == "cpu" and p.dtype in _FOREACH_CPU_EXACT_DTYPES for p in params):
        return sum(p.numel() for p in params) <= _FOREACH_CPU_MAX_MEAN_NUMEL * len(params)
    return False


def _group_by_device_and_dtype(params: list[Tensor]) -> list[list[Tensor]]:
    """``params`` grouped by (device, dtype), order kept: foreach needs uniform lists."""
    groups: dict[tuple[torch.device, torch.dtype], list[Tensor]] = {}
    for p in params:
        groups.setdefault((p.device, p.dtype), []).append(p)
    return list(groups.values())
