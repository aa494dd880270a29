"""Exercises on the quick-start recipe: warmup + cosine schedule, batch-scaled learning rate (lab 08)."""

from __future__ import annotations

import math

from ..schedules import warmup_cosine_lr as warmup_cosine_lr_reference
from .core import Case, FunctionExercise, Mistake, NumberExercise, NumberMistake

LAB8 = "08_schedule_recipe.ipynb"


def _cases() -> list[Case]:
    configs = [  # (total, warmup, base_lr, min_lr or None = default, steps)
        (100, 10, 0.1, None, [0, 1, 5, 9, 10, 11, 50, 99]),
        (50, 5, 0.4, 0.01, [0, 4, 5, 20, 49]),
        (30, 3, 1.0, 0.0, [0, 2, 3, 15, 29]),
    ]
    cases = []
    for total, warm, base, min_lr, steps in configs:
        for s in steps:
            args = (s, total, warm, base) + (() if min_lr is None else (min_lr,))
            extra = "min_lr 생략" if min_lr is None else f"min_lr={min_lr}"
            cases.append(Case(args, f"step={s}, total_steps={total}, warmup_steps={warm}, base_lr={base}, {extra}"))
    return cases


def _wrong(warm_fn=None, decay_fn=None):
    """A schedule with the warmup or the decay part replaced by a wrong one."""

    def schedule(step, total, warmup, base, min_lr=0.0):
        if step < warmup:
            return warm_fn(step, warmup, base) if warm_fn else base * (step + 1) / warmup
        if decay_fn:
            return decay_fn(step, total, warmup, base, min_lr)
        return warmup_cosine_lr_reference(step, total, warmup, base, min_lr)

    return schedule


def _cos(x):
    return (1 + math.cos(math.pi * x)) / 2


warmup_cosine_lr = FunctionExercise(
    id="warmup_cosine_lr",
    title="워밍업 + 코사인 감쇠 학습률",
    lab=LAB8,
    signature="warmup_cosine_lr(step, total_steps, warmup_steps, base_lr, min_lr=0.0)",
    prompt=r"""
스텝 `step` (0부터 셉니다)에서의 학습률을 float 로 반환하세요.

- 워밍업 (`step < warmup_steps`): $\eta = \eta_{\text{base}} \cdot \dfrac{\text{step} + 1}{\text{warmup\_steps}}$
- 그 뒤 코사인 감쇠: $\eta = \eta_{\min} + (\eta_{\text{base}} - \eta_{\min}) \cdot
  \dfrac{1 + \cos\big(\pi\, \frac{\text{step} - \text{warmup\_steps}}{\text{total\_steps} - \text{warmup\_steps}}\big)}{2}$
""",
    hints=[
        "두 구간으로 나눠 `if step < warmup_steps:` 로 갈라 쓰세요. 코사인은 `math.cos`, π 는 `math.pi` 입니다.",
        "워밍업의 첫 스텝(step=0)도 학습률이 0 이면 안 되므로 step + 1 을 씁니다. 코사인은 워밍업이 끝난 뒤의 구간 "
        "(total_steps − warmup_steps) 에서 0 → 1 로 진행합니다.",
        "`progress = (step - warmup_steps) / (total_steps - warmup_steps)`, "
        "`return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2`",
    ],
    solution_code='''
import math


def warmup_cosine_lr(step, total_steps, warmup_steps, base_lr, min_lr=0.0):
    if step < warmup_steps:
        # 선형 워밍업: step 0 에서도 0 이 아니도록 step + 1 을 씁니다.
        return base_lr * (step + 1) / warmup_steps
    # 워밍업이 끝난 뒤의 진행률 0 → 1 (전체가 아니라 남은 구간 기준).
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    # 코사인으로 base_lr 에서 min_lr 까지 부드럽게 내려갑니다.
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2
''',
    cases=_cases,
    reference=warmup_cosine_lr_reference,
    outputs=("lr",),
    kinds=("float",),
    rtol=1e-9,
    atol=1e-12,
    mistakes=[
        Mistake("워밍업이 한 스텝 밀렸습니다(off-by-one): step 대신 step + 1 을 쓰세요. step=0 에서 학습률이 0 이면 첫 스텝이 헛돕니다.",
                _wrong(warm_fn=lambda s, w, b: b * s / w)),
        Mistake("코사인 진행률을 전체 스텝(total_steps)으로 나눴습니다. 워밍업 뒤 남은 구간 total_steps − warmup_steps 로 나눠야 "
                "마지막 스텝에서 min_lr 에 닿습니다.",
                _wrong(decay_fn=lambda s, t, w, b, m: m + (b - m) * _cos((s - w) / t))),
        Mistake("코사인 진행률에서 워밍업 스텝을 빼지 않았습니다. 워밍업이 끝난 순간 코사인은 0(최고 학습률)에서 시작해야 합니다.",
                _wrong(decay_fn=lambda s, t, w, b, m: m + (b - m) * _cos(s / (t - w)))),
        Mistake("min_lr 을 무시했습니다. 코사인은 base_lr 에서 min_lr 까지 내려갑니다.",
                _wrong(decay_fn=lambda s, t, w, b, m: b * _cos((s - w) / (t - w)))),
        Mistake("워밍업이 없습니다: 처음부터 코사인으로 시작했습니다. step < warmup_steps 구간은 선형으로 올라가야 합니다.",
                lambda s, t, w, b, m=0.0: m + (b - m) * _cos(s / t)),
        Mistake("(1 + cos)/2 에서 2 로 나누는 것을 빠뜨렸습니다. 그러면 워밍업 직후 학습률이 base_lr 의 두 배가 됩니다.",
                _wrong(decay_fn=lambda s, t, w, b, m: m + (b - m) * (1 + math.cos(math.pi * (s - w) / (t - w))))),
        Mistake("코사인이 아니라 직선으로 줄였습니다. (1 + cos(π·진행률))/2 모양을 쓰세요.",
                _wrong(decay_fn=lambda s, t, w, b, m: m + (b - m) * (1 - (s - w) / (t - w)))),
    ],
)


