r"""학습률 스케줄: 선형 워밍업 뒤 코사인 감쇠 (원문 레시피의 "warmup 후 cosine decay").

Steps are counted from 0 (the step whose update uses this lr). With W warmup steps and T total steps:

    η(s) = η_base · (s + 1) / W                                         for s < W
    η(s) = η_min + (η_base − η_min) · (1 + cos(π (s − W) / (T − W))) / 2  for W ≤ s < T
    η(s) = η_min                                                        for s ≥ T  (held, not rising again)

Warmup reaches η_base at s = W−1 and the cosine starts from η_base at s = W (η_base is used twice).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from . import validation

__all__ = ["warmup_cosine_lr", "WarmupCosineLR"]


def _check_steps(total_steps: object, warmup_steps: object) -> tuple[int, int]:
    total = validation.integer(total_steps, "전체 스텝 수 total_steps", minimum=1)
    warmup = validation.integer(warmup_steps, "워밍업 스텝 수 warmup_steps", minimum=0)
    if warmup >= total:
        raise ValueError(
            f"워밍업 스텝 수({warmup})는 전체 스텝 수({total})보다 작아야 합니다: 코사인 감쇠 구간이 남아야 합니다."
        )
    return total, warmup


def warmup_cosine_lr(step: int, total_steps: int, warmup_steps: int, base_lr: float, min_lr: float = 0.0) -> float:
    """The learning rate at ``step`` (from 0): linear warmup to ``base_lr``, then cosine decay to ``min_lr``.

    Shown in the book: 08_recipe.
    """
    step = validation.integer(step, "스텝 step", minimum=0)
    total, warmup = _check_steps(total_steps, warmup_steps)
    base_lr = validation.nonnegative(base_lr, "기본 학습률 base_lr")
    min_lr = validation.nonnegative(min_lr, "최소 학습률 min_lr")
    if min_lr > base_lr:
        raise ValueError(f"최소 학습률 min_lr({min_lr})이 기본 학습률 base_lr({base_lr})보다 클 수 없습니다.")
    if step < warmup:
        # linear warmup η_base/W, 2η_base/W, …, η_base. The fraction first: (s+1)/W ≤ 1 keeps η ≤ η_base
        # after rounding and gives exactly η_base at s = W−1 ((η_base·W)/W can land one ulp above it).
        return base_lr * ((step + 1) / warmup)
    if step >= total:
        return min_lr
    progress = (step - warmup) / (total - warmup)  # 0 → 1 over the decay
    lr = min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2
    return min(max(lr, min_lr), base_lr)  # rounding can put it one ulp outside [η_min, η_base]


class WarmupCosineLR(LRScheduler):
    """``LRScheduler`` for :func:`warmup_cosine_lr`; each group decays from its own initial lr.

    ``min_lr`` may be one number or one per param group. Computed in closed form from the step count
    (not by multiplying the previous lr), so it never accumulates rounding and resumes exactly from
    ``state_dict``. Call ``scheduler.step()`` once per optimizer step, after ``optimizer.step()``.
    """

    def __init__(self, optimizer: Optimizer, warmup_steps: int, total_steps: int,
                 min_lr: float | Sequence[float] = 0.0, last_epoch: int = -1) -> None:
        validation.instance(optimizer, Optimizer, "optimizer", "torch.optim.Optimizer")
        self.total_steps, self.warmup_steps = _check_steps(total_steps, warmup_steps)
        n_groups = len(optimizer.param_groups)
        if isinstance(min_lr, Sequence) and not isinstance(min_lr, str):
            if len(min_lr) != n_groups:
                raise ValueError(f"min_lr 목록의 길이({len(min_lr)})가 파라미터 그룹 수({n_groups})와 같아야 합니다.")
            self.min_lrs = [validation.nonnegative(m, "최소 학습률 min_lr") for m in min_lr]
        else:
            self.min_lrs = [validation.nonnegative(min_lr, "최소 학습률 min_lr")] * n_groups
        last_epoch = validation.integer(last_epoch, "last_epoch", minimum=-1)
        if last_epoch >= 0 and any("initial_lr" not in group for group in optimizer.param_groups):
            raise validation.InvalidArgument(
                f"last_epoch={last_epoch} 로 이어서 시작하려면 옵티마이저의 파라미터 그룹에 'initial_lr' 가 있어야 합니다: "
                "처음 시작할 때는 last_epoch 를 비워 두고, 이어서 학습할 때는 scheduler.load_state_dict(...) 를 쓰세요.")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:  # type: ignore[override]
        return self._get_closed_form_lr()

    def _get_closed_form_lr(self) -> list[float]:
        return [
            warmup_cosine_lr(self.last_epoch, self.total_steps, self.warmup_steps, float(base_lr), min_lr)
            for base_lr, min_lr in zip(self.base_lrs, self.min_lrs)
        ]
