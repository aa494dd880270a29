"""Exercises on mini-batches: averaging gradients, batch size vs learning rate, accumulation, noise (lab 03)."""

from __future__ import annotations

import math

from .core import Case, FunctionExercise, Mistake, NumberExercise, NumberMistake, seeded, randn

LAB3 = "03_minibatch_noise.ipynb"


def _grad_cases() -> list[Case]:
    g = seeded(303)
    shapes = [(8, 5), (4, 3, 2), (16, 3), (6, 6)]
    return [Case((randn(g, *s),), f"per_sample_grads 모양 {s}") for s in shapes]


minibatch_grad = FunctionExercise(
    id="minibatch_grad",
    title="미니배치 기울기",
    lab=LAB3,
    signature="minibatch_grad(per_sample_grads)",
    prompt=r"""
미니배치 SGD 는 샘플 $B$개의 기울기를 평균해서 씁니다: $g = \frac{1}{B}\sum_{i=1}^{B} g_i$.

- `per_sample_grads`: 모양 `(B, ...)` 인 텐서. 첫 번째 차원이 샘플입니다.
- 반환: 모양 `(...)` 인 미니배치 기울기 (첫 차원을 평균으로 없앤 텐서). 입력은 바꾸지 마세요.
""",
    hints=[
        "`nn.CrossEntropyLoss` 의 기본값 `reduction='mean'` 처럼, 합이 아니라 평균입니다.",
        "평균을 낼 차원은 샘플 차원, 즉 첫 번째 차원(dim=0) 하나뿐입니다.",
        "`per_sample_grads.mean(dim=0)`",
    ],
    solution_code='''
def minibatch_grad(per_sample_grads):
    # 첫 번째 차원(샘플)만 평균합니다. 나머지 차원은 파라미터의 모양 그대로 남습니다.
    return per_sample_grads.mean(dim=0)
''',
    cases=_grad_cases,
    reference=lambda g: g.mean(dim=0),
    outputs=("grad",),
    mistakes=[
        Mistake("평균이 아니라 합을 구했습니다. 합을 쓰면 배치 크기가 커질수록 스텝도 커져 학습률의 의미가 바뀝니다.",
                lambda g: g.sum(dim=0)),
        Mistake("평균을 잘못된 차원에서 냈습니다(마지막 차원). 샘플 차원은 첫 번째 차원(dim=0) 입니다.",
                lambda g: g.mean(dim=-1)),
        Mistake("평균을 잘못된 차원에서 냈습니다(dim=1). 샘플 차원은 첫 번째 차원(dim=0) 입니다.",
                lambda g: g.mean(dim=1)),
        Mistake("모든 원소의 평균(스칼라 하나)을 구했습니다. 샘플 차원(dim=0)만 평균해서 파라미터 모양을 남기세요.",
                lambda g: g.mean()),
        Mistake("첫 번째 샘플의 기울기만 썼습니다. 그것은 배치 크기 1의 SGD 입니다.",
                lambda g: g[0]),
        Mistake("B 가 아니라 B − 1 로 나눴습니다(분산의 불편 추정에 쓰는 보정과 혼동). 평균은 B 로 나눕니다.",
                lambda g: g.sum(dim=0) / (g.shape[0] - 1)),
    ],
)


def _scale_cases() -> list[Case]:
    rows = [(0.1, 64, 256), (0.01, 128, 32), (0.05, 32, 32), (0.2, 256, 1024), (0.003, 100, 300)]
    return [Case(r, f"lr={r[0]}, batch_size={r[1]} → new_batch_size={r[2]}") for r in rows]


