"""A one-pass SGD step: the same formulas as :mod:`sgd_reference.functional`, compiled by ``torch.compile``.

Why: the readable step runs one torch operation after another (g + λθ, μv, + (1−τ)g, θ − ηv), and
each one reads and writes a whole tensor, about 44 bytes of memory traffic per float32 parameter with
momentum and weight decay. The step cannot be faster than the 20 bytes it must move (read θ, g, v;
write v, θ): Inductor fuses the same formulas into one loop per tensor that moves just those.

Numerical relation to ``torch.optim.SGD`` (tested in tests/test_fused.py):

* A parameter's **first** step (v ← g) runs the readable eager step: bit for bit.
* Later steps are equal **up to rounding**, not bit for bit: torch's vectorised CPU kernel computes
  a + αb with one fused multiply-add (one rounding), the compiled loop with a multiplication and an
  addition (two roundings), and it reads η, μ, τ, λ as tensors so that a schedule changing η does not
  recompile. Each step adds at most a few units in the last place per element; nothing accumulates
  faster than in the update itself (the step is linear in θ and v).
* float16/bfloat16, sparse gradients, non-CPU tensors, plain SGD without momentum/λ/maximize (already a
  single pass): the readable eager step, bit for bit.

``torch.compile`` needs a C++ compiler at run time. Without one the first step warns once (in Korean)
and every step runs the readable eager step, bit for bit; nothing has changed when the compile fails.

Inductor's on-disk cache does not key its generated C++ on ``ATEN_CPU_CAPABILITY`` (torch 2.13), yet that
variable decides whether the C++ may use vector types: a step cached under ``avx2`` fails to compile
under ``default`` (``make test`` runs the labs on both). The compile is tagged with the capability, so
each path compiles and caches its own code.
"""

from __future__ import annotations

import os
import types
import warnings
from typing import Any

import torch
from torch import Tensor

__all__ = ["COMPILED_DTYPES"]  # the step itself is internal: SGD checks its arguments

COMPILED_DTYPES = frozenset({torch.float32, torch.float64})

COMPILE_FAILED = ("fused=True: torch.compile 이 이 환경에서 동작하지 않아(C++ 컴파일러 g++ 가 없거나 컴파일 실패) "
                  "읽기 쉬운 기본 스텝으로 계속합니다. 결과는 torch.optim.SGD 와 비트 단위로 같고 속도만 느립니다. "
                  "빠른 경로가 필요하면 g++ 를 설치하세요 (Debian/Ubuntu: sudo apt-get install g++). 원인: {cause}")


def _one_pass_body(thetas: list[Tensor], grads: list[Tensor], velocities: list[Tensor], lr: Tensor,
                   momentum: Tensor, damp_keep: Tensor, weight_decay: Tensor,
                   nesterov: bool, maximize: bool, decay: bool) -> None:
    """The book's step, formula for formula; Inductor turns each parameter's lines into one loop."""
    for theta, grad, v in zip(thetas, grads, velocities):
        g = -grad if maximize else grad          # g ← ∇L(θ)   (−∇L(θ) if maximize)
        if decay:
            g = g + weight_decay * theta         # g ← g + λθ
        v.mul_(momentum).add_(damp_keep * g)     # v ← μv + (1−τ)g
        if nesterov:
            g = g + momentum * v                 # g ← g + μv
        else:
            g = v                                # g ← v
        theta.sub_(lr * g)                       # θ ← θ − ηg


# One compiled copy of the body per (flags, tensor layout): Dynamo keeps at most a few compiled versions
# per code object and then silently runs eager, so each layout gets a code object of its own. η, μ, τ, λ
# are tensor inputs, so a schedule that changes them reuses the compiled code.
_COMPILED: dict[tuple, Any] = {}
_FAILED: list[str] = []  # why compiling failed in this process, once it has (then never retried)


def _compiled_for(key: tuple) -> Any:
    if key not in _COMPILED:
        body = _one_pass_body
        code = body.__code__.replace(co_name=f"_one_pass_body_{len(_COMPILED)}")
        copy = types.FunctionType(code, body.__globals__, code.co_name, body.__defaults__)
        _COMPILED[key] = torch.compile(copy, fullgraph=True, dynamic=False)
    return _COMPILED[key]


def _cache_tag() -> str:
    """The compile's on-disk cache key: the user's own tag plus the CPU kernel path (see the module docstring)."""
    return f"{torch.compiler.config.cache_key_tag}|ATEN_CPU_CAPABILITY={os.environ.get('ATEN_CPU_CAPABILITY', '')}"


def _fused_sgd_step(thetas: list[Tensor], grads: list[Tensor], velocities: list[Tensor], *,
                   lr: float | Tensor, momentum: float, dampening: float, weight_decay: float | Tensor,
                   nesterov: bool, maximize: bool) -> bool:
    """Step ``thetas`` and ``velocities`` in place with the compiled body; ``False`` when compiling is
    impossible here (warned once; the caller then runs the eager step: nothing was changed)."""
    if _FAILED:
        return False
    flags = {"nesterov": bool(nesterov), "maximize": bool(maximize), "decay": bool(weight_decay != 0)}
    layout = tuple((tuple(t.shape), t.stride(), t.dtype) for ts in (thetas, grads, velocities) for t in ts)
    step = _compiled_for((tuple(flags.values()), layout))
    scalars = [torch.tensor(float(x), dtype=torch.float64) for x in (lr, momentum, 1.0 - dampening, weight_decay)]
    try:
        with torch.compiler.config.patch(cache_key_tag=_cache_tag()):
            step(thetas, grads, velocities, *scalars, **flags)
    except Exception as error:  # no compiler, unsupported platform: Inductor fails before touching data
        text = str(error).strip()
        _FAILED.append(f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"[:300])
        warnings.warn(COMPILE_FAILED.format(cause=_FAILED[0]), RuntimeWarning, stacklevel=4)
        return False
    return True