recipe_lr = NumberExercise(
    id="recipe_lr",
    title="레시피의 학습률을 배치 256 에 맞추기",
    lab=LAB8,
    prompt=r"""
빠른 시작 레시피의 초기 학습률 0.01 은 **배치 64** 기준입니다. 배치 크기를 256 으로 키울 때, **선형 규칙**으로
정한 시작 학습률은 얼마인가요? 숫자 하나를 `answer` 에 넣으세요.
""",
    hints=[
        "배치 크기가 몇 배가 되었나요?",
        "선형 규칙: 배치가 k 배가 되면 학습률도 k 배입니다.",
        "0.01 × 256 / 64",
    ],
    solution_code='''
base_lr, base_batch, new_batch = 0.01, 64, 256
# 선형 규칙: 배치가 k 배(여기서는 256 / 64 배)면 학습률도 k 배.
answer = base_lr * new_batch / base_batch
''',
    answer=0.01 * 256 / 64,
    rel_tol=1e-3,
    mistakes=[
        NumberMistake(0.01 * 64 / 256, "비율이 뒤집혔습니다: 배치를 키웠는데 학습률을 줄였습니다."),
        NumberMistake(0.01 * math.sqrt(256 / 64), "제곱근 규칙(√k 배)입니다. 그것도 쓰이는 규칙이지만 이 문제는 선형 규칙을 묻습니다."),
        NumberMistake(0.01, "학습률을 그대로 두었습니다. 배치 크기가 바뀌면 선형 규칙으로 학습률도 바꿉니다."),
        NumberMistake(0.01 * (256 / 64) ** 2, "비율을 제곱했습니다. 선형 규칙은 비율 k 를 한 번만 곱합니다."),
        NumberMistake(0.01 / math.sqrt(256 / 64), "제곱근 규칙을 거꾸로 적용했습니다. 배치를 키우면 학습률도 키웁니다(선형 규칙)."),
        NumberMistake(256 / 64, "배율(k)만 넣었습니다. 원래 학습률 0.01 에 곱하세요."),
    ],
    success="실제로는 이 값에서 시작해 워밍업을 두고, 불안정하면 조금 낮춰 확인합니다.",
)

EXERCISES = [warmup_cosine_lr, recipe_lr]
