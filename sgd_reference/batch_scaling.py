r"""배치 크기를 바꿀 때의 학습률: 선형 스케일링 η₂ = η₁·B₂/B₁ 과 원문의 경험칙.

The source document treats linear scaling as a *starting point* only, and gives rules of thumb:
batch ×2 → lr ×1.5 to ×2; batch ×1/2 → lr ×1/2 to ×2/3. Both are the interval between r and
r^{log₂1.5} for r = B₂/B₁ (2^{0.585} = 1.5, (1/2)^{0.585} = 2/3): linear scaling is the aggressive end
when the batch grows and the cautious end when it shrinks. :func:`lr_range_rule_of_thumb` uses that
interval for other ratios too (an extrapolation of the document, said so in its docstring).
"""

from __future__ import annotations

import math

from . import validation

__all__ = ["scale_lr_linear", "lr_range_rule_of_thumb", "lr_candidates", "SOFT_SCALING_EXPONENT"]

#: Exponent of the softer end of the rule of thumb: 2**SOFT_SCALING_EXPONENT == 1.5.
SOFT_SCALING_EXPONENT = math.log2(1.5)


def scale_lr_linear(lr: float, batch_size: int, new_batch_size: int) -> float:
    """Linear scaling: η₂ = η₁ · B₂ / B₁ (a starting point for the search, not the answer)."""
    lr = validation.positive(lr, "학습률")
    b1 = validation.integer(batch_size, "기존 배치 크기", minimum=1)
    b2 = validation.integer(new_batch_size, "새 배치 크기", minimum=1)
    return lr * b2 / b1


def lr_range_rule_of_thumb(lr: float, batch_size: int, new_batch_size: int) -> tuple[float, float]:
    """(low, high) learning rates to test after changing the batch size, per the document's rule of thumb.

    Exactly the document at ×2 (lr ×1.5–×2) and ×1/2 (lr ×1/2–×2/3); other ratios r use the same
    ends, r and r^{log₂1.5}, which is our extrapolation, not the document's.
    """
    lr = validation.positive(lr, "학습률")
    r = validation.integer(new_batch_size, "새 배치 크기", minimum=1) / validation.integer(batch_size, "기존 배치 크기", minimum=1)
    ends = (lr * r, lr * r**SOFT_SCALING_EXPONENT)
    return (min(ends), max(ends))


def lr_candidates(lr: float, batch_size: int, new_batch_size: int, n: int = 3,
                  spread: float = 2.0) -> dict[str, float]:
    """2–3 candidates around the linear-scaling value: ``{"low", "mid", "high"}`` (``n=2``: low, mid).

    mid is :func:`scale_lr_linear`; low/high are mid ÷/× ``spread`` (a geometric grid, the usual way
    to search a learning rate). With two candidates the higher one is dropped: the document warns that
    the 1:1 ratio can already be too much.
    """
    mid = scale_lr_linear(lr, batch_size, new_batch_size)
    n = validation.integer(n, "후보 개수 n", minimum=2, maximum=3)
    spread = validation.real(spread, "후보 간격 spread", above=1.0)
    candidates = {"low": mid / spread, "mid": mid, "high": mid * spread}
    if n == 2:
        del candidates["high"]
    return candidates