scale_lr = FunctionExercise(
    id="scale_lr",
    title="배치 크기에 맞춘 학습률 (선형 규칙)",
    lab=LAB3,
    signature="scale_lr(lr, batch_size, new_batch_size)",
    prompt=r"""
배치 크기 `batch_size` 에서 잘 되던 학습률 `lr` 이 있습니다. 배치 크기를 `new_batch_size` 로 바꿀 때
**선형 규칙**(linear scaling rule)으로 새 학습률을 계산해 float 로 반환하세요.
""",
    hints=[
        "선형 규칙: 배치 크기가 k 배가 되면 학습률도 k 배.",
        "k = new_batch_size / batch_size. 정수 나눗셈(`//`)을 쓰면 배치를 줄일 때 0이 됩니다.",
        "`return lr * new_batch_size / batch_size`",
    ],
    solution_code='''
def scale_lr(lr, batch_size, new_batch_size):
    # 배치가 k 배가 되면 평균 기울기의 잡음이 줄어드는 만큼 학습률도 k 배로 키웁니다 (선형 규칙).
    return lr * new_batch_size / batch_size
''',
    cases=_scale_cases,
    reference=lambda lr, b, nb: lr * nb / b,
    outputs=("new_lr",),
    kinds=("float",),
    rtol=1e-9,
    atol=1e-12,
    mistakes=[
        Mistake("비율이 뒤집혔습니다: 배치를 키웠는데 학습률을 줄였습니다. 선형 규칙은 배치와 같은 방향으로 바꿉니다.",
                lambda lr, b, nb: lr * b / nb),
        Mistake("제곱근 규칙(√k 배)을 썼습니다. 그것은 Adam 류에서 자주 쓰는 다른 규칙입니다. 여기서는 선형 규칙을 쓰세요.",
                lambda lr, b, nb: lr * math.sqrt(nb / b)),
        Mistake("학습률을 바꾸지 않았습니다. 배치 크기가 바뀌면 선형 규칙으로 학습률도 바꿉니다.",
                lambda lr, b, nb: lr),
        Mistake("비율을 제곱했습니다. 선형 규칙은 비율 k 를 한 번만 곱합니다.",
                lambda lr, b, nb: lr * (nb / b) ** 2),
        Mistake("비율만 반환했습니다. 원래 학습률 `lr` 에 곱하세요.",
                lambda lr, b, nb: nb / b),
        Mistake("정수 나눗셈(`//`)을 써서 배치를 줄일 때 비율이 0 이 됩니다. `/` 를 쓰세요.",
                lambda lr, b, nb: lr * (nb // b)),
    ],
)


def _guard(fn):
    def wrapped(target, micro):
        if target % micro != 0:
            raise ValueError("not divisible")
        return fn(target, micro)
    return wrapped


def _accum_cases() -> list[Case]:
    rows = [(256, 64), (96, 32), (64, 64), (1024, 128)]
    cases = [Case(r, f"target_batch_size={r[0]}, micro_batch_size={r[1]}") for r in rows]
    for r in [(100, 32), (48, 64)]:
        cases.append(Case(r, f"target_batch_size={r[0]}, micro_batch_size={r[1]} (나누어떨어지지 않음)", raises=ValueError))
    return cases


accumulation_steps = FunctionExercise(
    id="accumulation_steps",
    title="기울기 누적 횟수",
    lab=LAB3,
    signature="accumulation_steps(target_batch_size, micro_batch_size)",
    prompt=r"""
메모리에 한 번에 `micro_batch_size` 개만 올릴 수 있을 때, 미니배치 몇 개의 기울기를 누적해야 유효 배치 크기가
`target_batch_size` 가 되나요? 그 횟수를 **int** 로 반환하세요.

`target_batch_size` 가 `micro_batch_size` 로 나누어떨어지지 않으면 정확히 맞출 수 없으므로, 반올림하지 말고
`ValueError` 를 내세요 (예: `raise ValueError("나누어떨어지지 않습니다")`). 유효 배치 크기가 몰래 달라지면
학습률 조정이 틀어지기 때문입니다.
""",
    hints=[
        "유효 배치 크기 = micro_batch_size × 누적 횟수.",
        "나누어떨어지는지는 `target_batch_size % micro_batch_size == 0` 으로 확인합니다.",
        "나누어떨어지지 않으면 `raise ValueError(...)`, 아니면 `return target_batch_size // micro_batch_size`.",
    ],
    solution_code='''
def accumulation_steps(target_batch_size, micro_batch_size):
    # 정확히 나누어떨어질 때만 유효 배치 크기를 target 에 맞출 수 있습니다.
    if target_batch_size % micro_batch_size != 0:
        raise ValueError("target_batch_size 가 micro_batch_size 로 나누어떨어지지 않습니다.")
    # 정수 나눗셈(//)이라 결과가 int 입니다.
    return target_batch_size // micro_batch_size
''',
    cases=_accum_cases,
    reference=_guard(lambda t, m: t // m),
    outputs=("steps",),
    kinds=("int",),
    mistakes=[
        Mistake("나눗셈이 뒤집혔습니다(micro ÷ target). 큰 배치를 작은 미니배치 여러 개로 나누는 횟수를 구하세요.",
                _guard(lambda t, m: m // t)),
        Mistake("곱했습니다. 누적 횟수는 target 을 micro 로 나눈 값입니다.",
                _guard(lambda t, m: t * m)),
        Mistake("하나가 모자랍니다(off-by-one). 미니배치 하나하나가 모두 누적에 들어갑니다.",
                _guard(lambda t, m: t // m - 1)),
        Mistake("나누어떨어지지 않을 때 올림을 했습니다. 그러면 유효 배치 크기가 target 보다 커집니다: ValueError 를 내세요.",
                lambda t, m: -(-t // m)),
        Mistake("나누어떨어지지 않을 때 내림을 했습니다. 그러면 유효 배치 크기가 target 보다 작아집니다: ValueError 를 내세요.",
                lambda t, m: t // m),
        Mistake("float 를 반환했습니다. " + "정수(int)로 반환해야 합니다: `/` 대신 `//` 를 쓰세요.",
                _guard(lambda t, m: t / m)),
    ],
)


noise_ratio = NumberExercise(
    id="noise_ratio",
    title="배치 크기와 기울기 잡음",
    lab=LAB3,
    prompt=r"""
샘플 하나의 기울기 $g_i$ 들이 서로 독립이고 분산이 $\sigma^2$ 라고 합시다. 미니배치 기울기는 $B$ 개의 평균입니다.
배치 크기 $B=64$ 일 때 미니배치 기울기의 **분산**은 $B=16$ 일 때의 몇 배인가요? 숫자 하나를 `answer` 에 넣으세요.
""",
    hints=[
        r"독립인 값 $B$ 개의 평균의 분산은 $\sigma^2$ 를 무엇으로 나눈 값인가요?",
        r"$\mathrm{Var}\big(\frac{1}{B}\sum g_i\big) = \sigma^2 / B$. 두 배치 크기에서의 값을 나누어 보세요.",
        r"$(\sigma^2/64) / (\sigma^2/16)$",
    ],
    solution_code='''
# 평균의 분산은 sigma^2 / B 입니다. 비율을 구하면 sigma^2 은 약분됩니다.
answer = (1 / 64) / (1 / 16)
''',
    answer=0.25,
    rel_tol=1e-3,
    mistakes=[
        NumberMistake(0.5, "그것은 표준편차의 비율입니다(1/√B 법칙). 문제는 분산을 묻습니다."),
        NumberMistake(4.0, "비율이 뒤집혔습니다. 배치가 클수록 평균의 잡음은 *작아집니다*."),
        NumberMistake(2.0, "표준편차 비율을 뒤집은 값입니다. 분산은 1/B 에 비례하고, 배치가 클수록 작아집니다."),
        NumberMistake(1.0, "분산은 배치 크기에 따라 변합니다: 평균을 내는 샘플이 많을수록 작아집니다."),
        NumberMistake(1 / 16, "한 번 더 제곱했습니다. 분산은 1/B 에 비례합니다(1/B² 이 아님)."),
    ],
    success="분산은 1/B, 표준편차는 1/√B 로 줄어듭니다.",
)

EXERCISES = [minibatch_grad, scale_lr, accumulation_steps, noise_ratio]
